#pragma once
// `environments:` in reconcile.yaml: named sets of agent files and plain variables, e.g. one
// for a staging workspace and one for production. One is chosen per run (`--env NAME`); its
// `include` globs replace the repository's and its `vars` fill `${var:NAME}` in documents.
#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/model/diagnostics.hpp"
#include "reconcile/util/json.hpp"

namespace reconcile {

struct Environment {
    std::string name;
    SourceLocation where;  // of its key in reconcile.yaml
    // Glob patterns as written (checked and cleaned like the top-level `include`), each with
    // where it is written; nullopt = not given: the top-level `include` (or the default) applies.
    std::optional<std::vector<std::pair<std::string, SourceLocation>>> include;
    std::optional<SourceLocation> include_key;
    std::map<std::string, std::string> vars;  // `${var:NAME}` -> value (plain text, shown in plans)
};

// JSON pointer into the `environments` value ("" = the value itself, "/staging/vars/x") ->
// where it was written.
using Locate = std::function<SourceLocation(std::string_view pointer)>;

// Reads the value of the `environments` key: a mapping of name -> {include: [globs], vars:
// {name: value}}. Names are letters, digits, `_`, `-` and `.`; variable names letters, digits
// and `_` (as in `${var:NAME}`); values are scalars, kept as their text. Problems are appended
// to `diagnostics`; environments with problems are still returned (so a typo in one does not
// make every other `--env` unknown).
std::vector<Environment> parse_environments(const json::value& value, const Locate& locate,
                                            Diagnostics& diagnostics);

// The environment called `name`, or an error message that names the choices (with a "did you
// mean" when one is close).
std::expected<const Environment*, std::string> find_environment(const std::vector<Environment>& environments,
                                                                 std::string_view name);

// "staging, prod" (declaration order), for messages.
std::string environment_names(const std::vector<Environment>& environments);

}  // namespace reconcile
