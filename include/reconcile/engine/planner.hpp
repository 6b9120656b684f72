#pragma once
// Desired + live -> Plan. Pure: no I/O, no clock, no logging.
#include <functional>
#include <string>
#include <vector>

#include "reconcile/model/desired_state.hpp"
#include "reconcile/model/live_state.hpp"
#include "reconcile/model/plan.hpp"
#include "reconcile/model/schema.hpp"
#include "reconcile/model/shard.hpp"

namespace reconcile {

struct PlanOptions {
    // Keys the fingerprints of ${env:} values recorded in the plan (the API token: only a holder
    // of the token can tell whether a value changed).
    std::string secret_key;
    // Delete live agents no document manages, except those whose name matches a glob.
    bool prune = false;
    std::vector<std::string> prune_ignore;
    bool allow_mass_delete = false;
    // Field paths owned by the dashboard for every agent (reconcile.yaml `ignore:`).
    std::vector<std::string> ignore_fields;
    // Plan only the agents of this shard (reconcile/engine/shard.hpp): documents whose name is
    // in it, and for prune the unmanaged live agents whose name is in it. Every document is
    // still matched, so an agent another shard's document manages is never pruned here.
    Shard shard;
    // Runs job(0) ... job(count - 1), in any order, at once where it can: each job touches only
    // its own index. The planner hands it the comparisons of the matched agents, most of a
    // plan's time; the CLI passes one that spreads them over the cores. Empty: one by one.
    std::function<void(std::size_t count, const std::function<void(std::size_t)>& job)> for_each_index;
};

struct PlanResult {
    Plan plan;
    Diagnostics diagnostics;   // errors name the document (file:line) that caused them; warnings too
};

PlanResult make_plan(const DesiredState& desired, const LiveState& live, const Schema& schema,
                     const PlanOptions& options = {});

}  // namespace reconcile
