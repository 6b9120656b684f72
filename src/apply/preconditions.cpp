// Saved plans: what the plan was computed from must still hold before anything is written.
#include "reconcile/apply/preconditions.hpp"

#include <map>

namespace reconcile {

std::vector<std::string> check_preconditions(const Plan& plan, AgentApi& api, const AgentFingerprint& fingerprint) {
    std::vector<std::string> stale;
    auto live = api.list_agents();
    if (!live) return {"could not re-read the live agents: " + live.error().describe()};
    std::map<std::string, const LiveAgent*> by_uuid;
    for (const auto& a : *live) by_uuid[a.uuid] = &a;

    bool need_numbers = false;
    for (const auto& s : plan.steps) need_numbers |= s.action == ActionKind::ProvisionCall;
    std::vector<PhoneNumber> numbers;
    if (need_numbers) {
        auto n = api.list_phone_numbers();
        if (!n) return {"could not re-read the phone numbers: " + n.error().describe()};
        numbers = std::move(*n);
    }

    for (const auto& s : plan.steps) {
        switch (s.action) {
            case ActionKind::Create:
                for (const auto& a : *live)
                    if (a.name == s.agent_name)
                        stale.push_back("plan is stale: agent \"" + s.agent_name +
                                        "\" was created live (" + a.uuid + ") since the plan was made");
                break;
            case ActionKind::Update:
            case ActionKind::Delete: {
                auto it = by_uuid.find(s.agent_uuid);
                if (it == by_uuid.end() && s.action == ActionKind::Delete) break;  // gone: the goal holds
                if (it == by_uuid.end()) {
                    stale.push_back("plan is stale: agent \"" + s.agent_name + "\" (" + s.agent_uuid +
                                    ") no longer exists");
                } else if (fingerprint(it->second->body(), s.precondition.ignored_fields) != s.precondition.agent_fingerprint) {
                    stale.push_back("plan is stale: agent \"" + s.agent_name +
                                    "\" changed since the plan was made (updated_at " +
                                    s.precondition.updated_at + " -> " + it->second->updated_at + ")");
                }
                break;
            }
            case ActionKind::ProvisionCall: {
                const PhoneNumber* n = nullptr;
                for (const auto& p : numbers)
                    if (p.uuid == s.precondition.phone_number_uuid) n = &p;
                std::string now = n && n->call_bound ? n->call_agent_uuid : "";
                if (!n) {
                    stale.push_back("plan is stale: phone number " + s.phone_number + " is no longer in the workspace");
                } else if (now != s.precondition.bound_agent_uuid) {
                    stale.push_back("plan is stale: the call binding of " + s.phone_number +
                                    " changed since the plan was made");
                }
                break;
            }
        }
    }
    return stale;
}

}  // namespace reconcile
