#pragma once
// What provisioning a number's call channel for an agent leads to. The documented response has
// both an HTTP status and data.provisioning.success: a number held by another agent is a 409;
// a number that cannot take calls (voice capability off, status not active, or a seed knob
// saying so) is a 200 whose provisioning.success is false and whose message says why.
#include <string>
#include <string_view>

#include "store.hpp"

namespace mihu_sim {

struct ProvisioningDecision {
    enum class Kind {
        Conflict,      // 409: the call channel is held by another agent
        AlreadyBound,  // the binding holds already: success, nothing changes
        Refused,       // 200, provisioning.success false, nothing bound
        Bind,          // 200, provisioning.success true, the number is bound
    };
    Kind kind;
    std::string message;  // for the provisioning block (or the 409's details)
};

ProvisioningDecision decide_provisioning(const PhoneNumber& number, std::string_view agent_uuid);

}  // namespace mihu_sim
