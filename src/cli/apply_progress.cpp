#include "apply_progress.hpp"

#include <cstdio>

namespace reconcile::cli {

ApplyProgressReporter::ApplyProgressReporter(Console& console, std::size_t total_steps,
                                             std::function<std::string()> waiting, std::chrono::seconds heartbeat)
    : console_(console), total_(total_steps), waiting_(std::move(waiting)), every_(heartbeat),
      thread_([this] { heartbeat_loop(); }) {}

ApplyProgressReporter::~ApplyProgressReporter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

std::string ApplyProgressReporter::prefix() {
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_);
    const auto width = std::to_string(total_).size();
    char buf[96];
    std::snprintf(buf, sizeof buf, "[%*zu/%zu %3lld:%02lld]", static_cast<int>(width), done_, total_,
                  static_cast<long long>(elapsed.count() / 60), static_cast<long long>(elapsed.count() % 60));
    return buf;
}

void ApplyProgressReporter::step_done(const PlanStep& step, const StepOutcome& out) {
    std::string what = std::string(to_string(step.action)) + " agent \"" + step.agent_name + "\"";
    if (step.action == ActionKind::ProvisionCall)
        what = "provision call channel " + step.phone_number + " -> agent \"" + step.agent_name + "\"";
    const char* status = out.status == StepStatus::Applied  ? "ok     "
                         : out.status == StepStatus::Failed ? "FAILED "
                                                            : "skipped";
    std::lock_guard lock(mutex_);
    ++done_;
    last_line_ = std::chrono::steady_clock::now();
    console_.out(prefix() + " " + status + " " + what + ": " + out.detail + "\n");
}

void ApplyProgressReporter::heartbeat_loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, std::chrono::seconds(1));
        if (stopping_) break;
        if (std::chrono::steady_clock::now() - last_line_ < every_) continue;
        last_line_ = std::chrono::steady_clock::now();
        std::string line = prefix() + " still working: " + std::to_string(total_ - done_) + " step(s) to go";
        if (waiting_) {
            const std::string why = waiting_();
            if (!why.empty()) line += "; " + why;
        }
        console_.out(line + "\n");
    }
}

}  // namespace reconcile::cli
