#pragma once
// YAML documents -> DesiredState, typed and validated by the agent schema.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "reconcile/desired_state.hpp"
#include "reconcile/diagnostics.hpp"
#include "reconcile/schema.hpp"

namespace reconcile {

struct LoadOptions {
    // Look-up for `${env:NAME}`; returns nullopt when unset. Injected so tests need no real env.
    std::function<std::optional<std::string>(const std::string&)> getenv;
    // validate runs where secrets are not set: an unset variable is then a warning, not an error.
    bool unset_env_is_error = true;
    std::size_t max_file_bytes = 4 * 1024 * 1024;
    std::size_t max_depth = 64;
    std::size_t max_nodes = 1'000'000;  // after alias expansion
};

struct LoadResult {
    DesiredState state;
    Diagnostics diagnostics;
};

// Parses one YAML text (a file may hold several documents). `display_name` is used in
// locations. Appends agents and diagnostics to `out`.
void load_yaml_text(std::string_view text, const std::string& display_name, const Schema& schema,
                    const LoadOptions& options, LoadResult& out);

// Loads every file, then checks cross-document rules (duplicate names without distinct uuids).
LoadResult load_files(const std::vector<std::filesystem::path>& files,
                      const std::filesystem::path& repo_root, const Schema& schema,
                      const LoadOptions& options);

// Cross-document checks alone (exposed for tests).
void check_duplicates(LoadResult& result);

}  // namespace reconcile
