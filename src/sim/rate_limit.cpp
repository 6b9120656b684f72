#include "rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace mihu_sim {

TokenBucket::Verdict TokenBucket::take(const RateLimitOptions& o, TimePoint now) {
    double capacity = std::max(1.0, o.burst);
    if (!started_) {
        started_ = true;
        tokens_ = capacity;
    } else {
        double elapsed = std::chrono::duration<double>(now - last_).count();
        tokens_ = std::min(capacity, tokens_ + std::max(0.0, elapsed) * o.per_second);
    }
    last_ = now;
    Verdict v;
    v.allowed = tokens_ >= 1.0;
    if (v.allowed) tokens_ -= 1.0;
    if (o.headers) {
        v.headers.emplace_back("X-RateLimit-Limit",
                               std::to_string(static_cast<long long>(std::floor(capacity))));
        v.headers.emplace_back("X-RateLimit-Remaining",
                               std::to_string(static_cast<long long>(std::floor(tokens_))));
    }
    if (!v.allowed && o.retry_after) {
        double wait = (1.0 - tokens_) / o.per_second;
        auto secs = std::max<long long>(1, static_cast<long long>(std::ceil(wait)));
        v.headers.emplace_back("Retry-After", std::to_string(secs));
    }
    return v;
}

}  // namespace mihu_sim
