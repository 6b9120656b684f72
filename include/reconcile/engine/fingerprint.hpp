#pragma once
// What a saved plan remembers of a live agent: a digest of its normalized body.
#include <string>

#include "reconcile/model/schema.hpp"
#include "reconcile/util/json.hpp"

namespace reconcile {

// sha256 hex of the normalized agent (keys sorted, null members dropped, read-only fields,
// reconciler keys and item uuids left out; fields the schema does not know included).
std::string agent_fingerprint(const json::object& live_body, const Schema& schema);

}  // namespace reconcile
