// `reconcile validate`: every error in every file, offline, then the lint warnings.
#include "commands.hpp"
#include "workspace.hpp"

#include "reconcile/engine/lint.hpp"

namespace reconcile::cli {

int cmd_validate(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    // validate runs where secrets are not set (a pre-commit hook): unset variables warn.
    auto repo = load_repo(console, g, /*unset_env_is_error=*/false, c.strict);
    if (!repo) return kExitError;
    const auto& st = repo->loaded.state;
    auto advice = lint(st);
    print_diagnostics(console, advice);
    std::string summary = std::to_string(st.agents.size()) + " agent(s) in " + std::to_string(st.files.size()) +
                          " file(s)";
    if (!advice.empty()) summary += ", " + std::to_string(advice.size()) + " lint warning(s)";
    if (c.strict && !advice.empty()) {
        console.err("Not valid with --strict: " + summary + ".\n");
        return kExitError;
    }
    console.out("Valid: " + summary + ".\n");
    return kExitOk;
}

}  // namespace reconcile::cli
