#pragma once
// Pacing of API requests, shared by every worker of a run.
//
// Pacing: an AdaptiveRateLimiter shared by every worker keeps a minimum interval between
// request starts. AIMD on the request rate: a 429 halves the rate that drew it (the observed
// start rate when the workers were slower than the interval) and a Retry-After pauses everyone;
// each success then adds a constant step to the rate, 1% of the rate at that 429. So a run
// settles just under a workspace's rate limit, with about one 429 per ~50 requests instead of
// a storm, at any limit.
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

    std::chrono::milliseconds interval() const;
    std::size_t rate_limited_count() const;

private:
    std::optional<std::chrono::steady_clock::duration> observed_interval(time_point now);

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
};

}  // namespace reconcile
