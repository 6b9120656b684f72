#pragma once
// `${env:NAME}` references in document strings: the one implementation of their syntax, used
// by the loader (plan time) and by apply (resolving a saved plan).
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
EnvExpansion expand_env_references(std::string_view text, const EnvLookup& lookup);

// The same rules for any kind of reference: `${KIND:NAME}` and `$${KIND:`. `${var:}` (an
// environment's plain values) uses it with "var".
EnvExpansion expand_references(std::string_view text, std::string_view kind, const EnvLookup& lookup);

// The same, for apply: the expanded text, or the name of the first unset variable.
std::expected<std::string, std::string> expand_env_template(std::string_view text, const EnvLookup& lookup);

}  // namespace reconcile
