#pragma once
// Retries and pacing for API requests.
//
// Where retries happen: a Retrier runs one attempt function until it succeeds, fails for
// good, or runs out of attempts or time. The production wiring is per HTTP request:
// HttpAgentApi::set_retrier(&retrier), so that each page of a listing is retried (and paced)
// on its own. RetryingAgentApi applies the same rules per AgentApi call, for any other
// implementation; do not stack the two.
//
// What is retried: GET and PATCH (a PATCH sends absolute values, so sending it twice is
// harmless) on 429 (after Retry-After when given, else exponential backoff with full jitter),
// 502/503/504, transport timeouts, resets and refused connections, and malformed responses.
// Never: other 4xx, 401/403 (Kind::Auth), TLS and name resolution failures, and any POST
// (create, provision): a POST whose answer was lost is reported with maybe_committed=true so
// the caller can look the agent up by name / re-read the binding before trying again.
//
// Pacing: an AdaptiveRateLimiter shared by every worker keeps a minimum interval between
// request starts. AIMD on the request rate: a 429 halves the rate that drew it (the observed
// start rate when the workers were slower than the interval) and a Retry-After pauses everyone;
// each success then adds a constant step to the rate, 1% of the rate at that 429. So a run
// settles just under a workspace's rate limit, with about one 429 per ~50 requests instead of
// a storm, at any limit.
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>

#include "reconcile/agent_api.hpp"

namespace reconcile {

struct RetryPolicy {
    int max_attempts = 5;                                     // the first attempt included
    std::chrono::milliseconds max_retry_time{60'000};         // first start to last start
    std::chrono::milliseconds base_delay{500};                // backoff before the 2nd attempt
    std::chrono::milliseconds max_delay{30'000};              // cap of one backoff
};

// Parses a Retry-After value: delta seconds ("120") or an HTTP-date (IMF-fixdate
// "Sun, 06 Nov 1994 08:49:37 GMT"; the obsolete RFC 850 and asctime forms too). A date in the
// past gives 0. nullopt when the value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// Time and sleeping, injectable for tests.
class RetryClock {
public:
    virtual ~RetryClock() = default;
    virtual std::chrono::steady_clock::time_point now() = 0;
    virtual std::chrono::system_clock::time_point wall_now() = 0;  // for HTTP-date Retry-After
    virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};
RetryClock& system_retry_clock();

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
            const auto ticket = before_attempt(n);
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
            clock_.sleep_for(*delay);
        }
    }

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
    void after_attempt(AdaptiveRateLimiter::time_point ticket, const ApiError* error);
    void log_retry(const ApiError& error, int attempts, std::chrono::milliseconds delay);

    RetryPolicy policy_;
    AdaptiveRateLimiter* limiter_;
    RetryClock& clock_;
    std::function<double()> uniform01_;
    std::atomic<std::size_t> attempts_{0}, retries_{0}, rate_limited_{0}, gave_up_{0};
};

// Applies a Retrier per AgentApi call (see the note at the top of this file).
class RetryingAgentApi final : public AgentApi {
public:
    RetryingAgentApi(AgentApi& inner, Retrier& retrier) : inner_(inner), retrier_(retrier) {}
    ApiResult<std::vector<LiveAgent>> list_agents() override;
    ApiResult<std::vector<PhoneNumber>> list_phone_numbers() override;
    ApiResult<LiveAgent> get_agent(const std::string& uuid) override;
    ApiResult<LiveAgent> create_agent(const json::object& body) override;
    ApiResult<LiveAgent> patch_agent(const std::string& uuid, const json::object& body) override;
    ApiResult<ProvisionResult> provision_call(const std::string& agent_uuid,
                                              const std::string& phone_number_uuid) override;
    std::size_t requests_sent() const override { return inner_.requests_sent(); }

private:
    AgentApi& inner_;
    Retrier& retrier_;
};

}  // namespace reconcile
