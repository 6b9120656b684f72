#pragma once
// Pacing of API requests, shared by every worker of a run.
//
// Pacing: an AdaptiveRateLimiter shared by every worker keeps a minimum interval between
// request starts. AIMD on the request rate: a 429 halves the rate that drew it (the observed
// start rate when the workers were slower than the interval) and a Retry-After pauses everyone;
// each success then adds a constant step to the rate, 1% of the rate at that 429. So a run
// settles just under a workspace's rate limit, with about one 429 per ~50 requests instead of
// a storm, at any limit.
//
// When the server states its budget (X-RateLimit-Remaining on its answers), pacing follows the
// server's own count instead, from the first such answer on: a request starts while the last
// stated remainder, plus what the bucket has refilled since at the estimated rate, exceeds the
// requests in flight; otherwise it waits for the refill. The refill rate is estimated from the
// answers themselves (the change of the remainder plus the requests admitted, over the last
// two seconds), so a run spends a full bucket at once and then holds the server's rate, with
// 429s only while the estimate settles.
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>

#include "reconcile/remote/retry_clock.hpp"

namespace reconcile {

struct RateLimiterOptions {
    std::chrono::milliseconds min_interval{0};        // floor: 0 = unpaced until a 429
    std::chrono::milliseconds first_interval{200};    // after a 429 when no pace was observed
    std::chrono::milliseconds max_interval{10'000};   // ceiling of the interval
    double increase_factor = 2.0;                     // interval x this per 429 (rate / this)
    double recovery_fraction = 0.01;                  // per success, the rate grows by this
                                                      // fraction of the rate at the last 429
    std::chrono::milliseconds observe_window{2000};   // start rate measured over this window
    std::chrono::milliseconds max_pause{60'000};      // cap of a Retry-After pause for everyone
    double headroom = 0.95;                           // header pacing: this share of the estimated
                                                      // refill rate
    std::chrono::milliseconds estimate_window{2000};  // refill rate measured over this window
};

// Thread-safe; share one between all workers of a run.
class AdaptiveRateLimiter {
public:
    using time_point = std::chrono::steady_clock::time_point;
    explicit AdaptiveRateLimiter(RateLimiterOptions options = {},
                                 RetryClock& clock = system_retry_clock());

    // Blocks until a request may start; returns its start time, to hand to on_rate_limited.
    time_point acquire();
    void on_success();
    // A 429. The interval grows once per congestion event: only for requests started after
    // the last increase (requests already in flight at the old pace do not count again).
    void on_rate_limited(time_point started, std::optional<std::chrono::milliseconds> retry_after);

    // An answer's X-RateLimit-Remaining (and -Limit, if sent); `rejected` for a 429.
    void on_rate_headers(std::optional<long long> limit, long long remaining, bool rejected);
    // Every acquire() is matched by one on_finished() when its attempt is over.
    void on_finished();
    // Once *cancel is true, acquire() returns at once (the caller checks the flag).
    void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }

    std::chrono::milliseconds interval() const;
    std::size_t rate_limited_count() const;
    // The refill rate (requests/s) estimated from the server's headers; 0 before there is one.
    double estimated_rate() const;

private:
    std::optional<std::chrono::steady_clock::duration> observed_interval(time_point now);
    // Header pacing: how long until a request may start (zero: now).
    std::chrono::steady_clock::duration header_wait(time_point now) const;
    void estimate_rate(time_point now);

    struct RateObservation {
        time_point at;
        long long remaining;
        std::size_t admitted;  // answers that were not 429, up to and including this one
    };

    RateLimiterOptions opts_;
    RetryClock& clock_;
    mutable std::mutex mu_;
    std::chrono::steady_clock::duration interval_{};
    double step_rate_ = 0.0;               // requests/s added per success
    std::deque<time_point> recent_starts_;
    std::optional<time_point> last_start_;
    time_point pause_until_{};
    std::optional<time_point> last_increase_;
    std::size_t rate_limited_ = 0;
    const std::atomic<bool>* cancel_ = nullptr;
    // Header pacing.
    bool header_mode_ = false;
    std::optional<long long> server_limit_;
    long long remaining_ = 0;
    time_point remaining_at_{};
    double rate_estimate_ = 0.0;
    std::size_t admitted_ = 0;
    std::size_t in_flight_ = 0;
    std::deque<RateObservation> observations_;
};

}  // namespace reconcile
