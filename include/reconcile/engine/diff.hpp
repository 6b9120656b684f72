#pragma once
// Pure comparison of one desired agent body against one live agent body.
#include <vector>

#include "reconcile/util/json.hpp"
#include "reconcile/model/plan.hpp"
#include "reconcile/model/schema.hpp"

namespace reconcile {

struct AgentDiff {
    std::vector<FieldChange> changes;   // one per changed leaf / replaced collection
    json::object patch;                 // the minimal PATCH body (empty = no change)
    std::vector<std::string> replaced_collections;  // display paths of arrays sent whole
    std::vector<std::string> change_pointers;  // JSON pointer of each change (parallel to changes)
    std::vector<std::string> notes;            // what sending a collection / replaced object implies
};

// `desired` holds only managed fields (as loaded); `live` is the API's agent object.
AgentDiff diff_agent(const json::object& desired, const json::object& live, const Schema& schema);

// A desired value as a request body carries it: values as loaded, but read-only fields (per
// `node`) and collection item `uuid`s removed, at every depth.
json::value writable_copy(const json::value& v, const SchemaNode* node);

}  // namespace reconcile
