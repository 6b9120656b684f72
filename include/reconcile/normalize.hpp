#pragma once
// Normalization applied to both sides before comparing, mirroring what the live service does
// to what it stores: strings trimmed (PHP trim), empty string -> null, numbers by value,
// collection item `uuid`s and read-only fields dropped.
#include "reconcile/json_util.hpp"
#include "reconcile/schema.hpp"

namespace reconcile {

// Trim like Laravel's TrimStrings middleware (PHP trim: space, \t, \n, \r, \0, \x0B).
std::string_view php_trim(std::string_view s);

// Normalized copy of `v` under schema node `node` (may be nullptr = unknown shape).
json::value normalize(const json::value& v, const SchemaNode* node);

// Equality of two already-normalized values; numbers compare by value (1 == 1.0).
bool normalized_equal(const json::value& a, const json::value& b);

// Does the live value satisfy the desired one? Only the fields the desired value gives are
// compared, at every depth (objects partial, arrays same length and element-wise).
// Both arguments must be normalized.
bool desired_matches(const json::value& desired, const json::value& live);

}  // namespace reconcile
