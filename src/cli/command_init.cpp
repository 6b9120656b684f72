// `reconcile init [DIR]`: a new agents repository: reconcile.yaml, an example agent that names
// the schema for editors, the schema itself and the CI workflows. Writes nothing when any of
// those files already exists.
#include <filesystem>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "reconcile/model/schema.hpp"
#include "workspace.hpp"

namespace reconcile::cli {

namespace templates {
extern const std::string_view reconcile_yaml;
extern const std::string_view example_agent;
extern const std::string_view github_plan;
extern const std::string_view github_apply;
extern const std::string_view github_drift;
extern const std::string_view gitlab_ci;
}  // namespace templates

namespace {

struct NewFile {
    std::string path;  // relative to the directory
    std::string_view content;
};

std::vector<NewFile> files_for(const std::string& ci) {
    std::vector<NewFile> files = {
        {"reconcile.yaml", templates::reconcile_yaml},
        {"agents/example.yaml", templates::example_agent},
        {"schemas/agent.schema.json", Schema::agent_text()},
    };
    if (ci == "github") {
        files.push_back({".github/workflows/reconcile-plan.yml", templates::github_plan});
        files.push_back({".github/workflows/reconcile-apply.yml", templates::github_apply});
        files.push_back({".github/workflows/reconcile-drift.yml", templates::github_drift});
    } else if (ci == "gitlab") {
        files.push_back({".gitlab-ci.yml", templates::gitlab_ci});
    }
    return files;
}

}  // namespace

int cmd_init(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    namespace fs = std::filesystem;
    const fs::path dir = c.init_dir.empty() ? fs::path(g.repo.empty() ? "." : g.repo) : fs::path(c.init_dir);
    const auto files = files_for(c.init_ci);

    std::vector<std::string> existing;
    for (const auto& f : files) {
        std::error_code ec;
        if (fs::exists(dir / f.path, ec) || ec) existing.push_back((dir / f.path).string());
    }
    if (!existing.empty()) {
        std::string msg = "init writes nothing: " + std::string(existing.size() == 1 ? "this file" : "these files") +
                          " already exist:\n";
        for (const auto& e : existing) msg += "  " + e + "\n";
        console.err("error: " + msg);
        return kExitError;
    }

    for (const auto& f : files) {
        const fs::path target = dir / f.path;
        std::error_code ec;
        fs::create_directories(target.parent_path(), ec);
        if (ec) {
            console.error("cannot create " + target.parent_path().string() + ": " + ec.message());
            return kExitError;
        }
        if (!write_file(console, target.string(), std::string(f.content))) return kExitError;
        console.out("  created " + target.string() + "\n");
    }
    std::string next = "\nNext steps:\n";
    if (dir != fs::path(".")) next += "  cd " + dir.string() + "\n";
    next += "  reconcile validate\n"
            "  export MIHU_API_URL=https://<workspace>.mihu.ai MIHU_API_TOKEN=...\n"
            "  reconcile plan\n";
    if (c.init_ci == "github")
        next += "CI: set the repository secret MIHU_API_TOKEN and the variable MIHU_API_URL, and the image in "
                ".github/workflows/*.yml.\n";
    else if (c.init_ci == "gitlab")
        next += "CI: set the CI/CD variables MIHU_API_URL, MIHU_API_TOKEN and GITLAB_API_TOKEN, and the image in "
                ".gitlab-ci.yml.\n";
    console.out(next);
    return kExitOk;
}

}  // namespace reconcile::cli
