#pragma once
// Desired + live -> Plan. Pure: no I/O, no clock, no logging.
#include "reconcile/model/desired_state.hpp"
#include "reconcile/model/live_state.hpp"
#include "reconcile/model/plan.hpp"
#include "reconcile/model/schema.hpp"

namespace reconcile {

struct PlanResult {
    Plan plan;
    Diagnostics diagnostics;   // errors name the document (file:line) that caused them
};

PlanResult make_plan(const DesiredState& desired, const LiveState& live, const Schema& schema);

}  // namespace reconcile
