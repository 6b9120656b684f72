#pragma once
// YAML documents -> DesiredState, typed and validated by the agent schema.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/config/duplicates.hpp"
#include "reconcile/config/environments.hpp"
#include "reconcile/model/desired_state.hpp"
#include "reconcile/model/diagnostics.hpp"
#include "reconcile/model/schema.hpp"

namespace reconcile {

class BaseResolver;

struct LoadOptions {
    // Look-up for `${env:NAME}`; returns nullopt when unset. Injected so tests need no real env.
    std::function<std::optional<std::string>(const std::string&)> getenv;
    // validate runs where secrets are not set: an unset variable is then a warning, not an error.
    bool unset_env_is_error = true;
    // The API token and the variables that hold it: a document that references one, or a value
    // that contains the token, is an error (a pull request could otherwise print the token).
    std::string api_token;
    std::vector<std::string> token_variables = {"MIHU_API_TOKEN"};
    std::size_t max_file_bytes = 4 * 1024 * 1024;
    std::size_t max_depth = 64;
    std::size_t max_nodes = 1'000'000;  // after alias expansion
    std::size_t max_documents = 10'000;  // per file
    std::size_t max_errors = 200;        // per file; then "too many errors"
    // Files read in parallel; 0 = one per core. The result does not depend on it.
    unsigned threads = 0;
    // The environment chosen for this run: its vars fill `${var:NAME}` (config/vars.hpp).
    std::optional<Environment> environment;
    // Resolves `extends:` (config/bases.hpp). load_files makes one for the repository; without
    // one, a document that extends a base is an error.
    BaseResolver* bases = nullptr;
    // A base document: `name` is not required, `extends` and the reconciler keys stay in the
    // body (the base is merged under an agent document before they are read).
    bool base_document = false;
};

struct LoadResult {
    DesiredState state;
    Diagnostics diagnostics;
};

// Parses one YAML text (a file may hold several documents). `display_name` is used in
// locations. Appends agents and diagnostics to `out`.
//
// Rules (details in the schema's descriptions and in loader.cpp):
// - each non-empty document is one agent; it must be a mapping with a `name`;
// - a scalar takes the type the schema gives its field: a string field keeps the source text
//   (`language: no` -> "no", `destination: 0101` -> "0101"); boolean fields accept
//   true/false/yes/no/on/off in any case; integer fields decimal digits only; quoted scalars
//   are always strings; `null`, `~` or an empty value is null where the schema allows it; a
//   YAML 1.1 boolean word (`yes`, `off`) in a boolean field is read as one, with a warning;
// - inside free-form objects (normalizers, transfer_config) the YAML 1.2 core types apply,
//   except that an integer with a leading zero stays a string;
// - `${env:NAME}` in a string is replaced by the variable (recorded as a SecretRef, the value
//   added to secret_values); `$${env:` is the literal text `${env:`;
// - YAML 1.2 read by libfyaml; anchors and aliases are expanded, merge keys (`<<`), duplicate
//   keys, complex keys, tags other than the core ones, control characters and invalid UTF-8
//   are errors;
// - every error is collected, in source order, at most max_errors per file; a document that is
//   too large after alias expansion (max_nodes) or too deep (max_depth) is refused as a whole;
// - a document with errors is still kept when it has a name (for the duplicate checks).
//   Plan nothing while has_errors(diagnostics) holds.
void load_yaml_text(std::string_view text, const std::string& display_name, const Schema& schema,
                    const LoadOptions& options, LoadResult& out);

// Loads every file (in parallel, merged in sorted file order), then checks cross-document rules
// (duplicate names without distinct uuids).
LoadResult load_files(const std::vector<std::filesystem::path>& files,
                      const std::filesystem::path& repo_root, const Schema& schema,
                      const LoadOptions& options);

// Cross-document checks alone (exposed for tests): one name in two documents unless both pin
// (different) uuids; one uuid pinned twice; one phone number bound to two agents' call channel.
inline void check_duplicates(LoadResult& result) { check_duplicate_agents(result.state.agents, result.diagnostics); }

}  // namespace reconcile
