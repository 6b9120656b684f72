// Retries with backoff and Retry-After, paced by the shared rate limiter.
#include "reconcile/remote/retry.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "reconcile/remote/retry_after.hpp"

namespace reconcile {

using std::chrono::milliseconds;
namespace chr = std::chrono;

// ---------------------------------------------------------------------------------------------
// Retrier

namespace {

double default_uniform01() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

Retrier::Retrier(RetryPolicy policy, AdaptiveRateLimiter* limiter, RetryClock& clock,
                 std::function<double()> uniform01)
    : policy_(policy), limiter_(limiter), clock_(clock), uniform01_(std::move(uniform01)) {
    if (!uniform01_) uniform01_ = default_uniform01;
    if (policy_.max_attempts < 1) policy_.max_attempts = 1;
}

bool Retrier::is_retryable(std::string_view method, const ApiError& error) {
    if (method != "GET" && method != "PATCH") return false;  // POST: the caller decides
    switch (error.kind) {
        case ApiError::Kind::Auth:
            return false;
        case ApiError::Kind::Malformed:
            return true;
        case ApiError::Kind::Http:
            return error.status == 429 || error.status == 502 || error.status == 503 ||
                   error.status == 504;
        case ApiError::Kind::Transport:
            if (!error.network) return true;
            switch (*error.network) {
                case NetworkFailure::Timeout:
                case NetworkFailure::Reset:
                case NetworkFailure::Connect:
                case NetworkFailure::Protocol:
                    return true;
                case NetworkFailure::Resolve:
                case NetworkFailure::Tls:
                case NetworkFailure::TooLarge:
                case NetworkFailure::Cancelled:
                    return false;
            }
            return false;
    }
    return false;
}

milliseconds Retrier::backoff(int attempts) {
    const int exponent = std::clamp(attempts - 1, 0, 30);
    const double ceiling = std::min<double>(static_cast<double>(policy_.max_delay.count()),
                                            static_cast<double>(policy_.base_delay.count()) *
                                                static_cast<double>(1LL << exponent));
    const double u = std::clamp(uniform01_(), 0.0, 1.0);
    return milliseconds{static_cast<long long>(u * ceiling)};
}

std::optional<milliseconds> Retrier::next_delay(std::string_view method, const ApiError& error,
                                                int attempts, milliseconds elapsed) {
    if (!is_retryable(method, error)) return std::nullopt;
    if (attempts >= policy_.max_attempts) return std::nullopt;
    std::optional<milliseconds> delay;
    if ((error.status == 429 || error.status == 503) && error.retry_after)
        delay = parse_retry_after(*error.retry_after, clock_.wall_now());
    if (!delay) delay = backoff(attempts);
    if (elapsed + *delay > policy_.max_retry_time) return std::nullopt;
    return delay;
}

AdaptiveRateLimiter::time_point Retrier::before_attempt(int attempt) {
    ++attempts_;
    if (attempt > 1) ++retries_;
    return limiter_ ? limiter_->acquire() : clock_.now();
}

void Retrier::set_cancel(const std::atomic<bool>* cancel) {
    cancel_ = cancel;
    if (limiter_) limiter_->set_cancel(cancel);
}

void Retrier::observe_rate_headers(std::optional<long long> limit, long long remaining, bool rejected) {
    if (limiter_) limiter_->on_rate_headers(limit, remaining, rejected);
}

bool Retrier::sleep_unless_cancelled(milliseconds delay) {
    if (!cancel_) {
        clock_.sleep_for(delay);
        return true;
    }
    while (delay.count() > 0) {
        if (cancelled()) return false;
        const auto step = std::min(delay, milliseconds(50));
        clock_.sleep_for(step);
        delay -= step;
    }
    return !cancelled();
}

ApiError Retrier::interrupted_error(std::string_view method, int attempts) {
    ApiError e;
    e.kind = ApiError::Kind::Transport;
    e.network = NetworkFailure::Cancelled;
    e.method = std::string(method);
    e.message = attempts == 0 ? "not sent: the run was interrupted" : "not retried: the run was interrupted";
    e.attempts = attempts;
    return e;
}

void Retrier::after_attempt(AdaptiveRateLimiter::time_point ticket, const ApiError* error, bool count) {
    if (limiter_) limiter_->on_finished();
    if (!count) return;
    const bool throttled = error && error->kind == ApiError::Kind::Http && error->status == 429;
    if (throttled) ++rate_limited_;
    if (!limiter_) return;
    if (!error) {
        limiter_->on_success();
    } else if (throttled) {
        std::optional<milliseconds> pause;
        if (error->retry_after) pause = parse_retry_after(*error->retry_after, clock_.wall_now());
        limiter_->on_rate_limited(ticket, pause);
    }
}

void Retrier::log_retry(const ApiError& error, int attempts, milliseconds delay) {
    spdlog::debug("retry: {}; attempt {} of {} in {} ms", error.describe(), attempts + 1,
                  policy_.max_attempts, delay.count());
}

RetryStats Retrier::stats() const {
    return RetryStats{attempts_.load(), retries_.load(), rate_limited_.load(), gave_up_.load()};
}

}  // namespace reconcile
