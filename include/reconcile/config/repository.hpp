#pragma once
// Finds the agent files of a repository: `reconcile.yaml` (optional) at the root may set
// `include:` globs and `api_url:`; by default every *.yaml / *.yml under agents/, recursively.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/config/environments.hpp"
#include "reconcile/model/diagnostics.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

struct RepositoryConfig {
    std::filesystem::path root;
    std::vector<std::string> include = {"agents/**/*.yaml", "agents/**/*.yml"};
    std::optional<std::string> api_url;
    std::optional<std::string> extends;  // reserved for shared base documents
    std::vector<std::string> prune_ignore;   // `prune: {ignore: [name globs]}`
    std::vector<std::string> ignore_fields;  // `ignore: [field paths]` for every agent
    std::vector<Environment> environments;   // `environments:` (config/environments.hpp)
    std::optional<Environment> environment;  // the one chosen; its globs are in `include`
};

struct RepositoryFiles {
    RepositoryConfig config;
    std::vector<std::filesystem::path> files;  // absolute, sorted by relative path
    Diagnostics diagnostics;
};

// Reads reconcile.yaml (if present) and expands the include globs. With `environment`, that
// environment of reconcile.yaml is chosen (an unknown name is an error): its `include`, when
// it has one, replaces the repository's. Every file found must resolve inside `root` (a
// symbolic link out of it is refused, naming the file); only regular files are listed
// (directories named *.yaml are skipped, FIFOs and devices refused).
RepositoryFiles discover_repository(const std::filesystem::path& root,
                                    const std::optional<std::string>& environment = std::nullopt);

// Only reconcile.yaml (and the chosen environment): no directory is walked. For the commands
// that need the configuration (environments, api_url) but not the agent files.
RepositoryFiles read_repository_config(const std::filesystem::path& root,
                                       const std::optional<std::string>& environment = std::nullopt);

// Glob match on '/'-separated relative paths: `*` within a segment, `**` across segments, `?`.
inline bool glob_match(std::string_view pattern, std::string_view path) { return glob_match_path(pattern, path); }

}  // namespace reconcile
