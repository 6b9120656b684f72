#pragma once
// What a person watching an apply sees: one line per finished step with a counter and the
// elapsed time, and a heartbeat line after every 10 s without news (a retry or a rate limit
// can hold a step for a while). Plain lines, so a CI log reads the same as a terminal.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "console.hpp"
#include "reconcile/apply/apply.hpp"

namespace reconcile::cli {

class ApplyProgressReporter {
public:
    // `waiting` describes why requests are slow right now ("3 retries, 2 answers 429 so far"),
    // or "" when nothing is known.
    ApplyProgressReporter(Console& console, std::size_t total_steps, std::function<std::string()> waiting,
                          std::chrono::seconds heartbeat = std::chrono::seconds(10));
    ~ApplyProgressReporter();

    void step_done(const PlanStep& step, const StepOutcome& outcome);

private:
    std::string prefix();  // "[ 3/40  0:07]"
    void heartbeat_loop();

    Console& console_;
    std::size_t total_;
    std::size_t done_ = 0;
    std::function<std::string()> waiting_;
    std::chrono::seconds every_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_line_ = started_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace reconcile::cli
