#pragma once
// Desired + live -> Plan. Pure: no I/O, no clock, no logging.
#include "reconcile/desired_state.hpp"
#include "reconcile/live_state.hpp"
#include "reconcile/plan.hpp"
#include "reconcile/schema.hpp"

namespace reconcile {

struct PlanResult {
    Plan plan;
    Diagnostics diagnostics;   // errors name the document (file:line) that caused them
};

PlanResult make_plan(const DesiredState& desired, const LiveState& live, const Schema& schema);

// sha256 hex of the normalized agent (keys sorted, read-only and item uuids dropped).
std::string agent_fingerprint(const json::object& live_body, const Schema& schema);

}  // namespace reconcile
