// `reconcile validate`: every error in every file, offline, then the lint warnings. In a
// repository with environments and no --env, every environment is checked.
#include "commands.hpp"
#include "kept_until_exit.hpp"
#include "workspace.hpp"

#include <filesystem>

#include "reconcile/engine/lint.hpp"

namespace reconcile::cli {

namespace {

// Checks one environment (or the repository without one). Returns the summary, or nullopt
// when it is not valid (after printing).
std::optional<std::string> validate_one(Console& console, const GlobalOptions& g, const CommandOptions& c,
                                        const RepoScope* scope) {
    // validate runs where secrets are not set (a pre-commit hook): unset variables warn.
    auto repo = load_repo(console, g, /*unset_env_is_error=*/false, c.strict, scope);
    // One check ends the process; with environments, each one's documents go before the next's.
    std::optional<KeptUntilExit<LoadedRepo>> keep_repo;
    if (!scope) keep_repo.emplace(repo);
    if (!repo) return std::nullopt;
    const auto& st = repo->loaded.state;
    auto advice = lint(st);
    if (scope && scope->tag && scope->environment)
        for (auto& d : advice) d.message += " [environment " + *scope->environment + "]";
    print_diagnostics(console, advice);
    std::string summary = std::to_string(st.agents.size()) + " agent(s) in " + std::to_string(st.files.size()) +
                          " file(s)";
    if (!advice.empty()) summary += ", " + std::to_string(advice.size()) + " lint warning(s)";
    if (c.strict && !advice.empty()) {
        console.err("Not valid with --strict: " + summary + ".\n");
        return std::nullopt;
    }
    return summary;
}

}  // namespace

int cmd_validate(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    std::vector<std::string> every;
    if (!requested_environment(g)) {
        auto files = read_repository_config(std::filesystem::absolute(g.repo).lexically_normal());
        if (!has_errors(files.diagnostics))
            for (const auto& e : files.config.environments) every.push_back(e.name);
    }
    if (every.empty()) {
        auto summary = validate_one(console, g, c, nullptr);
        if (!summary) return kExitError;
        console.out("Valid: " + *summary + ".\n");
        return kExitOk;
    }
    bool ok = true;
    std::string summaries;
    for (const auto& name : every) {
        RepoScope scope{name, true};
        auto summary = validate_one(console, g, c, &scope);
        if (!summary) ok = false;
        else summaries += "\n  " + name + ": " + *summary;
    }
    if (!ok) return kExitError;
    console.out("Valid in every environment:" + summaries + "\n");
    return kExitOk;
}

}  // namespace reconcile::cli
