#pragma once
// Secrets in plans. Values that came from `${env:NAME}` are replaced by their templates in every
// plan (printed or saved), with a keyed fingerprint; apply resolves them again from its own
// environment and refuses a plan whose secret changed since it was made.
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/desired_state.hpp"
#include "reconcile/plan.hpp"

namespace reconcile {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Expands `${env:NAME}` (and the `$${env:X}` escape) in `text`. On failure returns the name of
// the first unset variable.
std::expected<std::string, std::string> expand_env_template(std::string_view text, const EnvLookup& getenv);

// Replace each secret value in the steps' request bodies by its template; record fingerprints.
void seal_secrets(Plan& plan, const DesiredState& desired, std::string_view key);

// Put the values back from the environment. Messages name the step, field and variable.
std::vector<std::string> unseal_secrets(Plan& plan, const EnvLookup& getenv, std::string_view key);

}  // namespace reconcile
