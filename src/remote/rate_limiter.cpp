// An AIMD rate limiter shared by workers, and the system clock it sleeps on.
#include "reconcile/remote/rate_limiter.hpp"

#include <algorithm>
#include <thread>

namespace reconcile {

using std::chrono::milliseconds;
namespace chr = std::chrono;

// ---------------------------------------------------------------------------------------------
// Clock

namespace {

class SystemRetryClock final : public RetryClock {
public:
    chr::steady_clock::time_point now() override { return chr::steady_clock::now(); }
    chr::system_clock::time_point wall_now() override { return chr::system_clock::now(); }
    void sleep_for(milliseconds d) override {
        if (d.count() > 0) std::this_thread::sleep_for(d);
    }
};

}  // namespace

RetryClock& system_retry_clock() {
    static SystemRetryClock clock;
    return clock;
}

// ---------------------------------------------------------------------------------------------
// AdaptiveRateLimiter

AdaptiveRateLimiter::AdaptiveRateLimiter(RateLimiterOptions options, RetryClock& clock)
    : opts_(options), clock_(clock), interval_(options.min_interval) {}

AdaptiveRateLimiter::time_point AdaptiveRateLimiter::acquire() {
    std::unique_lock lock(mu_);
    for (;;) {
        const auto now = clock_.now();
        auto ready = pause_until_;
        if (header_mode_) ready = std::max(ready, now + header_wait(now));
        else if (last_start_) ready = std::max(ready, *last_start_ + interval_);
        if (ready <= now || (cancel_ && cancel_->load())) {
            last_start_ = now;
            recent_starts_.push_back(now);
            if (recent_starts_.size() > 1024) recent_starts_.pop_front();
            ++in_flight_;
            return now;
        }
        auto wait = chr::ceil<milliseconds>(ready - now);
        // Re-checked in short steps: an answer or a 429 elsewhere may move the goal, and an
        // interrupt ends the wait.
        if (header_mode_ || cancel_) wait = std::min(wait, milliseconds(header_mode_ ? 5 : 50));
        lock.unlock();
        clock_.sleep_for(wait);
        lock.lock();
    }
}

chr::steady_clock::duration AdaptiveRateLimiter::header_wait(time_point now) const {
    const double rate = rate_estimate_ * opts_.headroom;
    double budget = static_cast<double>(remaining_);
    if (rate > 0) budget += rate * chr::duration<double>(now - remaining_at_).count();
    if (server_limit_) budget = std::min(budget, static_cast<double>(*server_limit_));
    budget -= static_cast<double>(in_flight_);
    if (budget >= 1.0) return chr::steady_clock::duration::zero();
    // No estimate yet: one request at a time, each answer updates the count.
    if (rate <= 0) return in_flight_ == 0 ? chr::steady_clock::duration::zero() : chr::milliseconds(5);
    return chr::duration_cast<chr::steady_clock::duration>(chr::duration<double>((1.0 - budget) / rate));
}

void AdaptiveRateLimiter::on_rate_headers(std::optional<long long> limit, long long remaining, bool rejected) {
    std::lock_guard lock(mu_);
    const auto now = clock_.now();
    header_mode_ = true;
    if (limit && *limit > 0) server_limit_ = limit;
    if (!rejected) ++admitted_;
    remaining_ = std::max(0LL, remaining);
    remaining_at_ = now;
    observations_.push_back(RateObservation{now, remaining_, admitted_});
    estimate_rate(now);
}

// Refill rate = (change of the remainder + requests admitted) / time, over the window.
void AdaptiveRateLimiter::estimate_rate(time_point now) {
    while (observations_.size() > 2 && observations_.front().at < now - opts_.estimate_window)
        observations_.pop_front();
    if (observations_.size() < 3) return;
    const auto& a = observations_.front();
    const auto& b = observations_.back();
    const double seconds = chr::duration<double>(b.at - a.at).count();
    if (seconds < 0.2) return;  // too short to tell a refill from rounding
    const double refilled =
        static_cast<double>(b.remaining - a.remaining) + static_cast<double>(b.admitted - a.admitted);
    if (refilled > 0) rate_estimate_ = refilled / seconds;
}

void AdaptiveRateLimiter::on_finished() {
    std::lock_guard lock(mu_);
    if (in_flight_ > 0) --in_flight_;
}

double AdaptiveRateLimiter::estimated_rate() const {
    std::lock_guard lock(mu_);
    return rate_estimate_;
}

// Mean interval between the request starts of the last observe_window, if there are enough.
std::optional<chr::steady_clock::duration> AdaptiveRateLimiter::observed_interval(time_point now) {
    while (!recent_starts_.empty() && recent_starts_.front() < now - opts_.observe_window)
        recent_starts_.pop_front();
    if (recent_starts_.size() < 3) return std::nullopt;
    const auto span = recent_starts_.back() - recent_starts_.front();
    if (span <= chr::steady_clock::duration::zero()) return std::nullopt;
    return span / static_cast<long>(recent_starts_.size() - 1);
}

void AdaptiveRateLimiter::on_success() {
    std::lock_guard lock(mu_);
    const chr::steady_clock::duration floor = opts_.min_interval;
    if (interval_ <= floor) return;
    // Additive increase of the rate: 1/interval + step.
    const double seconds = chr::duration<double>(interval_).count();
    const double rate = 1.0 / seconds + std::max(0.0, step_rate_);
    auto next = chr::duration_cast<chr::steady_clock::duration>(chr::duration<double>(1.0 / rate));
    if (next < chr::milliseconds(1)) next = floor;  // close enough to unpaced
    interval_ = std::max(floor, next);
}

void AdaptiveRateLimiter::on_rate_limited(time_point started, std::optional<milliseconds> retry_after) {
    std::lock_guard lock(mu_);
    ++rate_limited_;
    const auto now = clock_.now();
    if (!header_mode_ && (!last_increase_ || started > *last_increase_)) {
        // The pace that drew the 429: the interval, or the observed pace when the workers were
        // slower than it (or unpaced).
        auto pace = interval_;
        if (auto observed = observed_interval(now); observed && *observed > pace) pace = *observed;
        chr::steady_clock::duration next;
        if (pace <= chr::steady_clock::duration::zero()) {
            next = opts_.first_interval;
            pace = chr::duration_cast<chr::steady_clock::duration>(opts_.first_interval / opts_.increase_factor);
        } else {
            next = chr::duration_cast<chr::steady_clock::duration>(pace * opts_.increase_factor);
        }
        next = std::max<chr::steady_clock::duration>(next, opts_.min_interval);
        interval_ = std::min<chr::steady_clock::duration>(next, opts_.max_interval);
        step_rate_ = opts_.recovery_fraction / chr::duration<double>(pace).count();
        last_increase_ = now;
    }
    if (retry_after) {
        const auto pause = std::min(*retry_after, opts_.max_pause);
        pause_until_ = std::max(pause_until_, now + pause);
    }
}

milliseconds AdaptiveRateLimiter::interval() const {
    std::lock_guard lock(mu_);
    return chr::duration_cast<milliseconds>(interval_);
}

std::size_t AdaptiveRateLimiter::rate_limited_count() const {
    std::lock_guard lock(mu_);
    return rate_limited_;
}

}  // namespace reconcile
