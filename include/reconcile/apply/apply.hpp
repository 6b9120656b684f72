#pragma once
// Carries out a Plan through an AgentApi: exactly the plan's steps, nothing else.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "reconcile/apply/agent_api.hpp"
#include "reconcile/model/plan.hpp"

namespace reconcile {

enum class StepStatus { Applied, Failed, Skipped };
std::string_view to_string(StepStatus s);

struct StepOutcome {
    std::size_t step = 0;         // index into Plan::steps
    StepStatus status = StepStatus::Skipped;
    std::string detail;           // what happened (an error's describe(), or why skipped)
    std::string agent_uuid;       // known after the step (a create's new uuid)
    bool token_refused = false;   // 401/403: the run stops, no further step starts
};

struct ApplyReport {
    std::vector<StepOutcome> outcomes;   // one per plan step, in plan order
    bool interrupted = false;
    bool token_refused = false;
    std::size_t count(StepStatus s) const;
    bool ok() const { return count(StepStatus::Failed) == 0 && count(StepStatus::Skipped) == 0; }
};

struct ApplyOptions {
    // Set from a signal handler: no new step starts once it is true.
    const std::atomic<bool>* cancel = nullptr;
};

using ApplyProgress = std::function<void(const PlanStep&, const StepOutcome&)>;

// Steps of one agent run in order; a failed step skips the agent's later steps, other agents
// go on. A create whose response was lost is looked up by name before anything else happens,
// so a retry never makes a duplicate; a provisioning re-reads the binding likewise.
ApplyReport apply_plan(const Plan& plan, AgentApi& api, const ApplyOptions& options,
                       const ApplyProgress& progress = {});
// The same with one worker per api (each its own connection): agents are spread over the
// workers, each agent's steps stay in order on one worker. `progress` calls are serialized.
ApplyReport apply_plan(const Plan& plan, const std::vector<AgentApi*>& workers, const ApplyOptions& options,
                       const ApplyProgress& progress = {});

}  // namespace reconcile
