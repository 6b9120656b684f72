#pragma once
// `${var:NAME}`: plain values from the chosen environment (reconcile.yaml `environments:`),
// substituted into document strings after loading. Unlike `${env:}` secrets they are ordinary
// text: plans, drift reports and messages show the value.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/config/loader.hpp"

namespace reconcile {

// `${var:NAME}` (NAME: letters, digits, _) -> the value; `$${var:` -> the literal `${var:`.
struct VarExpansion {
    std::string text;                    // unknown references are kept as written
    std::vector<std::string> variables;  // names referenced, first-seen order
    std::vector<std::string> unknown;    // of those, the ones without a value
    bool malformed = false;              // `${var:` without a valid NAME and `}`
};
VarExpansion expand_var_references(std::string_view text,
                                   const std::function<std::optional<std::string>(const std::string&)>& lookup);

// True when `text` holds `${var:` (or its escape): only such strings are rewritten.
bool mentions_var_reference(std::string_view text);

// Substitutes the variables of options.environment into every string of agent.body (values
// that came from a base included). A string field whose schema has an enum is checked again
// after substitution. A value that brings `${env:NAME}` in makes that string a secret like one
// written in the document. An unknown variable is an error naming file, line and environment.
// Diagnostics go to out.diagnostics (an identical one already there is not repeated: a base
// shared by many documents reports once).
void substitute_vars(DesiredAgent& agent, const Schema& schema, const LoadOptions& options, LoadResult& out);

}  // namespace reconcile
