#pragma once
// The token bucket behind the `rate_limit` fault rule: it holds `burst` tokens, refills at
// `per_second`, and each paced request takes one. The headers a paced response carries:
//
//   X-RateLimit-Limit: <burst>        the bucket's size: requests that may go back to back
//   X-RateLimit-Remaining: <n>        whole tokens left after this request
//   Retry-After: <seconds>            on a 429, when the rule asks for it (whole seconds, >= 1)
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace mihu_sim {

struct RateLimitOptions {
    double per_second = 1.0;  // refill rate
    double burst = 1.0;       // bucket size (>= 1)
    bool headers = true;      // send X-RateLimit-Limit / X-RateLimit-Remaining
    bool retry_after = false;  // send Retry-After on a 429
};

class TokenBucket {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    struct Verdict {
        bool allowed = false;
        std::vector<std::pair<std::string, std::string>> headers;
    };

    // Takes a token if there is one at `now` (the bucket starts full on first use).
    Verdict take(const RateLimitOptions& options, TimePoint now);

private:
    double tokens_ = 0;
    TimePoint last_{};
    bool started_ = false;
};

}  // namespace mihu_sim
