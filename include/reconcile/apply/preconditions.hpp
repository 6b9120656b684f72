#pragma once
// Saved plans: before anything is written, re-read what the plan touches and compare it with
// the preconditions the plan recorded.
#include <functional>
#include <string>
#include <vector>

#include "reconcile/apply/agent_api.hpp"

namespace reconcile {

// One message per stale step ("plan is stale: agent \"X\" changed since ..."); empty when the
// plan still holds. `fingerprint` computes what Precondition::agent_fingerprint recorded, from a
// live agent and the field paths the step left out of it.
using AgentFingerprint = std::function<std::string(const json::object&, const std::vector<std::string>& ignored)>;
std::vector<std::string> check_preconditions(const Plan& plan, AgentApi& api, const AgentFingerprint& fingerprint);

}  // namespace reconcile
