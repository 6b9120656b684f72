#pragma once
// Pure comparison of one desired agent body against one live agent body.
#include <vector>

#include "reconcile/json_util.hpp"
#include "reconcile/plan.hpp"
#include "reconcile/schema.hpp"

namespace reconcile {

struct AgentDiff {
    std::vector<FieldChange> changes;   // one per changed leaf / replaced collection
    json::object patch;                 // the minimal PATCH body (empty = no change)
    std::vector<std::string> replaced_collections;  // display paths of arrays sent whole
};

// `desired` holds only managed fields (as loaded); `live` is the API's agent object.
AgentDiff diff_agent(const json::object& desired, const json::object& live, const Schema& schema);

}  // namespace reconcile
