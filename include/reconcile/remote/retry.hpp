#pragma once
// Retries and pacing for API requests.
//
// Where retries happen: a Retrier runs one attempt function until it succeeds, fails for
// good, or runs out of attempts or time. It is wired per HTTP request (HttpAgentApi's
// retrier), so that each page of a listing is retried and paced on its own.
//
// What is retried: GET and PATCH (a PATCH sends absolute values, so sending it twice is
// harmless) on 429 (after Retry-After when given, else exponential backoff with full jitter),
// 502/503/504, transport timeouts, resets and refused connections, and malformed responses.
// Never: other 4xx, 401/403 (Kind::Auth), TLS and name resolution failures, and any POST
// (create, provision): a POST whose answer was lost is reported with maybe_committed=true so
// the caller can look the agent up by name / re-read the binding before trying again.

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "reconcile/apply/agent_api.hpp"
#include "reconcile/remote/rate_limiter.hpp"

namespace reconcile {

struct RetryPolicy {
    int max_attempts = 5;                                     // the first attempt included
    std::chrono::milliseconds max_retry_time{60'000};         // first start to last start
    std::chrono::milliseconds base_delay{500};                // backoff before the 2nd attempt
    std::chrono::milliseconds max_delay{30'000};              // cap of one backoff
};

struct RetryStats {
    std::size_t attempts = 0;      // requests started through the retrier
    std::size_t retries = 0;       // of which were retries
    std::size_t rate_limited = 0;  // 429 answers seen
    std::size_t gave_up = 0;       // retryable failures returned after the budget ran out
};

// Thread-safe when the random source is (the default one is).
class Retrier {
public:
    Retrier(RetryPolicy policy = {}, AdaptiveRateLimiter* limiter = nullptr,
            RetryClock& clock = system_retry_clock(),
            std::function<double()> uniform01 = {});  // [0,1) for jitter; default: random

    // Runs `attempt` (returning ApiResult<T>) until it succeeds or the error is final.
    template <class T, class F>
    ApiResult<T> run(std::string_view method, F&& attempt) {
        const auto started = clock_.now();
        for (int n = 1;; ++n) {
            if (cancelled()) return std::unexpected(interrupted_error(method, n - 1));
            const auto ticket = before_attempt(n);
            if (cancelled()) {  // the wait for the rate limiter ended by the interrupt
                after_attempt(ticket, nullptr, /*count=*/false);
                return std::unexpected(interrupted_error(method, n - 1));
            }
            ApiResult<T> result = attempt();
            after_attempt(ticket, result ? nullptr : &result.error());
            if (result) return result;
            const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                clock_.now() - started);
            const auto delay = next_delay(method, result.error(), n, elapsed);
            if (!delay) {
                result.error().attempts = n;
                if (is_retryable(method, result.error())) ++gave_up_;
                return result;
            }
            log_retry(result.error(), n, *delay);
            if (!sleep_unless_cancelled(*delay)) {
                result.error().attempts = n;
                result.error().message += " (not retried: the run was interrupted)";
                return result;
            }
        }
    }

    // Once *cancel is true no attempt starts (an attempt not started is an error of
    // NetworkFailure::Cancelled) and no backoff is waited out. The limiter is told too.
    void set_cancel(const std::atomic<bool>* cancel);
    bool cancelled() const { return cancel_ && cancel_->load(); }

    // An answer's X-RateLimit-* headers, for the rate limiter.
    void observe_rate_headers(std::optional<long long> limit, long long remaining, bool rejected);

    // Whether an error may be retried for this method at all.
    static bool is_retryable(std::string_view method, const ApiError& error);
    // The wait before attempt `attempts + 1`, or nullopt to give up. `elapsed` is the time since
    // the first attempt started.
    std::optional<std::chrono::milliseconds> next_delay(std::string_view method, const ApiError& error,
                                                        int attempts,
                                                        std::chrono::milliseconds elapsed);
    // Full-jitter exponential backoff after `attempts` attempts: uniform in
    // [0, min(max_delay, base_delay * 2^(attempts-1))].
    std::chrono::milliseconds backoff(int attempts);

    const RetryPolicy& policy() const { return policy_; }
    RetryStats stats() const;

private:
    AdaptiveRateLimiter::time_point before_attempt(int attempt);
    void after_attempt(AdaptiveRateLimiter::time_point ticket, const ApiError* error, bool count = true);
    bool sleep_unless_cancelled(std::chrono::milliseconds delay);
    static ApiError interrupted_error(std::string_view method, int attempts);
    void log_retry(const ApiError& error, int attempts, std::chrono::milliseconds delay);

    RetryPolicy policy_;
    AdaptiveRateLimiter* limiter_;
    RetryClock& clock_;
    std::function<double()> uniform01_;
    const std::atomic<bool>* cancel_ = nullptr;
    std::atomic<std::size_t> attempts_{0}, retries_{0}, rate_limited_{0}, gave_up_{0};
};

}  // namespace reconcile
