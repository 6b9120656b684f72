#pragma once
// Normalization applied to both sides before comparing, mirroring what the live service does
// to what it stores: strings trimmed (PHP trim), empty string -> null, numbers by value,
// collection item `uuid`s, read-only fields and the reconciler's own keys dropped.
#include "reconcile/util/json.hpp"
#include "reconcile/model/live_state.hpp"  // drop_item_uuid
#include "reconcile/model/schema.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

// Whether a schema node is compared and sent at all: not read-only, not a reconciler key.
inline bool is_api_field(const SchemaNode* node) { return !node || (!node->read_only && !node->reconciler); }


// Normalized copy of `v` under schema node `node` (may be nullptr = unknown shape).
json::value normalize(const json::value& v, const SchemaNode* node);
// The same for an object, without copying it into a value first.
json::object normalize(const json::object& o, const SchemaNode* node);

// Equality of two already-normalized values; numbers compare by value (1 == 1.0).
bool normalized_equal(const json::value& a, const json::value& b);

// Does the live value satisfy the desired one? Only the fields the desired value gives are
// compared, at every depth (objects partial, arrays same length and element-wise).
// Both arguments must be normalized.
bool desired_matches(const json::value& desired, const json::value& live);

// desired_matches(normalize(desired, node), normalize(live, node)), computed on the values as
// they are, without building either normalized copy (the common case, an agent that has not
// changed, then allocates nothing).
bool normalized_matches(const json::value& desired, const json::value& live, const SchemaNode* node);

}  // namespace reconcile
