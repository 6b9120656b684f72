#pragma once
// Secrets in plans. Values that came from `${env:NAME}` are replaced by their templates in every
// plan (printed or saved), with a keyed fingerprint; apply resolves them again from its own
// environment and refuses a plan whose secret changed since it was made.
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/model/desired_state.hpp"
#include "reconcile/model/env_template.hpp"
#include "reconcile/model/plan.hpp"

namespace reconcile {

// A change whose desired value came from ${env:NAME} shows the template, never the value: the
// secret sits at the change's own pointer or below it (inside a replaced list).
void show_secret_templates(std::vector<FieldChange>& changes, const std::vector<std::string>& change_pointers,
                           const std::vector<SecretRef>& secrets);

// Replace each secret value in the steps' request bodies by its template; record fingerprints.
void seal_secrets(Plan& plan, const DesiredState& desired, std::string_view key);

// Put the values back from the environment. Messages name the step, field and variable.
std::vector<std::string> unseal_secrets(Plan& plan, const EnvLookup& lookup, std::string_view key);

}  // namespace reconcile
