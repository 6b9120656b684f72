// `extends:`: base documents merged under agent documents, with their locations and secrets.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "reconcile/config/bases.hpp"
#include "reconcile/config/loader.hpp"
#include "temp_repo.hpp"

using namespace reconcile;
namespace fs = std::filesystem;

namespace {

using reconcile::testing::TempRepo;

LoadOptions options(std::map<std::string, std::string> env = {}) {
    LoadOptions o;
    o.getenv = [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
        if (auto it = env.find(name); it != env.end()) return it->second;
        return std::nullopt;
    };
    return o;
}

LoadResult load(const TempRepo& repo, const std::vector<std::string>& agent_files, const LoadOptions& o = options()) {
    std::vector<fs::path> files;
    for (const auto& f : agent_files) files.push_back(repo.root / f);
    return load_files(files, repo.root, Schema::agent(), o);
}

std::string format_all(const Diagnostics& diags) {
    std::string out;
    for (const auto& d : diags) out += d.format() + "\n";
    return out;
}

std::string at(const DesiredAgent& a, std::string_view pointer) {
    const json::value root(a.body);
    const json::value* v = find_pointer(root, pointer);
    return v ? json::serialize(*v) : std::string("<missing>");
}

const DesiredAgent& agent(const LoadResult& r, const std::string& name) {
    for (const auto& a : r.state.agents)
        if (a.name == name) return a;
    FAIL("no agent " << name);
    throw 0;
}

}  // namespace

TEST_CASE("extends: objects merge deeply, the document wins, a list it gives replaces the base's") {
    TempRepo repo("bases-merge");
    repo.write("bases/dealership.yaml",
               "company_name: Volvo Dealers\n"                      // 1
               "tone: Warm and professional.\n"                     // 2
               "settings:\n"                                        // 3
               "  voice:\n"                                         // 4
               "    interaction:\n"                                 // 5
               "      max_silence_prompts: 2\n"                     // 6
               "      customer_speak_first: true\n"                 // 7
               "guard_rules:\n"                                     // 8
               "  - when_condition: the caller asks for a lawyer\n" // 9
               "    then_action: forward\n"
               "notes:\n"
               "  - content: base note\n");
    repo.write("agents/cagliari.yaml",
               "extends: ../bases/dealership.yaml\n"               // 1
               "name: Cagliari\n"                                   // 2
               "tone: Brisk.\n"                                     // 3
               "settings:\n"                                        // 4
               "  voice:\n"                                         // 5
               "    interaction:\n"                                 // 6
               "      max_silence_prompts: 4\n"                     // 7
               "notes:\n"                                           // 8
               "  - content: own note\n");
    auto r = load(repo, {"agents/cagliari.yaml"});
    CHECK(format_all(r.diagnostics) == "");
    REQUIRE(r.state.agents.size() == 1);
    const auto& a = r.state.agents[0];
    CHECK(a.name == "Cagliari");
    CHECK(at(a, "/company_name") == "\"Volvo Dealers\"");
    CHECK(at(a, "/tone") == "\"Brisk.\"");
    CHECK(at(a, "/settings/voice/interaction/max_silence_prompts") == "4");
    CHECK(at(a, "/settings/voice/interaction/customer_speak_first") == "true");
    CHECK(at(a, "/guard_rules/0/then_action") == "\"forward\"");
    CHECK(at(a, "/notes") == "[{\"content\":\"own note\"}]");
    CHECK_FALSE(a.body.contains("extends"));
    // Each value keeps where it was written.
    CHECK(a.location_of("/company_name").str() == "bases/dealership.yaml:1:1");
    CHECK(a.location_of("/settings/voice/interaction/customer_speak_first").str() == "bases/dealership.yaml:7:7");
    CHECK(a.location_of("/settings/voice/interaction/max_silence_prompts").str() == "agents/cagliari.yaml:7:7");
    CHECK(a.location_of("/guard_rules/0/then_action").file == "bases/dealership.yaml");
    CHECK(a.location_of("/notes/0").file == "agents/cagliari.yaml");
    CHECK(a.location_of("/tone").file == "agents/cagliari.yaml");
    // The base is one of the files read (plans are stale when it changes).
    CHECK(r.state.files == std::vector<std::string>{"agents/cagliari.yaml", "bases/dealership.yaml"});
}

TEST_CASE("extends: a list is applied in order, a base may extend another, and a base is read once") {
    TempRepo repo("bases-chain");
    repo.write("bases/root.yaml", "company_name: Root\ntone: root tone\nlanguage: en\n");
    repo.write("bases/dealer.yaml", "extends: root.yaml\ncompany_name: Dealer\n");
    repo.write("bases/voice.yaml", "tone: voice tone\ncompany_name: Voice\n");
    repo.write("agents/a.yaml", "extends: [../bases/dealer.yaml, ../bases/voice.yaml]\nname: A\n");
    repo.write("agents/b.yaml", "extends: ../bases/dealer.yaml\nname: B\nlanguage: it\n");
    auto r = load(repo, {"agents/a.yaml", "agents/b.yaml"});
    CHECK(format_all(r.diagnostics) == "");
    const auto& a = agent(r, "A");
    CHECK(at(a, "/company_name") == "\"Voice\"");  // the later base wins
    CHECK(at(a, "/tone") == "\"voice tone\"");
    CHECK(at(a, "/language") == "\"en\"");          // through the chain
    CHECK(a.location_of("/language").str() == "bases/root.yaml:3:1");
    const auto& b = agent(r, "B");
    CHECK(at(b, "/company_name") == "\"Dealer\"");
    CHECK(at(b, "/tone") == "\"root tone\"");
    CHECK(at(b, "/language") == "\"it\"");
    CHECK(r.state.files.size() == 5);
}

TEST_CASE("extends: an error inside a base names the base's file and line, once") {
    TempRepo repo("bases-base-error");
    repo.write("bases/d.yaml", "tone: ok\nspeed: slowly\n");
    repo.write("agents/a.yaml", "extends: ../bases/d.yaml\nname: A\n");
    repo.write("agents/b.yaml", "extends: ../bases/d.yaml\nname: B\n");
    auto r = load(repo, {"agents/a.yaml", "agents/b.yaml"});
    CHECK(format_all(r.diagnostics) ==
          "bases/d.yaml:2:8: error: `speed`: \"slowly\" is not an allowed value; expected one of: normal, fast\n");
}

TEST_CASE("extends: a base needs no name but an agent document still does") {
    TempRepo repo("bases-names");
    repo.write("bases/named.yaml", "name: From Base\ntone: t\n");
    repo.write("agents/a.yaml", "extends: ../bases/named.yaml\ntone: own\n");
    auto r = load(repo, {"agents/a.yaml"});
    CHECK(format_all(r.diagnostics) == "agents/a.yaml:1:1: error: missing required field `name`\n");
}

TEST_CASE("extends: missing file, cycle, outside the repository, absolute path, agent document") {
    TempRepo repo("bases-errors");
    repo.write("bases/x.yaml", "extends: y.yaml\ntone: x\n");
    repo.write("bases/y.yaml", "tone: y\nextends: [x.yaml]\n");
    repo.write("agents/cycle.yaml", "name: Cycle\nextends: ../bases/x.yaml\n");
    repo.write("agents/missing.yaml", "name: Missing\nextends: ../bases/nope.yaml\n");
    repo.write("agents/outside.yaml", "name: Outside\nextends: ../../elsewhere.yaml\n");
    repo.write("agents/absolute.yaml", "name: Absolute\nextends: /etc/passwd\n");
    repo.write("agents/agent.yaml", "name: Agent\nextends: [cycle.yaml]\n");
    auto r = load(repo, {"agents/cycle.yaml", "agents/missing.yaml", "agents/outside.yaml", "agents/absolute.yaml",
                         "agents/agent.yaml"});
    CHECK(format_all(r.diagnostics) ==
          "agents/absolute.yaml:2:1: error: `extends`: base \"/etc/passwd\" must be a relative path (relative to "
          "the file that extends it)\n"
          "agents/agent.yaml:2:11: error: `extends`: base \"cycle.yaml\" is an agent document (matched by the "
          "include globs); keep bases outside them, e.g. under bases/\n"
          "agents/missing.yaml:2:1: error: `extends`: base \"../bases/nope.yaml\" does not exist\n"
          "agents/outside.yaml:2:1: error: `extends`: base \"../../elsewhere.yaml\" is outside the repository (a "
          "base must be a file inside it)\n"
          "bases/y.yaml:2:11: error: `extends` makes a cycle: bases/x.yaml -> bases/y.yaml -> bases/x.yaml\n");
}

TEST_CASE("extends: a symbolic link that resolves outside the repository is refused") {
    TempRepo repo("bases-symlink");
    TempRepo outside("bases-symlink-outside");
    outside.write("secret.yaml", "tone: from outside\n");
    fs::create_directories(repo.root / "bases");
    fs::create_symlink(outside.root / "secret.yaml", repo.root / "bases" / "link.yaml");
    repo.write("agents/a.yaml", "name: A\nextends: ../bases/link.yaml\n");
    auto r = load(repo, {"agents/a.yaml"});
    CHECK(format_all(r.diagnostics) ==
          "agents/a.yaml:2:1: error: `extends`: base \"../bases/link.yaml\" resolves outside the repository "
          "(through a symbolic link)\n");
}

TEST_CASE("extends: the base's ${env:} secrets are carried into the documents that keep its value") {
    TempRepo repo("bases-secrets");
    repo.write("bases/d.yaml",
               "settings:\n"
               "  text:\n"
               "    handover:\n"
               "      handover_message: \"Bearer ${env:CRM_TOKEN}\"\n"
               "custom_llm_url: https://llm.example/${env:LLM_PATH}\n");
    repo.write("agents/a.yaml", "name: A\nextends: ../bases/d.yaml\n");
    repo.write("agents/b.yaml", "name: B\nextends: ../bases/d.yaml\ncustom_llm_url: https://own.example/\n");
    auto r = load(repo, {"agents/a.yaml", "agents/b.yaml"}, options({{"CRM_TOKEN", "t0k3n"}, {"LLM_PATH", "p4th"}}));
    CHECK(format_all(r.diagnostics) == "");
    const auto& a = agent(r, "A");
    REQUIRE(a.secrets.size() == 2);
    CHECK(at(a, "/custom_llm_url") == "\"https://llm.example/${env:LLM_PATH}\"");
    for (const auto& s : a.secrets) {
        REQUIRE(s.value);
        if (s.pointer == "/custom_llm_url") CHECK(s.value->reveal() == "https://llm.example/p4th");
        else CHECK(s.value->reveal() == "Bearer t0k3n");
    }
    const auto& b = agent(r, "B");
    REQUIRE(b.secrets.size() == 1);  // its own URL replaced the base's secret
    CHECK(b.secrets[0].value->reveal() == "Bearer t0k3n");
    CHECK(r.state.secret_values.size() == 2);
}

TEST_CASE("extends: the base's ignore list applies unless the document gives its own") {
    TempRepo repo("bases-ignore");
    repo.write("bases/d.yaml", "ignore: [status]\n");
    repo.write("agents/a.yaml", "name: A\nextends: ../bases/d.yaml\n");
    repo.write("agents/b.yaml", "name: B\nextends: ../bases/d.yaml\nignore: [notes]\n");
    auto r = load(repo, {"agents/a.yaml", "agents/b.yaml"});
    CHECK(format_all(r.diagnostics) == "");
    CHECK(agent(r, "A").ignore_fields == std::vector<std::string>{"status"});
    CHECK(agent(r, "B").ignore_fields == std::vector<std::string>{"notes"});
    CHECK_FALSE(agent(r, "A").body.contains("ignore"));
}

TEST_CASE("extends: without a repository (a single text) it is an error, not sent to the API") {
    LoadResult r;
    load_yaml_text("name: A\nextends: base.yaml\n", "a.yaml", Schema::agent(), options(), r);
    CHECK(format_all(r.diagnostics) == "a.yaml:2:1: error: `extends` is resolved only when a repository is loaded\n");
    REQUIRE(r.state.agents.size() == 1);
    CHECK_FALSE(r.state.agents[0].body.contains("extends"));
}

TEST_CASE("merge_under: locations and secrets follow the value that won") {
    DesiredAgent doc, base;
    doc.body = json::parse(R"({"a":{"x":1},"list":[1]})").as_object();
    doc.locations = {{"", {"doc", 1, 1}}, {"/a", {"doc", 2, 1}}, {"/a/x", {"doc", 3, 1}}, {"/list", {"doc", 4, 1}}};
    base.body = json::parse(R"({"a":{"x":0,"y":2},"list":[7,8],"b":"s"})").as_object();
    base.locations = {{"", {"base", 1, 1}},      {"/a", {"base", 2, 1}},      {"/a/x", {"base", 3, 1}},
                      {"/a/y", {"base", 4, 1}},  {"/list", {"base", 5, 1}},   {"/list/1", {"base", 6, 1}},
                      {"/b", {"base", 7, 1}}};
    base.secrets.push_back(SecretRef{"/b", "s", {"V"}, std::nullopt});
    base.secrets.push_back(SecretRef{"/a/x", "s", {"V"}, std::nullopt});
    merge_under(doc, base);
    CHECK(json::serialize(doc.body) == R"({"a":{"x":1,"y":2},"list":[1],"b":"s"})");
    CHECK(doc.location_of("").file == "doc");
    CHECK(doc.location_of("/a/y").file == "base");
    CHECK(doc.location_of("/a/x").file == "doc");
    CHECK(doc.locations.count("/list/1") == 0);
    CHECK(doc.location_of("/b").file == "base");
    REQUIRE(doc.secrets.size() == 1);
    CHECK(doc.secrets[0].pointer == "/b");
}
