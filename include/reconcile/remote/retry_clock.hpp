#pragma once
#include <chrono>

namespace reconcile {

// Time and sleeping, injectable for tests.
class RetryClock {
public:
    virtual ~RetryClock() = default;
    virtual std::chrono::steady_clock::time_point now() = 0;
    virtual std::chrono::system_clock::time_point wall_now() = 0;  // for HTTP-date Retry-After
    virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};
RetryClock& system_retry_clock();

}  // namespace reconcile
