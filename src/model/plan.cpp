#include "reconcile/model/plan.hpp"


namespace reconcile {

std::string_view to_string(ActionKind a) {
    switch (a) {
        case ActionKind::Create: return "create";
        case ActionKind::Update: return "update";
        case ActionKind::ProvisionCall: return "provision_call";
        case ActionKind::Delete: return "delete";
    }
    return "?";
}

std::optional<ActionKind> action_from_string(std::string_view s) {
    if (s == "create") return ActionKind::Create;
    if (s == "update") return ActionKind::Update;
    if (s == "provision_call") return ActionKind::ProvisionCall;
    if (s == "delete") return ActionKind::Delete;
    return std::nullopt;
}

PlanCounts Plan::counts() const {
    PlanCounts c;
    for (const auto& s : steps) {
        switch (s.action) {
            case ActionKind::Create: ++c.create; break;
            case ActionKind::Update: ++c.update; break;
            case ActionKind::ProvisionCall: ++c.provision; break;
            case ActionKind::Delete: ++c.remove; break;
        }
    }
    return c;
}

}  // namespace reconcile
