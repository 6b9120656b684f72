// `reconcile drift`: what differs between git and the workspace; read-only.
#include "commands.hpp"
#include "kept_until_exit.hpp"
#include "workspace.hpp"

#include <set>

#include "reconcile/engine/drift.hpp"
#include "reconcile/report/drift_report.hpp"

namespace reconcile::cli {

int cmd_drift(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    if (!require_environment(console, g)) return kExitError;
    auto files = discover_repo(console, g);
    if (!files) return kExitError;
    std::optional<Connection> conn;
    const KeptUntilExit keep_conn(conn);
    std::optional<LoadedRepo> repo;
    const KeptUntilExit keep_repo(repo);
    auto agents = read_agents_while(console, g, *files, conn, [&] {
        repo = load_documents(console, std::move(*files), /*unset_env_is_error=*/true, /*warnings_are_errors=*/false,
                              RepoScope{requested_environment(g), false});
    });
    if (!repo || !agents) return kExitError;
    if (!filter_agents(console, repo->loaded.state, c.agents)) return kExitError;
    bool need_numbers = false;
    for (const auto& a : repo->loaded.state.agents) need_numbers |= a.call.has_value();
    auto live = fetch_live(console, *conn, need_numbers, std::move(*agents));
    const KeptUntilExit keep_live(live);
    if (!live) return kExitError;
    DriftOptions options;
    options.ignore_fields = repo->files.config.ignore_fields;
    options.unmanaged_ignore = repo->files.config.prune_ignore;
    options.shard = c.shard;
    auto report = detect_drift(repo->loaded.state, *live, Schema::agent(), options);
    if (!c.agents.empty()) {
        // Targeted: report only the named agents, not every unmanaged one.
        std::set<std::string> wanted(c.agents.begin(), c.agents.end());
        std::erase_if(report.unmanaged, [&](const UnmanagedAgent& u) { return !wanted.count(u.name); });
    }
    print_diagnostics(console, report.diagnostics);
    if (has_errors(report.diagnostics)) return kExitError;
    if (c.format == "json") console.out_json(drift_to_json(report));
    else if (c.format == "markdown") console.out(render_drift_markdown(report));
    else console.out(render_drift_text(report, DriftRenderOptions{}));
    return report.has_drift() ? kExitChanges : kExitOk;
}

}  // namespace reconcile::cli
