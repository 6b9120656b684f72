#pragma once
// The schema's value constraints, checked after loading (the loader checks types, enums,
// unknown and read-only fields; this pass checks what a well-typed value can still get wrong):
//
// - numbers against minimum / maximum / exclusiveMinimum / exclusiveMaximum;
// - strings against minLength / maxLength / pattern, and the formats "iso-639-1" (one of the
//   184 two-letter codes) and "iana-time-zone" (a zone or link name of the tz database);
// - a field marked "x-undocumented" (not in the API's documented PATCH body) is a warning,
//   once, at the outermost such field.
//
// A string holding an `${env:}` template (DesiredAgent::secrets) is not checked: its value is
// unknown here and must never be printed. Every diagnostic is located with
// DesiredAgent::location_of and names the allowed form. Pure.
#include "reconcile/model/desired_state.hpp"
#include "reconcile/model/diagnostics.hpp"
#include "reconcile/model/schema.hpp"

namespace reconcile {

Diagnostics check_constraints(const DesiredAgent& agent, const Schema& schema);
// Every agent, in order.
Diagnostics check_constraints(const DesiredState& state, const Schema& schema);

}  // namespace reconcile
