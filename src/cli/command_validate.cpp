// `reconcile validate`: every error in every file, offline.
#include "commands.hpp"
#include "workspace.hpp"

namespace reconcile::cli {

int cmd_validate(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    // validate runs where secrets are not set (a pre-commit hook): unset variables warn.
    auto repo = load_repo(console, g, /*unset_env_is_error=*/false, c.strict);
    if (!repo) return kExitError;
    const auto& st = repo->loaded.state;
    console.out("Valid: " + std::to_string(st.agents.size()) + " agent(s) in " + std::to_string(st.files.size()) +
                " file(s).\n");
    return kExitOk;
}

}  // namespace reconcile::cli
