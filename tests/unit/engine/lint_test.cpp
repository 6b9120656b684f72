#include <doctest/doctest.h>

#include <filesystem>

#include "reconcile/config/loader.hpp"
#include "reconcile/config/repository.hpp"
#include "reconcile/engine/lint.hpp"

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

using Lines = std::vector<std::string>;

// A document with everything the API asks for, to which each case adds one mistake.
constexpr std::string_view kComplete = R"(name: Complete
role: Receptionist.
objective: Book visits.
tone: Calm.
behavior_guidelines: Never give medical advice.
language: en
settings:
  voice:
    voice_profile:
      language: en
)";

Lines lint_text(std::string_view yaml) {
    LoadOptions options;
    options.getenv = [](const std::string& name) -> std::optional<std::string> {
        if (name == "VOICE_LANGUAGE") return "de";
        return std::nullopt;
    };
    LoadResult r;
    load_yaml_text(yaml, "agents/a.yaml", Schema::agent(), options, r);
    std::string messages;
    for (const auto& d : r.diagnostics) messages += d.format() + "\n";
    INFO(messages);
    REQUIRE(r.diagnostics.empty());
    Lines out;
    for (const auto& d : lint(r.state)) {
        CHECK(d.severity == Severity::Warning);
        out.push_back(d.format());
    }
    return out;
}

Lines lint_complete_plus(std::string_view extra) { return lint_text(std::string(kComplete) + std::string(extra)); }

}  // namespace

TEST_SUITE("lint") {

TEST_CASE("a complete agent raises nothing") { CHECK(lint_text(kComplete).empty()); }

TEST_CASE("hollow agents: missing prompt fields and no settings block") {
    CHECK(lint_text("name: Bare\n") ==
          Lines{"agents/a.yaml:1:1: warning: agent \"Bare\" has no `role`, `objective`, `tone`, `behavior_guidelines`, "
                "`language`; no `settings.voice` or `settings.text` block (hollow agents respond generically; the API "
                "asks for at least role, objective, tone, behavior_guidelines, language and the channel's settings "
                "block)"});
    // Blank text is stored as null: it counts as missing. A text block is enough.
    CHECK(lint_text("name: T\nrole: \" \"\nobjective: o\ntone: t\nbehavior_guidelines: b\nlanguage: no\n"
                    "settings: {text: {}}\n") ==
          Lines{"agents/a.yaml:1:1: warning: agent \"T\" has no `role` (hollow agents respond generically; the API asks "
                "for at least role, objective, tone, behavior_guidelines, language and the channel's settings block)"});
}

TEST_CASE("language differs from the voice's") {
    auto found = lint_text(R"(name: L
role: r
objective: o
tone: t
behavior_guidelines: b
language: en
settings: {voice: {voice_profile: {language: it}}}
)");
    CHECK(found == Lines{"agents/a.yaml:7:36: warning: `settings.voice.voice_profile.language` is \"it\" but `language` "
                         "is \"en\" (the agent's language drives speech recognition and replies; the API asks for the "
                         "voice's to match)"});
    // A regional voice of the same language matches; a value from the environment is never compared.
    CHECK(lint_text("name: L\nrole: r\nobjective: o\ntone: t\nbehavior_guidelines: b\nlanguage: en\n"
                    "settings: {voice: {voice_profile: {language: en-GB}}}\n").empty());
    CHECK(lint_text("name: L\nrole: r\nobjective: o\ntone: t\nbehavior_guidelines: b\nlanguage: en\n"
                    "settings: {voice: {voice_profile: {language: \"${env:VOICE_LANGUAGE}\"}}}\n").empty());
}

TEST_CASE("routing rules: the detection mode's inputs, a destination, distinct priorities") {
    CHECK(lint_complete_plus(R"(routing_rules:
  - detection_mode: intent
    trigger_keyword: sales
    destination_type: extension
    destination: "101"
    priority: 1
  - detection_mode: exact
    ai_prompt: The caller asks for billing.
    destination: "102"
    priority: 2
  - detection_mode: both
    destination_agent_uuid: 3c90c3cc-0d44-4b50-8888-8dd25736052a
    priority: 1
  - detection_mode: exact
    trigger_keyword: support
)") == Lines{
        "agents/a.yaml:12:5: warning: `routing_rules[0]`: detection_mode intent needs `ai_prompt` (without it intent "
        "detection has nothing to act on and the rule never fires)",
        "agents/a.yaml:17:5: warning: `routing_rules[1]`: detection_mode exact needs `trigger_keyword` (exact matching "
        "has no keyword to match)",
        "agents/a.yaml:21:5: warning: `routing_rules[2]`: detection_mode both needs `ai_prompt` (without it intent "
        "detection has nothing to act on and the rule never fires)",
        "agents/a.yaml:21:5: warning: `routing_rules[2]`: detection_mode both needs `trigger_keyword` (exact matching "
        "has no keyword to match)",
        "agents/a.yaml:23:5: warning: `routing_rules[2]`: priority 1 is also the priority of "
        "`routing_rules[0]` (rules are evaluated by priority; between equal ones the order is undefined)",
        "agents/a.yaml:24:5: warning: `routing_rules[3]` has no `destination` or `destination_agent_uuid` (a routing "
        "rule transfers the call; with nowhere to send it the transfer fails)"});
}

TEST_CASE("guard rules: forwarding needs a destination, ending needs words") {
    CHECK(lint_complete_plus(R"(guard_rules:
  - when_condition: lawyer
    then_action: forward
    destination: "200"
  - when_condition: manager
    then_action: forward
    destination_type: agent
    destination: "201"
  - when_condition: abuse
    then_action: end_conversation
  - when_condition: fine
    then_action: forward
    destination_type: agent
    destination_agent_uuid: 3c90c3cc-0d44-4b50-8888-8dd25736052a
  - when_condition: fine too
    then_action: end_conversation
    say_before_end: Goodbye.
)") == Lines{
        "agents/a.yaml:13:5: warning: `guard_rules[0]` forwards but has no destination: give `destination_type` and "
        "`destination`, or `destination_type: agent` and `destination_agent_uuid` (the API needs them to forward; "
        "without them the guard fires and goes nowhere)",
        "agents/a.yaml:16:5: warning: `guard_rules[1]` forwards but has no destination: give `destination_type` and "
        "`destination`, or `destination_type: agent` and `destination_agent_uuid` (the API needs them to forward; "
        "without them the guard fires and goes nowhere)",
        "agents/a.yaml:20:5: warning: `guard_rules[2]` ends the conversation with no `say_before_end` (the customer is "
        "cut off without a word)"});
}

TEST_CASE("a minimum above its maximum") {
    CHECK(lint_complete_plus(R"(  text:
    timing_and_delay:
      typing_speed_wpm_min: 80
      typing_speed_wpm_max: 60
      delay_jitter_min: 0.1
      delay_jitter_max: 1.5
    message_behavior:
      follow_up_behavior:
        delay_min: 48
        delay_max: 24
)") == Lines{
        "agents/a.yaml:13:7: warning: `settings.text.timing_and_delay.typing_speed_wpm_min` (80) is above "
        "`typing_speed_wpm_max` (60) (a minimum above its maximum leaves no value between them)",
        "agents/a.yaml:19:9: warning: `settings.text.message_behavior.follow_up_behavior.delay_min` (48) is above "
        "`delay_max` (24) (a minimum above its maximum leaves no value between them)"});
}

TEST_CASE("schedule assignments while the master switch is off are inert") {
    CHECK(lint_complete_plus(R"(appointment_scheduling_enabled: false
appointments:
  schedule_assignments:
    - schedule_uuid: 3c90c3cc-0d44-4b50-8888-8dd25736052a
)") == Lines{"agents/a.yaml:11:1: warning: `appointment_scheduling_enabled` is false but "
             "`appointments.schedule_assignments` lists 1 assignment(s) (the API: when the master switch is false, all "
             "schedule assignments are inert)"});
    CHECK(lint_complete_plus("appointment_scheduling_enabled: false\nappointments: {schedule_assignments: []}\n").empty());
}

TEST_CASE("the shipped examples raise no lint warning at all") {
    const auto examples = std::filesystem::path(RECONCILE_SOURCE_DIR) / "examples";
    auto repo = discover_repository(examples);
    REQUIRE(repo.files.size() >= 3);
    LoadOptions options;
    options.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    auto loaded = load_files(repo.files, examples, Schema::agent(), options);
    REQUIRE(loaded.diagnostics.empty());
    std::string messages;
    for (const auto& d : lint(loaded.state)) messages += d.format() + "\n";
    CHECK_MESSAGE(messages.empty(), messages);
}

}  // TEST_SUITE
