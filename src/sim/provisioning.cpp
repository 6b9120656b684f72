#include "provisioning.hpp"

namespace mihu_sim {

ProvisioningDecision decide_provisioning(const PhoneNumber& n, std::string_view agent_uuid) {
    using Kind = ProvisioningDecision::Kind;
    if (auto it = n.bindings.find("call"); it != n.bindings.end()) {
        if (it->second.agent_uuid != agent_uuid)
            return {Kind::Conflict, "Bound to agent " + it->second.agent_uuid};
        return {Kind::AlreadyBound, "Call channel already provisioned on " + n.number};
    }
    if (n.forced_provisioning)
        return {n.forced_provisioning->success ? Kind::Bind : Kind::Refused,
                n.forced_provisioning->message};
    auto* voice = n.capabilities.if_contains("voice");
    if (voice == nullptr || !voice->is_bool() || !voice->get_bool())
        return {Kind::Refused, "The phone number " + n.number + " has no voice capability."};
    if (n.status != "active")
        return {Kind::Refused,
                "The phone number " + n.number + " is not active (status: " + n.status + ")."};
    return {Kind::Bind, "Call channel provisioned on " + n.number};
}

}  // namespace mihu_sim
