// `reconcile drift`: what differs between git and the workspace; read-only.
#include "commands.hpp"
#include "workspace.hpp"

#include <set>

#include "reconcile/engine/drift.hpp"
#include "reconcile/report/drift_report.hpp"

namespace reconcile::cli {

int cmd_drift(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    if (!require_environment(console, g)) return kExitError;
    auto repo = load_repo(console, g, /*unset_env_is_error=*/true, /*warnings_are_errors=*/false);
    if (!repo) return kExitError;
    if (!filter_agents(console, repo->loaded.state, c.agents)) return kExitError;
    auto conn = connect(console, g, repo->files.config.api_url);
    if (!conn) return kExitError;
    bool need_numbers = false;
    for (const auto& a : repo->loaded.state.agents) need_numbers |= a.call.has_value();
    auto live = fetch_live(console, *conn->api, need_numbers);
    if (!live) return kExitError;
    DriftOptions options;
    options.ignore_fields = repo->files.config.ignore_fields;
    options.unmanaged_ignore = repo->files.config.prune_ignore;
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
