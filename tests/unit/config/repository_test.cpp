// Repository discovery: reconcile.yaml and include globs.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "reconcile/config/repository.hpp"

using namespace reconcile;
namespace fs = std::filesystem;

namespace {

const fs::path kData = fs::path(RECONCILE_TEST_DATA) / "loader";

std::vector<std::string> relative(const RepositoryFiles& repo) {
    std::vector<std::string> out;
    for (const auto& f : repo.files) out.push_back(f.lexically_relative(fs::absolute(repo.config.root)).generic_string());
    return out;
}

std::string format_all(const Diagnostics& diags) {
    std::string out;
    for (const auto& d : diags) out += d.format() + "\n";
    return out;
}

}  // namespace

TEST_CASE("glob_match: * within a segment, ** across segments, ?") {
    struct Case {
        const char* pattern;
        const char* path;
        bool match;
    };
    const Case cases[] = {
        {"agents/*.yaml", "agents/a.yaml", true},
        {"agents/*.yaml", "agents/sub/a.yaml", false},
        {"agents/*.yaml", "agents/a.yml", false},
        {"agents/*.yaml", "agents/.yaml", true},
        {"agents/**/*.yaml", "agents/a.yaml", true},
        {"agents/**/*.yaml", "agents/x/a.yaml", true},
        {"agents/**/*.yaml", "agents/x/y/z/a.yaml", true},
        {"agents/**/*.yaml", "other/a.yaml", false},
        {"agents/**/*.yaml", "agents/a.yaml.bak", false},
        {"agents/?.yaml", "agents/a.yaml", true},
        {"agents/?.yaml", "agents/ab.yaml", false},
        {"agents/?.yaml", "agents/.yaml", false},
        {"**/*.yml", "a.yml", true},
        {"**/*.yml", "a/b/c.yml", true},
        {"**", "any/depth/at/all", true},
        {"a/**/b/*.yaml", "a/b/x.yaml", true},
        {"a/**/b/*.yaml", "a/x/y/b/z.yaml", true},
        {"a/**/b/*.yaml", "a/x/y/c/z.yaml", false},
        {"a/**/**/b", "a/b", true},
        {"teams/*/agents/*.yaml", "teams/sales/agents/a.yaml", true},
        {"teams/*/agents/*.yaml", "teams/sales/x/agents/a.yaml", false},
        {"agents/*a*b*c*.yaml", "agents/xaybzc.yaml", true},
        {"agents/*a*b*c*.yaml", "agents/xaybz.yaml", false},
        {"agents/a*", "agents/a", true},
        {"agents/*", "agents", false},
        {"shared/base.yaml", "shared/base.yaml", true},
        {"shared/base.yaml", "shared/base.yml", false},
        {"*", "a/b", false},
        {"a*b?c", "aXXbYc", true},
    };
    for (const auto& c : cases) {
        CAPTURE(c.pattern);
        CAPTURE(c.path);
        CHECK(glob_match(c.pattern, c.path) == c.match);
    }
}

TEST_CASE("repository: default include, every *.yaml and *.yml under agents/, hidden entries skipped") {
    auto repo = discover_repository(kData / "repo_default");
    CHECK(format_all(repo.diagnostics) == "");
    CHECK(relative(repo) ==
          std::vector<std::string>{"agents/alpha.yaml", "agents/team/beta.yml", "agents/team/deep/gamma.yaml"});
    CHECK_FALSE(repo.config.api_url);
    for (const auto& f : repo.files) CHECK(f.is_absolute());
}

TEST_CASE("repository: no agents/ directory and no reconcile.yaml means zero agents, not an error") {
    auto repo = discover_repository(kData / "repo_empty");
    CHECK(repo.diagnostics.empty());
    CHECK(repo.files.empty());
}

TEST_CASE("repository: reconcile.yaml include globs, sorted and deduplicated; api_url") {
    auto repo = discover_repository(kData / "repo_config");
    CHECK(format_all(repo.diagnostics) == "");
    CHECK(relative(repo) == std::vector<std::string>{"extra/e.yml", "shared/base.yaml", "teams/sales/agents/a.yaml",
                                                     "teams/support/agents/b.yaml", "teams/support/notes/c.yaml"});
    CHECK(repo.config.include == std::vector<std::string>{"teams/*/agents/*.yaml", "shared/base.yaml",
                                                          "teams/**/*.yaml", "extra/*.yml"});
    REQUIRE(repo.config.api_url);
    CHECK(*repo.config.api_url == "https://acme.mihu.ai");
}

TEST_CASE("repository: every problem in reconcile.yaml is reported with its position") {
    auto repo = discover_repository(kData / "repo_bad_config");
    CHECK(format_all(repo.diagnostics) ==
          "reconcile.yaml:1:1: error: unknown key `includes` in reconcile.yaml; did you mean `include`?\n"
          "reconcile.yaml:4:5: error: include pattern `../outside/*.yaml` must stay inside the repository (`..` is "
          "not allowed)\n"
          "reconcile.yaml:5:5: error: include pattern `/etc/*.yaml` must be a relative path with '/' separators "
          "(relative to the repository root)\n"
          "reconcile.yaml:6:5: error: `include` entries must be strings\n"
          "reconcile.yaml:9:10: error: `api_url` must start with https:// (or http://)\n"
          "reconcile.yaml:10:1: error: `extends` is reserved and not supported yet\n"
          "reconcile.yaml:11:1: error: unknown key `colour` in reconcile.yaml (known keys: include, api_url, ignore, prune, environments)\n"
          "reconcile.yaml:7:5: warning: include pattern `nothing/here/*.yaml` matches no file: `nothing/here` "
          "does not exist\n");
    CHECK(relative(repo) == std::vector<std::string>{"agents/x.yaml"});
}

TEST_CASE("repository: malformed reconcile.yaml") {
    auto repo = discover_repository(kData / "repo_malformed_config");
    REQUIRE(repo.diagnostics.size() == 1);
    CHECK(repo.diagnostics[0].where.file == "reconcile.yaml");
    CHECK(repo.diagnostics[0].where.line > 0);
    CHECK(repo.diagnostics[0].message.rfind("malformed YAML: ", 0) == 0);
}

TEST_CASE("repository: empty reconcile.yaml keeps the defaults; a single include string is accepted") {
    fs::path dir = fs::temp_directory_path() / "reconcile_repository_test";
    fs::remove_all(dir);
    fs::create_directories(dir / "agents");
    fs::create_directories(dir / "bots");
    std::ofstream(dir / "agents" / "a.yaml") << "name: A\n";
    std::ofstream(dir / "bots" / "b.yaml") << "name: B\n";

    { std::ofstream(dir / "reconcile.yaml") << "# nothing configured yet\n"; }
    auto defaults = discover_repository(dir);
    CHECK(defaults.diagnostics.empty());
    CHECK(relative(defaults) == std::vector<std::string>{"agents/a.yaml"});

    { std::ofstream(dir / "reconcile.yaml") << "include: bots/*.yaml\napi_url:\n"; }
    auto single = discover_repository(dir);
    CHECK(format_all(single.diagnostics) == "");
    CHECK(relative(single) == std::vector<std::string>{"bots/b.yaml"});
    CHECK_FALSE(single.config.api_url);

    { std::ofstream(dir / "reconcile.yaml") << "include:\n  - nowhere/*.yaml\n  - bots/*.yml\n"; }
    auto none = discover_repository(dir);
    CHECK(format_all(none.diagnostics) ==
          "reconcile.yaml:2:5: warning: include pattern `nowhere/*.yaml` matches no file: `nowhere` does not exist\n"
          "reconcile.yaml:1:1: warning: the include patterns match no file: no agent is loaded\n");
    CHECK(none.files.empty());
    fs::remove_all(dir);
}

TEST_CASE("repository: reconcile.yaml `ignore` field paths and `prune.ignore` name globs") {
    fs::path dir = fs::temp_directory_path() / "reconcile_repository_ignore_test";
    fs::remove_all(dir);
    fs::create_directories(dir / "agents");
    { std::ofstream(dir / "reconcile.yaml") << "ignore: [status, \"routing_rules[*].is_active\"]\nprune:\n  ignore: [\"Legacy *\", Kiosk]\n"; }
    auto good = discover_repository(dir);
    CHECK(format_all(good.diagnostics) == "");
    CHECK(good.config.ignore_fields == std::vector<std::string>{"status", "routing_rules[*].is_active"});
    CHECK(good.config.prune_ignore == std::vector<std::string>{"Legacy *", "Kiosk"});

    { std::ofstream(dir / "reconcile.yaml") << "ignore: [tonee]\nprune:\n  keep: [x]\n"; }
    auto bad = discover_repository(dir);
    CHECK(format_all(bad.diagnostics) ==
          "reconcile.yaml:1:10: error: `ignore`: `tonee`: no field `tonee` here; did you mean `tone`?\n"
          "reconcile.yaml:3:3: error: unknown key `keep` in `prune` (known keys: ignore)\n");
    { std::ofstream(dir / "reconcile.yaml") << "prune: [x]\n"; }
    CHECK(format_all(discover_repository(dir).diagnostics) ==
          "reconcile.yaml:1:1: error: `prune` must be a mapping such as `prune: {ignore: [\"Legacy *\"]}`\n");
    fs::remove_all(dir);
}

TEST_CASE("repository: read_repository_config reads reconcile.yaml and walks no directory") {
    fs::path dir = fs::temp_directory_path() / "reconcile_repository_config_only_test";
    fs::remove_all(dir);
    fs::create_directories(dir / "agents");
    std::ofstream(dir / "agents" / "a.yaml") << "name: A\n";
    { std::ofstream(dir / "reconcile.yaml") << "api_url: https://acme.mihu.ai\nenvironments:\n  prod: {include: [\"p/*.yaml\"]}\n"; }
    auto config = read_repository_config(dir, std::string("prod"));
    CHECK(format_all(config.diagnostics) == "");
    CHECK(config.files.empty());
    REQUIRE(config.config.api_url);
    CHECK(*config.config.api_url == "https://acme.mihu.ai");
    CHECK(config.config.include == std::vector<std::string>{"p/*.yaml"});
    CHECK(format_all(read_repository_config(dir, std::string("prd")).diagnostics).find("prd") != std::string::npos);
    fs::remove_all(dir);
}
