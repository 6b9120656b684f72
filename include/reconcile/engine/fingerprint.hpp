#pragma once
// What a saved plan remembers of a live agent: a digest of its normalized body.
#include <string>
#include <vector>

#include "reconcile/model/schema.hpp"
#include "reconcile/util/json.hpp"

namespace reconcile {

// sha256 hex of the normalized agent (keys sorted, null members dropped, read-only fields,
// reconciler keys and item uuids left out; fields the schema does not know included).
// Fields matched by `ignored` (owned by the dashboard) are left out too, so a change to them
// does not make a saved plan stale.
std::string agent_fingerprint(const json::object& live_body, const Schema& schema,
                              const std::vector<std::string>& ignored = {});

}  // namespace reconcile
