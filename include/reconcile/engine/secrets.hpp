#pragma once
// Secrets by construction. A document body holds `${env:NAME}` templates, never values; the
// values (SecretValue) are used here only to compare with the live agent and to compute keyed
// fingerprints. What leaves the engine (changes, request bodies, drift) carries templates, and
// a live value at a secret's place is masked the same way. Apply resolves the templates again
// from its own environment and refuses a plan whose secret changed since it was made.
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/engine/diff.hpp"
#include "reconcile/model/desired_state.hpp"
#include "reconcile/model/env_template.hpp"
#include "reconcile/model/plan.hpp"

namespace reconcile {

// What a secret shows in place of a value: its template and whether the value differs.
std::string secret_shown(const SecretRef& secret, std::string_view state);  // "${env:X} (changed)"

// Keyed fingerprints (HMAC-SHA-256 with `key`) of the secrets a request body carries as
// templates, for the plan: apply compares them with the values it resolves.
std::vector<PlanSecret> plan_secrets(const json::value& body, const std::vector<SecretRef>& secrets,
                                     std::string_view key);

// Put the values back from the environment. Messages name the step, field and variable.
std::vector<std::string> unseal_secrets(Plan& plan, const EnvLookup& lookup, std::string_view key);

}  // namespace reconcile
