#pragma once
// The saved-plan / `--format json` document (schemas/plan.schema.json).
#include <expected>
#include <string>

#include "reconcile/model/plan.hpp"

namespace reconcile {

json::value plan_to_json(const Plan& plan);
// Reads a plan document; the error names where in the document the problem is.
std::expected<Plan, std::string> plan_from_json(const json::value& v);

}  // namespace reconcile
