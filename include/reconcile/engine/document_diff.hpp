#pragma once
// diff_agent for a whole document: its secrets are compared by value and shown by template
// (changes never hold a secret's value, nor the live value at a secret's place; the PATCH body
// holds templates), and ignored fields (the document's `ignore:` plus the repository's) are
// neither compared nor sent: where the body carries their parent whole, the live value is kept.
#include <vector>

#include "reconcile/engine/diff.hpp"
#include "reconcile/engine/ignored_fields.hpp"
#include "reconcile/model/desired_state.hpp"

namespace reconcile {

AgentDiff diff_document(const DesiredAgent& document, const json::object& live, const Schema& schema,
                        const std::vector<FieldPattern>& ignored = {});

}  // namespace reconcile
