// Loader: YAML documents -> DesiredState, typed and checked by the agent schema.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "reconcile/config/loader.hpp"
#include "reconcile/config/repository.hpp"

using namespace reconcile;
namespace fs = std::filesystem;

namespace {

const fs::path kData = fs::path(RECONCILE_TEST_DATA) / "loader";

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    REQUIRE_MESSAGE(in.is_open(), "missing test data file " << p.string());
    std::ostringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

std::string format_all(const Diagnostics& diags) {
    std::string out;
    for (const auto& d : diags) out += d.format() + "\n";
    return out;
}

std::string format_errors(const Diagnostics& diags) {
    std::string out;
    for (const auto& d : diags)
        if (d.severity == Severity::Error) out += d.format() + "\n";
    return out;
}

LoadOptions options_with_env(std::map<std::string, std::string> env = {}) {
    LoadOptions o;
    o.getenv = [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
        if (auto it = env.find(name); it != env.end()) return it->second;
        return std::nullopt;
    };
    return o;
}

LoadResult load_text(std::string_view yaml, const LoadOptions& options = options_with_env(),
                     const std::string& name = "test.yaml") {
    LoadResult r;
    load_yaml_text(yaml, name, Schema::agent(), options, r);
    return r;
}

LoadResult load_data_file(const std::string& relative, const LoadOptions& options = options_with_env()) {
    LoadResult r;
    fs::path p = kData / relative;
    load_yaml_text(slurp(p), p.filename().string(), Schema::agent(), options, r);
    return r;
}

std::string at(const json::object& body, std::string_view pointer) {
    const json::value root(body);
    const json::value* v = find_pointer(root, pointer);
    return v ? json::serialize(*v) : std::string("<missing>");
}

std::vector<fs::path> files_under(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(e.path());
    return out;
}

}  // namespace

TEST_CASE("loader: a scalar takes the type the schema gives its field, not the YAML 1.1 one") {
    struct Case {
        const char* yaml;
        const char* pointer;
        const char* json;
    };
    const Case cases[] = {
        {"language: no", "/language", "\"no\""},
        {"language: 'no'", "/language", "\"no\""},
        {"tone: yes", "/tone", "\"yes\""},
        {"timezone: 2024", "/timezone", "\"2024\""},
        {"objective: 1e3", "/objective", "\"1e3\""},
        {"custom_prompt: 1.50", "/custom_prompt", "\"1.50\""},
        {"custom_prompt: 09:30", "/custom_prompt", "\"09:30\""},
        {"description: ~", "/description", "null"},
        {"description:", "/description", "null"},
        {"description: null", "/description", "null"},
        {"description: \"null\"", "/description", "\"null\""},
        {"description: |\n  first line\n  second line\n", "/description", "\"first line\\nsecond line\\n\""},
        {"appointment_scheduling_enabled: yes", "/appointment_scheduling_enabled", "true"},
        {"appointment_scheduling_enabled: NO", "/appointment_scheduling_enabled", "false"},
        {"appointment_scheduling_enabled: On", "/appointment_scheduling_enabled", "true"},
        {"appointment_scheduling_enabled: off", "/appointment_scheduling_enabled", "false"},
        {"appointment_scheduling_enabled:", "/appointment_scheduling_enabled", "null"},
        {"routing_rules: [{trigger_keyword: on, destination: 0101}]", "/routing_rules/0/trigger_keyword", "\"on\""},
        {"routing_rules: [{trigger_keyword: on, destination: 0101}]", "/routing_rules/0/destination", "\"0101\""},
        {"routing_rules: [{priority: +7}]", "/routing_rules/0/priority", "7"},
        {"routing_rules: [{phrases: [yes, 12, ~x]}]", "/routing_rules/0/phrases", "[\"yes\",\"12\",\"~x\"]"},
        {"settings: {voice: {interaction: {max_silence_prompts: 3}}}",
         "/settings/voice/interaction/max_silence_prompts", "3"},
        {"settings: {voice: {voice_advanced: {speed: 1}}}", "/settings/voice/voice_advanced/speed", "1"},
        {"settings: {voice: {voice_advanced: {speed: 0.95}}}", "/settings/voice/voice_advanced/speed", "9.5E-1"},
        {"settings: {voice: {voice_advanced: {style: -1}}}", "/settings/voice/voice_advanced/style", "-1"},
        {"settings: {text: {working_hours: {start: 9 AM, end: 17:30}}}", "/settings/text/working_hours/end",
         "\"17:30\""},
        // Free-form objects follow the YAML 1.2 core schema, but keep leading zeros.
        {"routing_rules: [{transfer_config: {a: yes, b: 10, c: 0101, d: true, e: 1.5, f: ~}}]",
         "/routing_rules/0/transfer_config", "{\"a\":\"yes\",\"b\":10,\"c\":\"0101\",\"d\":true,\"e\":1.5E0,\"f\":null}"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.yaml);
        auto r = load_text(std::string("name: Typed\n") + c.yaml + "\n");
        // `yes`, `NO`, `On`, `off` in a boolean field are read as booleans, with a warning each.
        CHECK(format_errors(r.diagnostics) == "");
        CHECK(r.diagnostics.size() == (std::string_view(c.json) == "true" || std::string_view(c.json) == "false" ? 1u : 0u));
        REQUIRE(r.state.agents.size() == 1);
        CHECK(at(r.state.agents[0].body, c.pointer) == c.json);
    }
}

TEST_CASE("loader: the scalars file loads with every field typed by the schema") {
    auto r = load_data_file("scalars.yaml");
    CHECK(format_all(r.diagnostics) ==
          "scalars.yaml:5:33: warning: `appointment_scheduling_enabled`: `yes` is a YAML 1.1 boolean: editors and "
          "YAML 1.2 tools read it as a string; write true\n"
          "scalars.yaml:6:34: warning: `appointment_scheduling_randomly`: `Off` is a YAML 1.1 boolean: editors and "
          "YAML 1.2 tools read it as a string; write false\n"
          "scalars.yaml:12:29: warning: `settings.voice.interaction.customer_speak_first`: `on` is a YAML 1.1 "
          "boolean: editors and YAML 1.2 tools read it as a string; write true\n"
          "scalars.yaml:41:16: warning: `routing_rules[0].is_active`: `YES` is a YAML 1.1 boolean: editors and "
          "YAML 1.2 tools read it as a string; write true\n");
    REQUIRE(r.state.agents.size() == 1);
    const auto& a = r.state.agents[0];
    CHECK(a.name == "Scalar Typing Agent");
    CHECK(at(a.body, "/name") == "\"  Scalar Typing Agent  \"");  // the body keeps what was written
    CHECK(at(a.body, "/language") == "\"no\"");
    CHECK(at(a.body, "/custom_prompt") == "\"1.50\"");
    CHECK(at(a.body, "/appointment_scheduling_enabled") == "true");
    CHECK(at(a.body, "/appointment_scheduling_randomly") == "false");
    // Integers stay integers, so the PATCH body shows 3 and not 3.0.
    CHECK(at(a.body, "/settings/voice/interaction") ==
          "{\"customer_speak_first\":true,\"max_silence_prompts\":3,\"silence_message\":null}");
    CHECK(at(a.body, "/settings/voice/interruption/advanced/min_endpointing_delay") == "1");
    CHECK(at(a.body, "/settings/voice/interruption/advanced/max_endpointing_delay") == "1.5E0");
    CHECK(at(a.body, "/settings/voice/voice_advanced/speaker_boost") == "true");
    CHECK(at(a.body, "/settings/voice/normalizers/inbound") ==
          "{\"yes\":\"no\",\"count\":\"0101\",\"ratio\":5E-1,\"flag\":true,\"quoted\":\"true\",\"nothing\":null}");
    CHECK(at(a.body, "/settings/text/working_hours/start") == "\"09:00\"");
    CHECK(at(a.body, "/routing_rules/0/trigger_keyword") == "\"on\"");
    CHECK(at(a.body, "/routing_rules/0/destination") == "\"0101\"");
    CHECK(at(a.body, "/routing_rules/0/is_active") == "true");
    CHECK(at(a.body, "/routing_rules/0/phrases") == "[\"yes\",\"no\",\"12\"]");
    CHECK(at(a.body, "/routing_rules/0/transfer_config/timeout") == "30");
}

TEST_CASE("loader: several documents per file, empty ones skipped, reconciler keys out of the body") {
    auto r = load_data_file("multi.yaml");
    CHECK(format_all(r.diagnostics) == "");
    REQUIRE(r.state.agents.size() == 3);
    const auto& first = r.state.agents[0];
    const auto& second = r.state.agents[1];
    const auto& third = r.state.agents[2];
    CHECK(first.name == "First Agent");
    CHECK(first.where.str() == "multi.yaml:3:1");
    CHECK_FALSE(first.uuid);
    CHECK_FALSE(first.call);

    CHECK(second.name == "Second Agent");
    CHECK(second.where.str() == "multi.yaml:8:1");
    REQUIRE(second.uuid);
    CHECK(*second.uuid == "11111111-2222-3333-4444-555555555555");
    REQUIRE(second.call);
    CHECK(second.call->phone_number == std::optional<std::string>("+390701234567"));
    CHECK_FALSE(second.call->phone_number_uuid);
    CHECK(second.call->where.str() == "multi.yaml:11:3");
    CHECK(json::serialize(second.body) == "{\"name\":\"Second Agent\"}");

    REQUIRE(third.call);
    CHECK(third.call->phone_number_uuid == std::optional<std::string>("pn-1"));
    CHECK_FALSE(third.call->phone_number);
}

TEST_CASE("loader: every error kind, with file:line:col and exact text") {
    const char* cases[] = {"malformed",    "malformed_indent", "unknown_field", "read_only",
                           "wrong_type",   "enum",             "missing_name",  "not_mapping",
                           "channels",     "yaml_features"};
    for (const char* name : cases) {
        CAPTURE(name);
        auto r = load_data_file(std::string("errors/") + name + ".yaml");
        CHECK(format_all(r.diagnostics) == slurp(kData / "errors" / (std::string(name) + ".expected")));
        CHECK(has_errors(r.diagnostics));
    }
}

TEST_CASE("loader: documents after an invalid one in the same file still load") {
    auto r = load_data_file("errors/not_mapping.yaml");
    REQUIRE(r.state.agents.size() == 1);
    CHECK(r.state.agents[0].name == "Valid After All");
}

TEST_CASE("loader: all errors of all files come out of one run, with repo-relative paths") {
    const fs::path root = kData / "all_errors";
    auto r = load_files(files_under(root / "agents"), root, Schema::agent(), options_with_env());
    CHECK(format_all(r.diagnostics) == slurp(root / "expected.txt"));
    CHECK(r.state.files == std::vector<std::string>{"agents/broken.yaml", "agents/reception.yaml",
                                                    "agents/sales.yaml", "agents/valid.yaml"});
}

TEST_CASE("loader: unknown field suggestions") {
    struct Case {
        const char* yaml;
        const char* message;
    };
    const Case cases[] = {
        {"nmae: X", "test.yaml:1:1: error: unknown field `nmae`; did you mean `name`?\n"
                    "test.yaml:1:1: error: missing required field `name`\n"},
        {"name: X\nsettings: {voice: {interaction: {inbound_first_mesage: hi}}}",
         "test.yaml:2:34: error: unknown field `settings.voice.interaction.inbound_first_mesage`; did you mean "
         "`inbound_first_message`?\n"},
        {"name: X\nguard_rules: [{when_condition: x, then_action: forward, selected_channel: [phone]}]",
         "test.yaml:2:57: error: unknown field `guard_rules[0].selected_channel`; did you mean "
         "`selected_channels`?\n"},
        {"name: X\ncompletely_different: 1", "test.yaml:2:1: error: unknown field `completely_different`\n"},
        // A read-only near-miss is not suggested.
        {"name: X\nagent_uid: x", "test.yaml:2:1: error: unknown field `agent_uid`\n"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.yaml);
        CHECK(format_all(load_text(c.yaml).diagnostics) == c.message);
    }
}

TEST_CASE("loader: locations of written keys, and location_of falls back to the nearest ancestor") {
    auto r = load_text(
        "# comment\n"
        "name: Located\n"
        "settings:\n"
        "  voice:\n"
        "    interaction:\n"
        "      max_silence_prompts: 3\n"
        "guidelines:\n"
        "  - content: Be brief.\n"
        "    order: 0\n");
    CHECK(format_all(r.diagnostics) == "");
    REQUIRE(r.state.agents.size() == 1);
    const auto& a = r.state.agents[0];
    CHECK(a.where.str() == "test.yaml:2:1");
    CHECK(a.location_of("").str() == "test.yaml:2:1");
    CHECK(a.location_of("/name").str() == "test.yaml:2:1");
    CHECK(a.location_of("/settings/voice/interaction/max_silence_prompts").str() == "test.yaml:6:7");
    CHECK(a.location_of("/guidelines").str() == "test.yaml:7:1");
    CHECK(a.location_of("/guidelines/0").str() == "test.yaml:8:5");
    CHECK(a.location_of("/guidelines/0/content").str() == "test.yaml:8:5");
    CHECK(a.location_of("/guidelines/0/order").str() == "test.yaml:9:5");
    // Not written: the nearest written ancestor.
    CHECK(a.location_of("/settings/voice/interaction/end_call_message").str() == "test.yaml:5:5");
    CHECK(a.location_of("/settings/text/advanced").str() == "test.yaml:3:1");
    CHECK(a.location_of("/tone").str() == "test.yaml:2:1");
}

TEST_CASE("loader: name is trimmed like the service trims it") {
    auto r = load_text("name: \"\\t Ops \\x0B\\0\\n\"\n");
    CHECK(format_all(r.diagnostics) == "");
    REQUIRE(r.state.agents.size() == 1);
    CHECK(r.state.agents[0].name == "Ops");
}

TEST_CASE("loader: duplicate names, pinned uuids and phone numbers across files") {
    const fs::path root = kData / "duplicates";
    auto r = load_files(files_under(root / "agents"), root, Schema::agent(), options_with_env());
    CHECK(format_all(r.diagnostics) == slurp(root / "expected.txt"));
}

TEST_CASE("loader: check_duplicates accepts one name pinned to two different uuids") {
    auto r = load_text(
        "name: Twin\nuuid: u-1\n---\nname: Twin\nuuid: u-2\n---\nname: Other\n---\nname: Another\n");
    check_duplicates(r);
    CHECK(format_all(r.diagnostics) == "");
    CHECK(r.state.agents.size() == 4);
}

TEST_CASE("loader: ${env:NAME} substitution records the template and the secret values") {
    auto r = load_text(
        "name: Env Agent\n"
        "custom_llm_url: https://${env:LLM_HOST}/v1\n"
        "settings:\n"
        "  text:\n"
        "    handover:\n"
        "      handover_message: \"Key ${env:API_KEY}-${env:API_KEY}${env:SUFFIX} and $${env:LITERAL}\"\n"
        "routing_rules:\n"
        "  - transfer_config:\n"
        "      headers: {Authorization: \"Bearer ${env:CRM_TOKEN}\"}\n"
        "notes:\n"
        "  - content: \"Costs $5, ${env: is not a reference without a name}?\"\n",
        options_with_env({{"LLM_HOST", "llm.internal"},
                          {"API_KEY", "k-123"},
                          {"SUFFIX", ""},
                          {"CRM_TOKEN", "crm-secret"}}));
    // The last note is not a valid reference: it is reported, never substituted.
    CHECK(format_all(r.diagnostics) ==
          "test.yaml:11:14: error: `notes[0].content`: malformed environment reference; write ${env:NAME} "
          "with NAME made of letters, digits and _ (or $${env: for the literal text)\n");
    REQUIRE(r.state.agents.size() == 1);
    const auto& a = r.state.agents[0];
    // The body keeps the templates; the values live only in the SecretRefs.
    CHECK(at(a.body, "/custom_llm_url") == "\"https://${env:LLM_HOST}/v1\"");
    CHECK(at(a.body, "/settings/text/handover/handover_message") ==
          "\"Key ${env:API_KEY}-${env:API_KEY}${env:SUFFIX} and $${env:LITERAL}\"");
    CHECK(at(a.body, "/routing_rules/0/transfer_config/headers/Authorization") == "\"Bearer ${env:CRM_TOKEN}\"");
    REQUIRE(a.secrets.size() == 3);
    CHECK(a.secrets[0].pointer == "/custom_llm_url");
    CHECK(a.secrets[0].template_text == "https://${env:LLM_HOST}/v1");
    CHECK(a.secrets[0].variables == std::vector<std::string>{"LLM_HOST"});
    CHECK(a.secrets[1].pointer == "/settings/text/handover/handover_message");
    CHECK(a.secrets[1].template_text == "Key ${env:API_KEY}-${env:API_KEY}${env:SUFFIX} and $${env:LITERAL}");
    CHECK(a.secrets[1].variables == std::vector<std::string>{"API_KEY", "SUFFIX"});
    REQUIRE(a.secrets[1].value.has_value());
    CHECK(a.secrets[1].value->reveal() == "Key k-123-k-123 and ${env:LITERAL}");
    CHECK(a.secrets[2].pointer == "/routing_rules/0/transfer_config/headers/Authorization");
    // Values for redaction, once each; an empty value redacts nothing and is left out.
    CHECK(r.state.secret_values ==
          std::vector<SecretValue>{SecretValue("llm.internal"), SecretValue("k-123"), SecretValue("crm-secret")});
}

TEST_CASE("loader: $${env:X} alone is a literal and records no secret") {
    auto r = load_text("name: Literal\ncustom_prompt: Write $${env:HOME} in the template.\n");
    CHECK(format_all(r.diagnostics) == "");
    REQUIRE(r.state.agents.size() == 1);
    CHECK(at(r.state.agents[0].body, "/custom_prompt") == "\"Write ${env:HOME} in the template.\"");
    CHECK(r.state.agents[0].secrets.empty());
    CHECK(r.state.secret_values.empty());
}

TEST_CASE("loader: an unset environment variable is an error, or a warning for validate") {
    const std::string yaml = "name: Unset\ncustom_prompt: \"token ${env:MISSING_TOKEN}\"\n";
    SUBCASE("error") {
        auto r = load_text(yaml);
        CHECK(format_all(r.diagnostics) ==
              "test.yaml:2:16: error: environment variable MISSING_TOKEN is not set (referenced by "
              "`custom_prompt`)\n");
    }
    SUBCASE("warning") {
        auto opts = options_with_env();
        opts.unset_env_is_error = false;
        auto r = load_text(yaml, opts);
        CHECK(format_all(r.diagnostics) ==
              "test.yaml:2:16: warning: environment variable MISSING_TOKEN is not set (referenced by "
              "`custom_prompt`)\n");
        CHECK_FALSE(has_errors(r.diagnostics));
        REQUIRE(r.state.agents.size() == 1);
        CHECK(at(r.state.agents[0].body, "/custom_prompt") == "\"token ${env:MISSING_TOKEN}\"");
        REQUIRE(r.state.agents[0].secrets.size() == 1);
        CHECK(r.state.agents[0].secrets[0].variables == std::vector<std::string>{"MISSING_TOKEN"});
    }
}

TEST_CASE("loader: secret values never appear in diagnostics") {
    auto r = load_text("name: Leak\nsettings:\n  voice:\n    interaction:\n      max_silence_prompts: ${env:N}\n"
                       "custom_prompt: ${env:TOKEN}\nstatus: ${env:TOKEN}\n",
                       options_with_env({{"N", "3"}, {"TOKEN", "hunter2"}}));
    auto text = format_all(r.diagnostics);
    CHECK(text.find("hunter2") == std::string::npos);
    CHECK(text ==
          "test.yaml:5:28: error: `settings.voice.interaction.max_silence_prompts`: expected integer, got string "
          "\"${env:N}\"\n"
          "test.yaml:7:9: error: `status`: \"${env:TOKEN}\" is not an allowed value; expected one of: pending, "
          "ready, in_progress, paused, completed\n");
}

TEST_CASE("loader: files over the size limit are refused before parsing") {
    SUBCASE("text") {
        LoadOptions o = options_with_env();
        o.max_file_bytes = 1024;
        std::string yaml = "name: Big\ncustom_prompt: " + std::string(2048, 'x') + "\n";
        auto r = load_text(yaml, o, "big.yaml");
        CHECK(format_all(r.diagnostics) == "big.yaml: error: file is 2 KiB, over the 1 KiB limit\n");
        CHECK(r.state.agents.empty());
    }
    SUBCASE("file on disk, never read") {
        fs::path dir = fs::temp_directory_path() / "reconcile_loader_size_test";
        fs::remove_all(dir);
        fs::create_directories(dir / "agents");
        fs::path big = dir / "agents" / "huge.yaml";
        { std::ofstream(big) << "name: Huge\n"; }
        fs::resize_file(big, 9u * 1024 * 1024);  // sparse: cheap to make
        auto r = load_files({big}, dir, Schema::agent(), options_with_env());
        CHECK(format_all(r.diagnostics) == "agents/huge.yaml: error: file is 9 MiB, over the 4 MiB limit\n");
        CHECK(r.state.files == std::vector<std::string>{"agents/huge.yaml"});
        fs::remove_all(dir);
    }
}

TEST_CASE("loader: nesting deeper than max_depth is refused") {
    SUBCASE("within the converter's limit") {
        std::string deep = "name: Deep\nsettings: {voice: {normalizers: {inbound: {x: " + std::string(70, '[') +
                           std::string(70, ']') + "}}}}\n";
        auto r = load_text(deep);
        CHECK(format_all(r.diagnostics) ==
              "test.yaml:2:107: error: `settings.voice.normalizers.inbound.x[0][0][0][0][0][0][0]...`: nesting "
              "deeper than 64 levels\n");
        CHECK(r.state.agents.empty());
    }
    SUBCASE("far deeper: refused at the limit, the rest skipped without recursion") {
        std::string deep = "name: Deep\nsettings: {voice: {normalizers: {inbound: {x: " + std::string(5000, '[') +
                           std::string(5000, ']') + "}}}}\n";
        auto r = load_text(deep);
        REQUIRE(r.diagnostics.size() == 1);
        CHECK(r.diagnostics[0].message.ends_with("nesting deeper than 64 levels"));
        CHECK(r.diagnostics[0].message.starts_with("`settings.voice.normalizers.inbound.x[0][0]"));
        CHECK(r.diagnostics[0].where.line == 2);
        CHECK(r.state.agents.empty());
    }
    SUBCASE("a smaller limit") {
        LoadOptions o = options_with_env();
        o.max_depth = 3;
        auto r = load_text("name: D\nsettings:\n  voice:\n    interaction:\n      max_silence_prompts: 3\n", o);
        CHECK(format_all(r.diagnostics) ==
              "test.yaml:5:7: error: `settings.voice.interaction.max_silence_prompts`: nesting deeper than 3 "
              "levels\n");
    }
}

TEST_CASE("loader: a billion-laughs document is refused quickly; the next document still loads") {
    auto start = std::chrono::steady_clock::now();
    auto r = load_data_file("limits/billion_laughs.yaml");
    auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(format_all(r.diagnostics) ==
          "billion_laughs.yaml:2:1: error: document expands to more than 1000000 nodes (YAML aliases?)\n");
    REQUIRE(r.state.agents.size() == 1);
    CHECK(r.state.agents[0].name == "Innocent Bystander");
    CHECK(elapsed < std::chrono::seconds(5));
}

TEST_CASE("loader: alias limits") {
    SUBCASE("a small max_nodes refuses an ordinary document") {
        LoadOptions o = options_with_env();
        o.max_nodes = 10;
        auto r = load_text("name: Many\nguidelines:\n  - {content: a, order: 0}\n  - {content: b, order: 1}\n", o);
        CHECK(format_all(r.diagnostics) ==
              "test.yaml:1:1: error: document expands to more than 10 nodes (YAML aliases?)\n");
    }
    SUBCASE("a node that names itself: the anchor is not defined until its node ends") {
        auto r = load_text("name: Loop\nsettings: {voice: {normalizers: {inbound: &a {x: [*a]}}}}\n");
        CHECK(format_all(r.diagnostics) ==
              "test.yaml:2:52: error: `settings.voice.normalizers.inbound.x[0]`: alias `*a` names no anchor "
              "written before it in this document\n");
    }
    SUBCASE("ordinary aliases are expanded") {
        auto r = load_text(
            "name: Shared\nguidelines:\n  - &rule {content: Be brief., order: 0}\nnotes:\n  - *rule\n");
        CHECK(format_all(r.diagnostics) == "");
        REQUIRE(r.state.agents.size() == 1);
        CHECK(at(r.state.agents[0].body, "/notes/0") == "{\"content\":\"Be brief.\",\"order\":0}");
    }
}

TEST_CASE("loader: a flood of errors in one file is cut short") {
    SUBCASE("within one document") {
        std::string yaml = "name: Flood\n";
        for (int i = 0; i < 300; ++i) yaml += "unknown_" + std::to_string(i) + ": 1\n";
        auto r = load_text(yaml);
        REQUIRE(r.diagnostics.size() == 201);
        CHECK(r.diagnostics.back().format() ==
              "test.yaml:202:1: error: too many errors; the rest of this file is not checked");
    }
    SUBCASE("across documents") {
        std::string yaml;
        for (int i = 0; i < 300; ++i) yaml += "--- just text\n";
        auto r = load_text(yaml);
        REQUIRE(r.diagnostics.size() == 201);
        CHECK(r.diagnostics.back().message == "too many errors; the rest of this file is not checked");
    }
}

TEST_CASE("loader: inputs digest covers file names and contents; files are repo-relative and sorted") {
    fs::path dir = fs::temp_directory_path() / "reconcile_loader_digest_test";
    fs::remove_all(dir);
    fs::create_directories(dir / "agents" / "b");
    auto write = [&](const fs::path& p, const std::string& text) { std::ofstream(dir / p, std::ios::binary) << text; };
    write("agents/b/two.yaml", "name: Two\n");
    write("agents/a.yaml", "name: One\n");
    std::vector<fs::path> files = {dir / "agents/b/two.yaml", dir / "agents/a.yaml", dir / "agents/a.yaml"};
    auto first = load_files(files, dir, Schema::agent(), options_with_env());
    CHECK(format_all(first.diagnostics) == "");
    CHECK(first.state.files == std::vector<std::string>{"agents/a.yaml", "agents/b/two.yaml"});
    REQUIRE(first.state.agents.size() == 2);
    CHECK(first.state.agents[0].where.str() == "agents/a.yaml:1:1");
    CHECK(first.state.inputs_digest.size() == 64);

    auto again = load_files(files, dir, Schema::agent(), options_with_env());
    CHECK(again.state.inputs_digest == first.state.inputs_digest);

    // A relative repository root with absolute file paths still gives repo-relative names.
    {
        auto cwd = fs::current_path();
        fs::current_path(dir.parent_path());
        auto rel_root = load_files(files, dir.filename(), Schema::agent(), options_with_env());
        fs::current_path(cwd);
        CHECK(rel_root.state.files == first.state.files);
        CHECK(rel_root.state.inputs_digest == first.state.inputs_digest);
    }

    write("agents/a.yaml", "name: One \n");
    auto changed = load_files(files, dir, Schema::agent(), options_with_env());
    CHECK(changed.state.inputs_digest != first.state.inputs_digest);

    write("agents/a.yaml", "name: One\n");
    fs::rename(dir / "agents/b/two.yaml", dir / "agents/b/three.yaml");
    auto renamed = load_files({dir / "agents/b/three.yaml", dir / "agents/a.yaml"}, dir, Schema::agent(),
                              options_with_env());
    CHECK(renamed.state.inputs_digest != first.state.inputs_digest);
    fs::remove_all(dir);
}

TEST_CASE("loader: the examples repository loads with zero diagnostics") {
    const fs::path root = fs::path(RECONCILE_SOURCE_DIR) / "examples";
    auto repo = discover_repository(root);
    CHECK(format_all(repo.diagnostics) == "");
    CHECK(repo.files.size() == 3);
    auto r = load_files(repo.files, root, Schema::agent(), options_with_env());
    CHECK(format_all(r.diagnostics) == "");
    CHECK(r.state.agents.size() == 3);
    for (const auto& a : r.state.agents) {
        CAPTURE(a.name);
        CHECK_FALSE(a.body.contains("uuid"));
        CHECK_FALSE(a.body.contains("channels"));
    }
}

TEST_CASE("loader: inputs that hung the previous YAML parser are refused as malformed, quickly") {
    // yaml-cpp 0.7 never returned on these (found by the fuzzer); libfyaml refuses them.
    for (std::string_view text : {std::string_view(",: &a"), std::string_view("# c\n  , a\n"),
                                  std::string_view("name: A\n---\n, b\n"), std::string_view("\xEF\xBB\xBF,: a"),
                                  std::string_view(" :\n,"), std::string_view("&x,"), std::string_view("'ha',")}) {
        CAPTURE(text);
        LoadOptions options;
        options.getenv = [](const std::string&) { return std::nullopt; };
        LoadResult out;
        load_yaml_text(text, "f.yaml", Schema::agent(), options, out);
        REQUIRE(has_errors(out.diagnostics));
        CHECK(out.diagnostics.back().message.starts_with("malformed YAML: "));
        CHECK(out.diagnostics.back().where.line >= 1);
    }
    // A ',' later in a flow sequence is ordinary YAML.
    LoadOptions options;
    options.getenv = [](const std::string&) { return std::nullopt; };
    LoadResult ok;
    load_yaml_text("name: A\nrouting_rules:\n  - phrases: [a\n      , b]\n", "f.yaml", Schema::agent(), options, ok);
    CHECK(ok.diagnostics.empty());
    // ... and so is one inside a block scalar or a quoted string that spans lines.
    LoadResult block;
    load_yaml_text("name: A\nobjective: |\n  first\n  , second\ntone: \"a\n  , b\"\n", "f.yaml", Schema::agent(),
                   options, block);
    CHECK(block.diagnostics.empty());
}

TEST_CASE("loader: control characters are refused with their position") {
    LoadOptions options;
    options.getenv = [](const std::string&) { return std::nullopt; };
    LoadResult out;
    load_yaml_text(std::string_view("name: A\ntone: x\x01y\n", 18), "f.yaml", Schema::agent(), options, out);
    REQUIRE(out.diagnostics.size() == 1);
    CHECK(out.diagnostics[0].format() ==
          "f.yaml:2:8: error: malformed YAML: control character U+0001 is not allowed (is this a text file?)");
    LoadResult nul;
    load_yaml_text(std::string_view("\0,:a", 4), "f.yaml", Schema::agent(), options, nul);
    REQUIRE(nul.diagnostics.size() == 1);
    CHECK(nul.diagnostics[0].where.line == 1);
}

TEST_CASE("loader: `ignore:` is a reconciler key; each path must name fields the schema has") {
    auto ok = load_text("name: A\nignore: [status, \"routing_rules[*].is_active\", settings.voice.voice_profile.voice_name]\n");
    CHECK(format_all(ok.diagnostics) == "");
    REQUIRE(ok.state.agents.size() == 1);
    CHECK(ok.state.agents[0].ignore_fields ==
          std::vector<std::string>{"status", "routing_rules[*].is_active", "settings.voice.voice_profile.voice_name"});
    CHECK_FALSE(ok.state.agents[0].body.contains("ignore"));

    auto bad = load_text("name: A\nignore:\n  - stauts\n  - \"tone[*]\"\n  - \"routing_rules[*].bogus\"\n  - a..b\n");
    CHECK(format_all(bad.diagnostics) ==
          "test.yaml:3:5: error: `ignore`: `stauts`: no field `stauts` here; did you mean `status`?\n"
          "test.yaml:4:5: error: `ignore`: `tone[*]`: a path names a field, not `[*]`\n"
          "test.yaml:5:5: error: `ignore`: `routing_rules[*].bogus`: no field `bogus` here\n"
          "test.yaml:6:5: error: `ignore`: `a..b`: an empty name before '.'\n");
}
