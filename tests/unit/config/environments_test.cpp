// `environments:` in reconcile.yaml and `${var:NAME}` in documents.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "reconcile/config/environments.hpp"
#include "reconcile/config/loader.hpp"
#include "reconcile/config/repository.hpp"
#include "reconcile/config/vars.hpp"
#include "temp_repo.hpp"

using namespace reconcile;
namespace fs = std::filesystem;

namespace {

using reconcile::testing::TempRepo;

std::string format_all(const Diagnostics& diags) {
    std::string out;
    for (const auto& d : diags) out += d.format() + "\n";
    return out;
}

std::vector<std::string> relative(const RepositoryFiles& repo) {
    std::vector<std::string> out;
    for (const auto& f : repo.files) out.push_back(f.lexically_relative(fs::absolute(repo.config.root)).generic_string());
    return out;
}

Environment env(std::string name, std::map<std::string, std::string> vars) {
    Environment e;
    e.name = std::move(name);
    e.vars = std::move(vars);
    return e;
}

LoadResult load_text(std::string_view yaml, std::optional<Environment> environment,
                     std::map<std::string, std::string> process = {}) {
    LoadOptions o;
    o.getenv = [process = std::move(process)](const std::string& name) -> std::optional<std::string> {
        if (auto it = process.find(name); it != process.end()) return it->second;
        return std::nullopt;
    };
    o.environment = std::move(environment);
    LoadResult r;
    load_yaml_text(yaml, "a.yaml", Schema::agent(), o, r);
    return r;
}

std::string at(const DesiredAgent& a, std::string_view pointer) {
    const json::value root(a.body);
    const json::value* v = find_pointer(root, pointer);
    return v ? json::serialize(*v) : std::string("<missing>");
}

SourceLocation nowhere(std::string_view pointer) { return SourceLocation{"reconcile.yaml" + std::string(pointer)}; }

}  // namespace

TEST_CASE("expand_var_references: values, unknown names, escapes, malformed references") {
    auto lookup = [](const std::string& n) -> std::optional<std::string> {
        if (n == "city") return "Cagliari";
        if (n == "empty") return "";
        return std::nullopt;
    };
    auto e = expand_var_references("Volvo ${var:city}${var:empty} - ${var:city}", lookup);
    CHECK(e.text == "Volvo Cagliari - Cagliari");
    CHECK(e.variables == std::vector<std::string>{"city", "empty"});
    CHECK(e.unknown.empty());
    e = expand_var_references("${var:town} and $${var:city}", lookup);
    CHECK(e.text == "${var:town} and ${var:city}");
    CHECK(e.unknown == std::vector<std::string>{"town"});
    CHECK(expand_var_references("${var:no-dash}", lookup).malformed);
    CHECK(expand_var_references("${var:open", lookup).malformed);
    CHECK(expand_var_references("plain ${env:X}", lookup).text == "plain ${env:X}");
}

TEST_CASE("${var:}: substituted from the chosen environment, in the name too, as plain text") {
    auto r = load_text("name: ${var:city} Service\n"
                       "tone: ${var:tone}\n"
                       "speed: ${var:speed}\n"
                       "guidelines:\n"
                       "  - content: Call us on ${var:number}.\n"
                       "    order: 0\n",
                       env("staging", {{"city", "Cagliari"}, {"tone", "Brisk."}, {"speed", "fast"}, {"number", "+39070"}}));
    CHECK(format_all(r.diagnostics) == "");
    REQUIRE(r.state.agents.size() == 1);
    const auto& a = r.state.agents[0];
    CHECK(a.name == "Cagliari Service");
    CHECK(at(a, "/tone") == "\"Brisk.\"");
    CHECK(at(a, "/speed") == "\"fast\"");
    CHECK(at(a, "/guidelines/0/content") == "\"Call us on +39070.\"");
    CHECK(a.secrets.empty());
}

TEST_CASE("${var:}: an unknown variable names file, line and environment; a bad enum value is checked after") {
    auto r = load_text("name: A\n"
                       "tone: ${var:tones}\n"
                       "speed: ${var:speed}\n",
                       env("prod", {{"tone", "x"}, {"speed", "slowly"}}));
    CHECK(format_all(r.diagnostics) ==
          "a.yaml:2:1: error: `tone`: unknown variable `tones` in environment `prod`; did you mean `tone`?\n"
          "a.yaml:3:1: error: `speed`: \"slowly\" in environment `prod` is not an allowed value; expected one of: "
          "normal, fast\n");
    r = load_text("name: A\ntone: ${var:tone}\n", std::nullopt);
    CHECK(format_all(r.diagnostics) ==
          "a.yaml:2:1: error: `tone`: ${var:tone} has no value: no environment is chosen (declare `environments:` "
          "in reconcile.yaml and pass --env NAME)\n");
}

TEST_CASE("${var:}: a value that brings ${env:} in makes a secret; one beside a secret keeps it a secret") {
    auto r = load_text("name: A\n"
                       "custom_llm_url: ${var:llm}\n"
                       "tone: \"${var:greeting} ${env:WHO}\"\n",
                       env("prod", {{"llm", "https://${env:LLM_HOST}/v1"}, {"greeting", "Hello"}}),
                       {{"LLM_HOST", "llm.prod"}, {"WHO", "team"}});
    CHECK(format_all(r.diagnostics) == "");
    REQUIRE(r.state.agents.size() == 1);
    const auto& a = r.state.agents[0];
    CHECK(at(a, "/custom_llm_url") == "\"https://${env:LLM_HOST}/v1\"");
    CHECK(at(a, "/tone") == "\"Hello ${env:WHO}\"");
    REQUIRE(a.secrets.size() == 2);
    for (const auto& s : a.secrets) {
        REQUIRE(s.value);
        if (s.pointer == "/custom_llm_url") CHECK(s.value->reveal() == "https://llm.prod/v1");
        else CHECK(s.value->reveal() == "Hello team");
    }
    // The name can never hold a secret, however it gets there.
    r = load_text("name: ${var:n}\n", env("prod", {{"n", "${env:WHO}"}}), {{"WHO", "x"}});
    CHECK(format_all(r.diagnostics).find("`name` cannot reference ${env:}") != std::string::npos);
}

TEST_CASE("parse_environments: include globs and vars, each problem with its place") {
    json::value v = json::parse(R"({
        "staging": {"include": ["envs/staging/*.yaml"], "vars": {"number": "+39070", "count": 3}},
        "prod": {"vars": {"bad-name": "x", "list": ["no"]}, "incldue": []},
        "bad name": {}
    })");
    Diagnostics diags;
    auto envs = parse_environments(v, nowhere, diags);
    CHECK(format_all(diags) ==
          "reconcile.yaml/prod/vars/bad-name: error: variable name \"bad-name\" in environment `prod`: use letters, "
          "digits and _ (as in ${var:NAME})\n"
          "reconcile.yaml/prod/vars/list: error: variable `list` in environment `prod` must be a plain value (text "
          "or a number)\n"
          "reconcile.yaml/prod/incldue: error: unknown key `incldue` in environment `prod`; did you mean `include`?\n"
          "reconcile.yaml/bad name: error: environment name \"bad name\": use letters, digits, _, - and . (it is "
          "typed after --env)\n");
    REQUIRE(envs.size() == 2);
    CHECK(envs[0].name == "staging");
    REQUIRE(envs[0].include);
    CHECK(envs[0].include->at(0).first == "envs/staging/*.yaml");
    CHECK(envs[0].vars == std::map<std::string, std::string>{{"count", "3"}, {"number", "+39070"}});
    CHECK_FALSE(envs[1].include);
    CHECK(environment_names(envs) == "staging, prod");
    CHECK(find_environment(envs, "prod").value()->name == "prod");
    CHECK(find_environment(envs, "stagin").error() ==
          "unknown environment \"stagin\"; did you mean `staging`? (environments: staging, prod)");
    CHECK(find_environment({}, "x").error() == "unknown environment \"x\": reconcile.yaml declares no `environments`");
}

TEST_CASE("repository: the chosen environment's globs replace include; an unknown one is an error") {
    TempRepo repo("env-select");
    repo.write("reconcile.yaml",
               "include: [shared/*.yaml]\n"
               "environments:\n"
               "  staging:\n"
               "    include: [envs/staging/*.yaml]\n"
               "    vars: {tone: calm}\n"
               "  prod:\n"
               "    vars: {tone: brisk}\n");
    repo.write("envs/staging/a.yaml", "name: A\n");
    repo.write("envs/prod/b.yaml", "name: B\n");
    repo.write("shared/c.yaml", "name: C\n");
    auto none = discover_repository(repo.root);
    CHECK(format_all(none.diagnostics) == "");
    CHECK(none.config.environments.size() == 2);
    CHECK_FALSE(none.config.environment);
    auto staging = discover_repository(repo.root, "staging");
    CHECK(format_all(staging.diagnostics) == "");
    CHECK(relative(staging) == std::vector<std::string>{"envs/staging/a.yaml"});
    REQUIRE(staging.config.environment);
    CHECK(staging.config.environment->vars.at("tone") == "calm");
    auto prod = discover_repository(repo.root, "prod");  // no include of its own: the repository's
    CHECK(relative(prod) == std::vector<std::string>{"shared/c.yaml"});
    auto typo = discover_repository(repo.root, "prdo");
    CHECK(format_all(typo.diagnostics) ==
          "reconcile.yaml: error: --env: unknown environment \"prdo\"; did you mean `prod`? (environments: staging, "
          "prod)\n");
}

TEST_CASE("repository: environments with problems are reported where they are written") {
    TempRepo repo("env-bad-envs");
    repo.write("reconcile.yaml",
               "environments:\n"
               "  staging:\n"
               "    include: [../up/*.yaml]\n"
               "    vars: [a]\n");
    auto r = discover_repository(repo.root, "staging");
    CHECK(format_all(r.diagnostics) ==
          "reconcile.yaml:4:5: error: `environments.staging.vars` must be a mapping of variable names to values\n"
          "reconcile.yaml:3:15: error: include pattern `../up/*.yaml` must stay inside the repository (`..` is not "
          "allowed)\n");
}
