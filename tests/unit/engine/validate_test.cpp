#include <doctest/doctest.h>

#include "reconcile/config/loader.hpp"
#include "reconcile/engine/validate.hpp"

#include <filesystem>
#include <map>

using namespace reconcile;

// Failed comparisons of message lists print every line.
template <>
struct doctest::StringMaker<std::vector<std::string>> {
    static doctest::String convert(const std::vector<std::string>& lines) {
        std::string out;
        for (const auto& l : lines) out += "\n  " + l;
        return out.c_str();
    }
};

namespace {

// Loads one document (which must load without errors) and runs the constraint pass on it.
std::vector<std::string> constraints(std::string_view yaml,
                                     std::map<std::string, std::string> env = {}) {
    LoadOptions options;
    options.getenv = [env](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    LoadResult r;
    load_yaml_text(yaml, "agents/a.yaml", Schema::agent(), options, r);
    std::string loader_messages;
    for (const auto& d : r.diagnostics) loader_messages += d.format() + "\n";
    INFO(loader_messages);
    REQUIRE(r.diagnostics.empty());
    REQUIRE(r.state.agents.size() == 1);
    std::vector<std::string> out;
    for (const auto& d : check_constraints(r.state, Schema::agent())) out.push_back(d.format());
    return out;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_SUITE("constraints") {

TEST_CASE("numbers out of range name the allowed range") {
    CHECK(constraints(R"(name: A
settings:
  voice:
    interaction:
      max_silence_prompts: -1
  text:
    timing_and_delay:
      typing_speed_wpm_min: 0
      base_delay: -0.5
    message_behavior:
      second_message_behavior:
        chance: 1.5
    confidence_controls:
      min_confidence_threshold: 0.7
)") == Lines{
        "agents/a.yaml:5:7: error: `settings.voice.interaction.max_silence_prompts`: -1 is out of range; expected an integer >= 0",
        "agents/a.yaml:8:7: error: `settings.text.timing_and_delay.typing_speed_wpm_min`: 0 is out of range; expected an integer > 0",
        "agents/a.yaml:9:7: error: `settings.text.timing_and_delay.base_delay`: -0.5 is out of range; expected a number >= 0",
        "agents/a.yaml:12:9: error: `settings.text.message_behavior.second_message_behavior.chance`: 1.5 is out of range; expected a number from 0 to 1"});
}

TEST_CASE("bounds inside list items are checked with the item's location") {
    CHECK(constraints(R"(name: A
guidelines:
  - content: ok
    order: 0
  - content: also ok
    order: -2
)") == Lines{"agents/a.yaml:6:5: error: `guidelines[1].order`: -2 is out of range; expected an integer >= 0"});
}

TEST_CASE("language must be an ISO 639-1 code and time zones IANA names") {
    CHECK(constraints("name: A\nlanguage: english\n") ==
          Lines{"agents/a.yaml:2:1: error: `language`: \"english\" is not an ISO 639-1 language code; expected an ISO "
                "639-1 code such as en, it, de"});
    CHECK(constraints("name: A\nlanguage: EN\n") ==
          Lines{"agents/a.yaml:2:1: error: `language`: \"EN\" is not an ISO 639-1 language code (did you mean en?); "
                "expected an ISO 639-1 code such as en, it, de"});
    CHECK(constraints("name: A\nlanguage: xx\n").size() == 1);
    CHECK(constraints("name: A\nlanguage: no\nsettings: {voice: {voice_profile: {language: it}}}\n").empty());
    CHECK(constraints("name: A\nlanguage: null\n").empty());
    CHECK(constraints("name: A\ntimezone: Europe/Roma\n") ==
          Lines{"agents/a.yaml:2:1: error: `timezone`: \"Europe/Roma\" is not an IANA time zone name; expected a name "
                "such as Europe/Rome, America/New_York or UTC"});
    CHECK(constraints("name: A\ntimezone: europe/rome\n") ==
          Lines{"agents/a.yaml:2:1: error: `timezone`: \"europe/rome\" is not an IANA time zone name (did you mean "
                "Europe/Rome?); expected a name such as Europe/Rome, America/New_York or UTC"});
    CHECK(constraints("name: A\nsettings:\n  text:\n    working_hours:\n      timezone: Mars/Olympus\n") ==
          Lines{"agents/a.yaml:5:7: error: `settings.text.working_hours.timezone`: \"Mars/Olympus\" is not an IANA "
                "time zone name; expected a name such as Europe/Rome, America/New_York or UTC"});
    CHECK(constraints("name: A\ntimezone: US/Eastern\nsettings: {text: {working_hours: {timezone: UTC}}}\n").empty());
}

TEST_CASE("empty required texts: an empty guideline, a blank guard condition") {
    CHECK(constraints("name: A\nguidelines:\n  - content: \"\"\n    order: 0\n") ==
          Lines{"agents/a.yaml:3:5: error: `guidelines[0].content` is empty; expected at least one character"});
}

TEST_CASE("undocumented fields warn once, at the outermost one") {
    CHECK(constraints(R"(name: A
settings:
  voice:
    voice_advanced:
      stability: 0.9
      speed: 1.1
    interruption:
      mode: advance
      advanced:
        allow_interruptions: true
    call_behavior:
      noise_cancellation: true
      audio_recording: true
appointments:
  schedule_assignments:
    - schedule_uuid: s-1
      priority: primary
)") == Lines{
        "agents/a.yaml:4:5: warning: `settings.voice.voice_advanced` is not in the documented PATCH body; the service "
        "may ignore it (other API pages mention it)",
        "agents/a.yaml:9:7: warning: `settings.voice.interruption.advanced` is not in the documented PATCH body; the "
        "service may ignore it (other API pages mention it)",
        "agents/a.yaml:12:7: warning: `settings.voice.call_behavior.noise_cancellation` is not in the documented PATCH "
        "body; the service may ignore it (other API pages mention it)",
        "agents/a.yaml:17:7: warning: `appointments.schedule_assignments[0].priority` is not in the documented PATCH "
        "body; the service may ignore it (other API pages mention it)"});
    // Inside an undocumented block the bounds are still checked.
    auto found = constraints("name: A\nsettings: {voice: {voice_advanced: {stability: 2}}}\n");
    REQUIRE(found.size() == 2);
    CHECK(found[1].find("error: `settings.voice.voice_advanced.stability`: 2 is out of range; expected a number from 0 "
                        "to 1") != std::string::npos);
}

TEST_CASE("the shipped examples pass every constraint with no warning") {
    for (const char* file : {"agents/volvo-cagliari-service.yaml", "agents/clinic-appointments.yaml",
                             "agents/text/fjellrev-whatsapp-support.yaml"}) {
        CAPTURE(file);
        LoadOptions options;
        options.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
        auto loaded = load_files({std::filesystem::path(RECONCILE_SOURCE_DIR) / "examples" / file},
                                 std::filesystem::path(RECONCILE_SOURCE_DIR) / "examples", Schema::agent(), options);
        REQUIRE(loaded.diagnostics.empty());
        REQUIRE(loaded.state.agents.size() == 1);
        CHECK(check_constraints(loaded.state, Schema::agent()).empty());
    }
}

// A small schema for the keywords the agent schema uses only outside the body.
constexpr std::string_view kPatternSchema = R"({"type": "object", "properties": {
    "code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]+$", "examples": ["ABC-12"]},
    "short": {"type": "string", "maxLength": 3},
    "long": {"type": "string", "minLength": 4}}})";

DesiredAgent agent_with(json::object body) {
    DesiredAgent a;
    a.name = std::string("A");  // (assigning the literal trips a false -Wrestrict in GCC 12)
    a.body = std::move(body);
    a.where = SourceLocation{"agents/a.yaml", 1, 1};
    a.locations["/code"] = SourceLocation{"agents/a.yaml", 2, 1};
    a.locations["/short"] = SourceLocation{"agents/a.yaml", 3, 1};
    a.locations["/long"] = SourceLocation{"agents/a.yaml", 4, 1};
    return a;
}

TEST_CASE("patterns and lengths name the expected form; lengths count characters, not bytes") {
    auto schema = Schema::parse(kPatternSchema);
    REQUIRE(schema);
    auto messages = [&](const DesiredAgent& a) {
        Lines out;
        for (const auto& d : check_constraints(a, *schema)) out.push_back(d.format());
        return out;
    };
    CHECK(messages(agent_with({{"code", "abc-12"}, {"short", "éèà"}, {"long", "abcd"}})) ==
          Lines{"agents/a.yaml:2:1: error: `code`: \"abc-12\" does not have the expected form ^[A-Z]{3}-[0-9]+$, "
                "e.g. \"ABC-12\""});
    CHECK(messages(agent_with({{"code", "ABC-1"}, {"short", "abcd"}, {"long", "abc"}})) ==
          Lines{"agents/a.yaml:3:1: error: `short` has 4 characters; expected at most 3",
                "agents/a.yaml:4:1: error: `long`: \"abc\" has 3 characters; expected at least 4"});
}

TEST_CASE("a string holding an ${env:} template is not checked and its value never shown") {
    auto schema = Schema::parse(kPatternSchema);
    REQUIRE(schema);
    auto a = agent_with({{"code", "${env:CODE}"}, {"short", "${env:SHORT}"}});
    a.secrets.push_back(SecretRef{"/code", "${env:CODE}", {"CODE"}, SecretValue("not-a-code")});
    a.secrets.push_back(SecretRef{"/short", "${env:SHORT}", {"SHORT"}, SecretValue("far too long")});
    CHECK(check_constraints(a, *schema).empty());
    // Through the loader too: a secret language code is left to the service.
    CHECK(constraints("name: A\nlanguage: ${env:LANG_CODE}\n", {{"LANG_CODE", "english"}}).empty());
}

}  // TEST_SUITE
