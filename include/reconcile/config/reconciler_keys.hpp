#pragma once
// The reconciler's own keys in an agent document (`uuid`, `ignore`, `channels`): moved out of
// the JSON body into DesiredAgent and checked. A post-pass on the body, after typing.
#include <functional>
#include <string>

#include "reconcile/model/desired_state.hpp"
#include "reconcile/model/diagnostics.hpp"
#include "reconcile/model/schema.hpp"

namespace reconcile {

using ReportError = std::function<void(const SourceLocation&, std::string)>;

// Reads and removes `ignore`, `uuid` and `channels` from agent.body (keeping the order of the
// other keys); mistyped values were reported while typing and are dropped silently.
void extract_reconciler_keys(DesiredAgent& agent, const Schema& schema, const ReportError& error);

}  // namespace reconcile
