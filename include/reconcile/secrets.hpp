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

// `${env:NAME}` (NAME: letters, digits, _) -> the variable's value; `$${env:` -> the literal
// `${env:`. The one implementation of these rules: the loader and apply both use it.
struct EnvExpansion {
    std::string text;                    // unset references are kept as written
    std::vector<std::string> variables;  // names referenced, first-seen order
    std::vector<std::string> unset;      // of those, the ones not set
    std::vector<std::string> values;     // values substituted (for redaction)
    bool malformed = false;              // `${env:` without a valid NAME and `}`
};
EnvExpansion expand_env_references(std::string_view text, const EnvLookup& getenv);

// The same, for apply: the expanded text, or the name of the first unset variable.
std::expected<std::string, std::string> expand_env_template(std::string_view text, const EnvLookup& getenv);

// Replace each secret value in the steps' request bodies by its template; record fingerprints.
void seal_secrets(Plan& plan, const DesiredState& desired, std::string_view key);

// Put the values back from the environment. Messages name the step, field and variable.
std::vector<std::string> unseal_secrets(Plan& plan, const EnvLookup& getenv, std::string_view key);

}  // namespace reconcile
