#pragma once
// Desired + live -> Plan. Pure: no I/O, no clock, no logging.
#include <string_view>

#include "reconcile/model/desired_state.hpp"
#include "reconcile/model/live_state.hpp"
#include "reconcile/model/plan.hpp"
#include "reconcile/model/schema.hpp"

namespace reconcile {

struct PlanResult {
    Plan plan;
    Diagnostics diagnostics;   // errors name the document (file:line) that caused them
};

// `secret_key` keys the fingerprints of ${env:} values recorded in the plan (the API token: only
// a holder of the token can tell whether a value changed).
PlanResult make_plan(const DesiredState& desired, const LiveState& live, const Schema& schema,
                     std::string_view secret_key = {});

}  // namespace reconcile
