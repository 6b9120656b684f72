// `reconcile export`: live agents as YAML documents a repository can adopt.
#include "commands.hpp"
#include "kept_until_exit.hpp"
#include "workspace.hpp"

#include <filesystem>
#include <set>

#include "reconcile/report/export.hpp"

namespace reconcile::cli {

int cmd_export(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    if (c.out_dir.empty()) {
        console.error("export needs --out-dir DIR");
        return kExitError;
    }
    if (!require_environment(console, g)) return kExitError;
    std::optional<std::string> config_url;
    const auto environment = requested_environment(g);
    if (environment || std::filesystem::exists(std::filesystem::path(g.repo) / "reconcile.yaml")) {
        auto files = read_repository_config(g.repo, environment);
        if (environment && has_errors(files.diagnostics)) {  // e.g. an unknown --env
            print_diagnostics(console, files.diagnostics);
            return kExitError;
        }
        config_url = files.config.api_url;
    }
    auto conn = connect(console, g, config_url);
    const KeptUntilExit keep_conn(conn);
    if (!conn) return kExitError;
    auto live = fetch_live(console, *conn, /*need_numbers=*/true);
    const KeptUntilExit keep_live(live);
    if (!live) return kExitError;
    auto agents = live->agents;
    if (!c.agents.empty()) {
        std::set<std::string> wanted(c.agents.begin(), c.agents.end());
        std::set<std::string> found;
        std::erase_if(agents, [&](const LiveAgent& a) {
            if (!wanted.count(a.name)) return true;
            found.insert(a.name);
            return false;
        });
        bool ok = true;
        for (const auto& n : wanted) {
            if (!found.count(n)) {
                console.error("--agent \"" + n + "\": no live agent has that name");
                ok = false;
            }
        }
        if (!ok) return kExitError;
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path root(c.out_dir);
    fs::create_directories(root / "agents", ec);
    fs::create_directories(root / "schemas", ec);
    if (ec) {
        console.error("cannot create " + (root / "agents").string() + ": " + ec.message());
        return kExitError;
    }
    // The schema beside the export, so the editor line in each file resolves.
    if (!write_file(console, (root / "schemas" / "agent.schema.json").string(), std::string(Schema::agent_text())))
        return kExitError;
    auto files = plan_export_files(agents, live->phone_numbers, Schema::agent());
    for (const auto& f : files) {
        if (!write_file(console, (root / f.path).string(), f.document.yaml)) return kExitError;
        for (const auto& why : f.document.left_out)
            console.err("warning: " + f.path + ": left out " + why + "\n");
    }
    console.out("Exported " + std::to_string(files.size()) + " agent(s) to " + (root / "agents").string() + "\n");
    return kExitOk;
}

}  // namespace reconcile::cli
