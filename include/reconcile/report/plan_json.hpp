#pragma once
// The saved-plan / `--format json` document (schemas/plan.schema.json).
#include <expected>
#include <string>

#include "reconcile/model/plan.hpp"

namespace reconcile {

json::value plan_to_json(const Plan& plan);
// Reads a plan document strictly (unknown keys, wrong types, a request that is not what its
// action sends, a summary that disagrees with the steps are refused); the error names where in
// the document the problem is.
std::expected<Plan, std::string> plan_from_json(const json::value& v);

// A saved plan carries "mac": an HMAC over the whole document keyed with a key derived from the
// API token, so only a holder of the workspace's token can make or edit one.
void sign_plan_document(json::object& doc, std::string_view token);
bool plan_document_signed_by(const json::object& doc, std::string_view token);

}  // namespace reconcile
