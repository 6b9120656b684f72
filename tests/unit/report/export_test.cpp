#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "plan_fixtures.hpp"
#include "reconcile/report/export.hpp"
#include "reconcile/config/loader.hpp"
#include "reconcile/engine/planner.hpp"
#include "reconcile/engine/validate.hpp"
#include "reconcile/config/repository.hpp"
#include "routes.hpp"

using namespace reconcile;
using namespace reconcile::testing;

namespace {

LoadOptions no_env() {
    LoadOptions o;
    o.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    return o;
}

// Loads one exported document; fails the test on any diagnostic.
DesiredAgent load_back(const std::string& yaml, const Schema& schema = Schema::agent()) {
    LoadResult r;
    load_yaml_text(yaml, "agents/exported.yaml", schema, no_env(), r);
    std::string messages;
    for (const auto& d : r.diagnostics) messages += d.format() + "\n";
    INFO(yaml);
    INFO(messages);
    REQUIRE(r.diagnostics.empty());
    REQUIRE(r.state.agents.size() == 1);
    return r.state.agents.front();
}

LiveAgent live_from(std::string_view body_json) {
    auto a = live_agent_from_json(parse_object(body_json));
    REQUIRE(a.has_value());
    return *a;
}

// Exports, loads back and plans against the same live state: there must be nothing to do.
void check_round_trip(const LiveAgent& agent, const std::vector<PhoneNumber>& numbers) {
    const Schema& schema = Schema::agent();
    const std::string yaml = export_agent_yaml(agent, numbers, schema);
    DesiredState desired;
    desired.agents.push_back(load_back(yaml, schema));
    LiveState live;
    live.agents.push_back(agent);
    live.phone_numbers = numbers;
    live.phone_numbers_loaded = true;
    auto result = make_plan(desired, live, schema);
    std::string messages;
    for (const auto& d : result.diagnostics) messages += d.format() + "\n";
    for (const auto& s : result.plan.steps)
        for (const auto& c : s.changes) messages += "change: " + c.path + " " + js(c.before) + " -> " + js(c.after) + "\n";
    INFO(yaml);
    INFO(messages);
    CHECK(result.diagnostics.empty());
    CHECK(result.plan.steps.empty());
    CHECK(result.plan.unchanged_agents.size() == 1);
}

// A live agent the way the service returns one: every field, defaults filled in, item uuids,
// floats where the YAML had integers, read-only fields, and one field the schema does not know.
constexpr std::string_view kRichAgent = R"({
  "agent_uuid": "a1b2c3d4-0000-4000-8000-000000000001",
  "name": "Volvo Cagliari Service Agent",
  "description": null,
  "company_name": "Volvo Cagliari",
  "role": "You are the service desk of Volvo Cagliari.\nYou book workshop appointments.",
  "objective": "Book a service appointment for the customer's vehicle.\n",
  "tone": "Warm: professional, never pushy.",
  "behavior_guidelines": "  Escalate legal complaints.\n\n  Never quote prices.\n",
  "company_service": "Sales: new & used # cars",
  "topic": " leading and trailing spaces ",
  "length_detail": "",
  "interest_of_product": "yes",
  "negative_response": "- stay calm",
  "status": "ready",
  "custom_prompt": "# Rules\n---\nkey: value\n\tTabbed line\nTrailing spaces   \n   \nLast line",
  "language": "no",
  "speed": "normal",
  "timezone": "Europe/Rome",
  "appointment_scheduling_enabled": true,
  "appointment_scheduling_randomly": false,
  "custom_llm_url": null,
  "recommendations": "Add more training rows.",
  "future_field": {"x": 1},
  "settings": {
    "voice": {
      "interaction": {
        "customer_speak_first": false,
        "inbound_first_message": "Hello! Volvo Cagliari service, how can I help?",
        "outbound_first_message": null,
        "max_silence_prompts": 3.0
      },
      "interruption": {
        "mode": "balanced",
        "advanced": {
          "allow_interruptions": true,
          "min_endpointing_delay": 0.5,
          "max_endpointing_delay": 6.0,
          "min_interruption_words": 2.0,
          "false_interruption_timeout": 1e-7
        }
      },
      "voice_profile": {"language": "it", "voice_uuid": "v-123", "voice_name": "Giulia"},
      "voice_advanced": {"stability": 0.75, "similarity": 1.0, "style": 0.1, "speed": 1.0, "speaker_boost": true},
      "call_behavior": {"audio_recording": true, "background_sound_volume": 0.3,
                        "max_call_duration_seconds": 900.0, "max_call_duration_message": "Time is up: goodbye."},
      "compliance": {"eu_gdpr_compliance": true, "hipaa_compliance": false},
      "normalizers": {
        "outbound": {"yes": "on", "n": 1.5, "codes": ["0101", 7, null, true], "nested": {"k: v": "#tag"}},
        "inbound": {}
      }
    },
    "text": {
      "daily_limits": {"daily_max_messages_per_conversation": 50.0, "daily_conversation_limit_exceeded_message": "See you tomorrow."},
      "timing_and_delay": {"base_delay": 2.0, "pause_before_reply": 0.25, "typing_speed_wpm_min": 40},
      "working_hours": {"enabled": true, "start": "9 AM", "end": "5 PM", "timezone": "Europe/Rome", "outside_hours_behavior": "Auto-reply"},
      "handover": {"enabled": false, "handover_timeout": 300.0, "fallback_agent": "Bot assistant"},
      "personality": {"emoji_usage": "None", "energy_level": "Friendly", "use_filler_words": false},
      "message_behavior": {"second_message_behavior": {"enabled": true, "chance": 0.2}, "follow_up_behavior": {"enabled": false}}
    },
    "memorize": {"enabled": true},
    "evaluation": {"criteria": []}
  },
  "guidelines": [
    {"uuid": "g-1", "content": "Always confirm the license plate.", "order": 0.0},
    {"uuid": "g-2", "content": "Offer the earliest slot first.", "order": 1}
  ],
  "notes": [
    {"uuid": "n-1", "content": "Standard service takes 60-90 minutes.\nWarranty work 2-4 hours.", "order": 0}
  ],
  "procedures": [
    {
      "uuid": "p-1",
      "name": "Book service appointment",
      "description": "When the customer wants a service.\n  Check the plate first.",
      "steps": [
        {"order": 1.0, "description": "Ask for the license plate.", "intent_uuid": null},
        {"order": 2, "description": "Offer slots: morning or afternoon?", "intent_uuid": "i-9"}
      ]
    }
  ],
  "training": [
    {"uuid": "t-1", "content": "What does the warranty cover?", "intent": "warranty_inquiry", "response": "4 years or 100,000 km."}
  ],
  "intents": [{"intent_uuid": "i-9", "key": "booking"}],
  "webhooks": [],
  "appointments": {
    "enabled": true,
    "random_assignment": false,
    "schedule_assignments": [
      {
        "uuid": "sa-1",
        "schedule_uuid": "s-1",
        "name": "Workshop",
        "slot_rules": {"offer_slots_from": "3_hours", "max_appointments_per_day": 8.0, "prefer_same_day": true},
        "questions": {"inherit_from_schedule": true, "custom_questions": [{"name": "License plate", "type": "text", "required": true}]},
        "approval": {"require_approval": false, "expected_response_time": "5_min"}
      }
    ]
  },
  "routing_rules": [
    {
      "uuid": "r-1",
      "detection_mode": "both",
      "trigger_keyword": "on",
      "department_name": "Sales Department",
      "phrases": ["I want to talk to sales", "  padded phrase", "null"],
      "ai_prompt": "Detect when the customer wants sales:\n- pricing\n- quotes",
      "destination_type": "extension",
      "destination": "0101",
      "transfer_type": "transfer_call",
      "transfer_config": {},
      "priority": 1.0,
      "is_active": true
    }
  ],
  "guard_rules": [
    {
      "uuid": "gr-1",
      "name": "Legal complaint escalation",
      "when_condition": "Customer mentions a lawyer.",
      "example_phrases": ["I'm calling my lawyer", " two\nlines"],
      "then_action": "forward",
      "selected_channels": ["phone", "whatsapp"],
      "say_before_forwarding": "One moment, please.",
      "destination": "+390700000000",
      "is_active": true,
      "is_default": false
    }
  ],
  "phone_numbers": [{"phone_number_uuid": "pn-1", "number": "+390701234567"}],
  "channels": [{}],
  "created_at": "2024-01-01T09:00:00Z",
  "updated_at": "2024-05-01T10:00:00Z"
})";

std::vector<PhoneNumber> rich_numbers() {
    return {phone("pn-1", "+39 070 1234567", "a1b2c3d4-0000-4000-8000-000000000001", "Volvo Cagliari Service Agent"),
            phone("pn-2", "+390709999999", "someone-else", "Other"), phone("pn-3", "+390708888888")};
}

// The loaded value of `field` after exporting an agent whose `field` is `text`.
std::string string_round_trip(const std::string& field, const std::string& text) {
    json::object body{{"agent_uuid", "u-1"}, {"name", "Quoting"}};
    body[field] = text;
    auto agent = live_agent_from_json(body);
    REQUIRE(agent);
    auto yaml = export_agent_yaml(*agent, {}, Schema::agent());
    auto loaded = load_back(yaml);
    INFO(yaml);
    auto* v = loaded.body.if_contains(field);
    REQUIRE(v);
    REQUIRE(v->is_string());
    return std::string(v->get_string());
}

// The simulated workspace, read the way the client reads it: every page of both listings.
LiveState read_workspace(mihu_sim::SimApi& sim) {
    auto get = [&](const std::string& target) {
        mihu_sim::HttpRequest req;
        req.method = "GET";
        req.target = target;
        req.headers.emplace_back("Authorization", "Bearer " + sim.token());
        auto res = sim.handle(req);
        REQUIRE(res.status == 200);
        return parse_json(res.body).at("data").as_object();
    };
    LiveState live;
    for (int page = 1;; ++page) {
        auto data = get("/api/v1/agents?per_page=100&page=" + std::to_string(page));
        for (const auto& item : data.at("items").as_array()) live.agents.push_back(*live_agent_from_json(item.as_object()));
        if (page >= data.at("pagination").at("last_page").to_number<int>()) break;
    }
    for (int page = 1;; ++page) {
        auto data = get("/api/v1/phone-numbers?per_page=100&page=" + std::to_string(page));
        for (const auto& item : data.at("items").as_array())
            live.phone_numbers.push_back(*phone_number_from_json(item.as_object()));
        if (page >= data.at("pagination").at("last_page").to_number<int>()) break;
    }
    live.phone_numbers_loaded = true;
    return live;
}

// Carries a plan out against the simulator, request by request (what apply does, minus the
// checks), so that the workspace holds what the service makes of the documents.
void carry_out(mihu_sim::SimApi& sim, const Plan& plan) {
    std::map<std::string, std::string> created;  // agent name -> new uuid
    for (const auto& step : plan.steps) {
        std::string path = step.request.path;
        if (auto at = path.find("{uuid}"); at != std::string::npos) path.replace(at, 6, created.at(step.agent_name));
        mihu_sim::HttpRequest req;
        req.method = step.request.method;
        req.target = "/api/v1" + path;
        req.headers.emplace_back("Authorization", "Bearer " + sim.token());
        req.headers.emplace_back("Content-Type", "application/json");
        if (!step.request.body.is_null()) req.body = json::serialize(step.request.body);
        auto res = sim.handle(req);
        INFO(req.method << " " << req.target << " -> " << res.body);
        REQUIRE(res.status / 100 == 2);
        if (step.action == ActionKind::Create)
            created[step.agent_name] = std::string(parse_json(res.body).at("data").at("agent_uuid").as_string());
    }
}

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Exports the whole workspace as files, loads them like a repository and plans: nothing to do.
void check_workspace_round_trip(const LiveState& live) {
    const Schema& schema = Schema::agent();
    auto files = plan_export_files(live.agents, live.phone_numbers, schema);
    REQUIRE(files.size() == live.agents.size());
    LoadResult loaded;
    for (const auto& f : files) {
        CAPTURE(f.path);
        CHECK(f.document.left_out.empty());
        load_yaml_text(f.document.yaml, f.path, schema, no_env(), loaded);
    }
    check_duplicates(loaded);
    std::string messages;
    for (const auto& d : loaded.diagnostics) messages += d.format() + "\n";
    INFO(messages);
    REQUIRE(loaded.diagnostics.empty());
    auto result = make_plan(loaded.state, live, schema);
    for (const auto& d : result.diagnostics) messages += d.format() + "\n";
    for (const auto& s : result.plan.steps) messages += std::string(to_string(s.action)) + " " + s.agent_name + "\n";
    CHECK(result.diagnostics.empty());
    CHECK(result.plan.steps.empty());
    CHECK(result.plan.unchanged_agents.size() == live.agents.size());
}

}  // namespace

TEST_SUITE("export") {

TEST_CASE("slugs are lower-case ASCII with single dashes") {
    CHECK(export_slug("Rich: Three / x") == "rich-three-x");
    CHECK(export_slug("Volvo Cagliari Service Agent") == "volvo-cagliari-service-agent");
    CHECK(export_slug("  --Hello__World--  ") == "hello-world");
    CHECK(export_slug("Agent #2 (beta)") == "agent-2-beta");
    CHECK(export_slug("") == "agent");
    CHECK(export_slug("---") == "agent");
    CHECK(export_slug("日本語") == "agent");
}

TEST_CASE("slugs: accented Latin letters keep their base letter, other non-ASCII is dropped") {
    CHECK(export_slug("Café Zürich") == "cafe-zurich");
    CHECK(export_slug("Straße") == "strasse");
    CHECK(export_slug("Łódź") == "lodz");
    CHECK(export_slug("Ærø × 2") == "aero-2");
    CHECK(export_slug("a日b") == "ab");
    CHECK(export_slug("Support 🚀 Bot") == "support-bot");
    CHECK(export_slug(std::string("bad\xFF\xFEutf8")) == "badutf8");
}

TEST_CASE("slugs are capped in length without a trailing dash") {
    std::string name;
    for (int i = 0; i < 30; ++i) name += "word ";
    auto s = export_slug(name);
    CHECK(s.size() <= 80);
    CHECK(s.back() != '-');
    CHECK(s.rfind("word-word-", 0) == 0);
}

TEST_CASE("file names are unique; collisions are numbered by age, whatever the listing order") {
    auto agent = [](std::string uuid, std::string name, std::string created) {
        auto a = live_agent(uuid, name);
        auto body = a.body();
        body["created_at"] = created;
        a.set_body(body);
        return a;
    };
    std::vector<LiveAgent> agents = {agent("b", "Support", "2024-01-02T00:00:00Z"),
                                     agent("c", "support", "2024-01-01T00:00:00Z"),
                                     agent("a", "Support 2", "2023-01-01T00:00:00Z"),
                                     agent("a2", "SUPPORT", "2024-01-01T00:00:00Z"),
                                     agent("z", "Billing", "2024-01-01T00:00:00Z")};
    auto names = [&](const std::vector<LiveAgent>& list) {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& f : plan_export_files(list, {}, test_schema())) out.emplace_back(f.path, f.agent_uuid);
        return out;
    };
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"agents/billing.yaml", "z"},   {"agents/support-2.yaml", "a"}, {"agents/support-3.yaml", "c"},
        {"agents/support-4.yaml", "b"}, {"agents/support.yaml", "a2"}};
    CHECK(names(agents) == expected);
    std::reverse(agents.begin(), agents.end());
    CHECK(names(agents) == expected);
    std::rotate(agents.begin(), agents.begin() + 2, agents.end());
    CHECK(names(agents) == expected);

    auto files = plan_export_files(agents, {}, test_schema(), "out/");
    CHECK(files.front().path == "out/billing.yaml");
    CHECK(files.front().document.yaml.find("name: Billing\n") != std::string::npos);
}

TEST_CASE("yaml_scalar: plain only when no reader could take it for anything else") {
    CHECK(yaml_scalar("Book a service appointment.") == "Book a service appointment.");
    CHECK(yaml_scalar("https://acme.mihu.ai/x?y=1") == "https://acme.mihu.ai/x?y=1");
    CHECK(yaml_scalar("it's fine, really") == "it's fine, really");
    CHECK(yaml_scalar("Caffè è buono") == "Caffè è buono");
    CHECK(yaml_scalar("9 AM") == "9 AM");
    CHECK(yaml_scalar("3_hours") == "3_hours");
    CHECK(yaml_scalar("4 years or 100,000 km.") == "4 years or 100,000 km.");
    CHECK(yaml_scalar("9d7c3b21-4e5f-4a6b-8c9d-0e1f2a3b4c5d") == "9d7c3b21-4e5f-4a6b-8c9d-0e1f2a3b4c5d");
    CHECK(yaml_scalar("1 E") == "1 E");
    for (std::string s : {"yes", "No", "ON", "off", "y", "n", "true", "False", "null", "~", "Null", "<<", "=", ".inf",
                          "-.inf", ".NaN", "0101", "1.5", "-3", "+39070", "1e3", "0x1F", "0o17", "1_000", "12:30",
                          "2024-01-01", "2001-12-14 21:59:43.10 -5", "2001-12-14t21:59:43Z", "0b101", "190:20:30",
                          "1E+5", "0xFF", ".5", "1.2.3", "-0b1_0", "1:20.5", "2024-1-2", "1_000.5e-3", ""}) {
        CAPTURE(s);
        CHECK(yaml_scalar(s).front() == '"');
    }
    for (std::string s : {" lead", "trail ", "a: b", "ends with colon:", "has # hash", "#comment", "- item", "? key",
                          ": x", "[list]", "{map}", "*alias", "&anchor", "!tag", "|block", ">folded", "'single",
                          "\"double", "%directive", "@at", "`tick", ",comma", "...", "--- doc"}) {
        CAPTURE(s);
        CHECK(yaml_scalar(s).front() == '"');
    }
    CHECK(yaml_scalar("say \"hi\"\\now") == "say \"hi\"\\now");
    CHECK(yaml_scalar("\"q\" \\ b") == R"("\"q\" \\ b")");
    CHECK(yaml_scalar("tab\there") == R"("tab\there")");
    CHECK(yaml_scalar(std::string("nul\0x", 5)) == R"("nul\0x")");
    CHECK(yaml_scalar("bell\x07") == R"("bell\x07")");
    CHECK(yaml_scalar("line\xE2\x80\xA8sep") == R"("line\u2028sep")");
    CHECK(yaml_scalar("\xEF\xBB\xBF" "bom") == R"("\uFEFFbom")");
}

TEST_CASE("yaml_scalar reads back as the same string with yaml-cpp") {
    const std::vector<std::string> samples = {
        "plain", "yes", "0101", "a: b", " lead", "trail ", "#", "\"", "\\", "tab\tx", std::string("z\0z", 3),
        "\x01\x1F\x7F", "emoji 🚀", "line\xE2\x80\xA8sep", "nel\xC2\x85x", "\xEF\xBB\xBF", "- x", "ends:", "", "~",
        "a\nb", "\r\n"};
    for (const auto& s : samples) {
        CAPTURE(s);
        auto node = YAML::Load("k: " + yaml_scalar(s));
        CHECK(node["k"].Scalar() == s);
    }
}

TEST_CASE("tricky strings come back exactly through the loader") {
    const std::vector<std::string> samples = {
        "yes", "no", "on", "off", "null", "~", "0101", "1.0", "-1", "+390701234567", "true", "a: b", "x #y", "#x",
        " lead", "trail ", "- dash", "* star", "& amp", "! bang", "% pct", "@ at", "` tick", "' q", "\" q", "[a]",
        "{a}", "|", ">", "? q", ": c", "...", "---", "\\back\\slash", "tab\tinside", "unicode ✓ café"};
    for (const auto& s : samples) {
        CAPTURE(s);
        CHECK(string_round_trip("objective", s) == s);
    }
    // Enum fields and the name go through the same spelling.
    CHECK(string_round_trip("name", "no") == "no");
    CHECK(string_round_trip("language", "no") == "no");
    CHECK(string_round_trip("language", "on") == "on");
}

TEST_CASE("multi-line strings are literal block scalars with the right chomping and indentation") {
    struct Case {
        std::string text;
        std::string header;
    };
    const std::vector<Case> cases = {
        {"line 1\nline 2", "objective: |-\n  line 1\n  line 2\n"},
        {"line 1\nline 2\n", "objective: |\n  line 1\n  line 2\n"},
        {"line 1\n\n\n", "objective: |+\n  line 1\n\n\n"},
        {"  indented first\nsecond", "objective: |2-\n    indented first\n  second\n"},
        {"\n\nafter blank lines", "objective: |-\n\n\n  after blank lines\n"},
        {"a\n\nb", "objective: |-\n  a\n\n  b\n"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        json::object body{{"agent_uuid", "u-1"}, {"name", "Block"}, {"objective", c.text}};
        auto yaml = export_agent_yaml(*live_agent_from_json(body), {}, Schema::agent());
        CHECK(yaml.find(c.header) != std::string::npos);
        CHECK(string_round_trip("objective", c.text) == c.text);
    }
    // Texts a block scalar cannot hold exactly are double-quoted instead.
    for (const std::string& text : std::vector<std::string>{"crlf\r\nline", std::string("nul\0\nx", 6), "bell\x07\nx"}) {
        CAPTURE(text);
        CHECK(string_round_trip("objective", text) == text);
    }
}

TEST_CASE("block scalars keep odd whitespace exactly") {
    const std::vector<std::string> samples = {
        "x\n   \ny",          "x\n  ",         "x\n  \n",        " \nx",         "   \n\nx",       "\tx\ny",
        "trailing   \nx",     "# not a comment\n--- not a document\n... not an end", "key: value\n- item",
        "a\n\tb\n",          "  both\n  ",   "a\n\n  b\n\n"};
    for (const auto& s : samples) {
        CAPTURE(s);
        CHECK(string_round_trip("objective", s) == s);
    }
    // Blank text is what the service stores as null, the field's default: not written.
    for (std::string_view blank : {"\n", "\n\n", " \t "}) {
        json::object body{{"agent_uuid", "u-1"}, {"name", "Blank"}, {"objective", blank}};
        CHECK(export_agent_yaml(*live_agent_from_json(body), {}, Schema::agent()).find("objective") == std::string::npos);
    }
}

TEST_CASE("numbers: whole floats as integers where the schema says integer, else shortest form") {
    auto agent = live_from(R"({"agent_uuid": "u-1", "name": "N", "settings": {
        "voice": {"interaction": {"max_silence_prompts": 4.0},
                  "voice_advanced": {"stability": 0.1, "similarity": 1.0, "style": 1e-7, "speed": 12345678901.5}},
        "text": {"timing_and_delay": {"typing_speed_wpm_min": 45, "base_delay": 2.0}}}})");
    auto yaml = export_agent_yaml(agent, {}, Schema::agent());
    CHECK(yaml.find("max_silence_prompts: 4\n") != std::string::npos);
    CHECK(yaml.find("stability: 0.1\n") != std::string::npos);
    CHECK(yaml.find("similarity: 1\n") != std::string::npos);
    CHECK(yaml.find("style: 1e-07\n") != std::string::npos);
    CHECK(yaml.find("speed: 12345678901.5\n") != std::string::npos);
    CHECK(yaml.find("typing_speed_wpm_min: 45\n") != std::string::npos);
    CHECK(yaml.find("base_delay: 2\n") != std::string::npos);
    auto loaded = load_back(yaml);
    CHECK(js(*find_pointer(json::value(loaded.body), "/settings/voice/interaction/max_silence_prompts")) == "4");
    CHECK(find_pointer(json::value(loaded.body), "/settings/voice/voice_advanced/style")->get_double() == 1e-7);
}

TEST_CASE("the document: header, pinned uuid, schema order, no read-only or unknown fields") {
    auto agent = live_from(kRichAgent);
    auto exported = export_agent(agent, rich_numbers(), Schema::agent());
    const auto& yaml = exported.yaml;
    INFO(yaml);
    CHECK(yaml.rfind("# yaml-language-server: $schema=../schemas/agent.schema.json\nuuid: "
                     "a1b2c3d4-0000-4000-8000-000000000001\nname: Volvo Cagliari Service Agent\n",
                     0) == 0);
    for (std::string_view gone : {"agent_uuid", "recommendations", "future_field", "memorize", "evaluation", "intents",
                                  "webhooks", "phone_numbers", "created_at", "updated_at", "g-1", "p-1", "sa-1", "r-1",
                                  "gr-1"})
        CHECK_MESSAGE(yaml.find(gone) == std::string::npos, gone);
    // The API's order: name before settings before guidelines before routing rules.
    CHECK(yaml.find("\nname:") < yaml.find("\nsettings:"));
    CHECK(yaml.find("\nsettings:") < yaml.find("\nguidelines:"));
    CHECK(yaml.find("\nguidelines:") < yaml.find("\nrouting_rules:"));
    CHECK(yaml.find("\nlanguage: \"no\"\n") != std::string::npos);
    CHECK(yaml.find("\n    destination: \"0101\"\n") != std::string::npos);
    // What equals the schema's default, or is null (blank) where it declares none, is not written:
    // description null, length_detail "", speed normal, transfer_config {}, an empty normalizer,
    // selected_channels other than the default are kept.
    for (std::string_view gone : {"\ndescription:", "\nlength_detail:", "\nspeed:", "  speed:", "transfer_config",
                                  "inbound:", "custom_llm_url:", "intent_uuid: null", "\nguidelines: []"})
        CHECK_MESSAGE(yaml.find(gone) == std::string::npos, gone);
    CHECK(yaml.find("\n    selected_channels:\n      - phone\n      - whatsapp\n") != std::string::npos);
    CHECK(yaml.find("\nwebhooks") == std::string::npos);
    CHECK(yaml.find("  - content: Always confirm the license plate.\n    order: 0\n") != std::string::npos);
    CHECK(yaml.find("\nchannels:\n  call:\n    phone_number: \"+390701234567\"\n") != std::string::npos);
    // The unknown field is reported, the read-only ones are not.
    REQUIRE(exported.left_out.size() == 1);
    CHECK(exported.left_out.front() == "future_field: not in the schema");
}

TEST_CASE("round trip: a rich live agent exports, loads with no diagnostics and plans no change") {
    check_round_trip(live_from(kRichAgent), rich_numbers());
}

TEST_CASE("round trip: a minimal agent, and one holding no number") {
    check_round_trip(live_from(R"({"agent_uuid": "u-9", "name": "Bare"})"), {});
    check_round_trip(live_from(R"({"agent_uuid": "u-9", "name": "  Padded name ", "settings": {}, "guidelines": []})"),
                     {phone("pn-1", "+390701234567", "other")});
}

TEST_CASE("values the loader would reject are left out and reported") {
    auto agent = live_from(R"({"agent_uuid": "u-1", "name": "Odd",
        "status": "archived",
        "language": 7,
        "settings": {"voice": {"interaction": {"max_silence_prompts": 2.5, "customer_speak_first": null}},
                     "text": {"personality": {"emoji_usage": "None", "mood": "sunny"}}},
        "guidelines": [{"uuid": "g", "content": "ok", "order": "first"}],
        "routing_rules": [{"uuid": "r", "priority": 1}, "not an object"]})");
    auto exported = export_agent(agent, {}, Schema::agent());
    std::vector<std::string> expected = {
        "status: live value \"archived\" is not one of the schema's values",
        "language: live value 7 is not string or null",
        "settings.voice.interaction.customer_speak_first: live value null is not boolean",
        "settings.voice.interaction.max_silence_prompts: live value 2.5 is not integer",
        "settings.text.personality.mood: not in the schema",
        "guidelines[0].order: live value \"first\" is not integer",
        "routing_rules: item [1]: live value \"not an object\" is not object; the list is left out"};
    CHECK(exported.left_out == expected);
    CHECK(exported.yaml.find("routing_rules") == std::string::npos);
    CHECK(exported.yaml.find("  - content: ok\n") != std::string::npos);
    check_round_trip(agent, {});
}

TEST_CASE("call channel: E.164 as the loader wants it, else the number's uuid; one number per document") {
    auto agent = live_agent("u-1", "Caller");
    auto yaml = export_agent_yaml(agent, {phone("pn-1", "+39 (070) 123-4567", "u-1")}, Schema::agent());
    CHECK(yaml.find("channels:\n  call:\n    phone_number: \"+390701234567\"\n") != std::string::npos);
    yaml = export_agent_yaml(agent, {phone("pn-7", "0701234567", "u-1")}, Schema::agent());
    CHECK(yaml.find("channels:\n  call:\n    phone_number_uuid: pn-7\n") != std::string::npos);
    check_round_trip(agent, {phone("pn-7", "0701234567", "u-1")});

    auto two = export_agent(agent, {phone("pn-1", "+390701111111", "u-1"), phone("pn-2", "+390702222222", "u-1")},
                            Schema::agent());
    CHECK(two.yaml.find("+390701111111") != std::string::npos);
    CHECK(two.yaml.find("+390702222222") == std::string::npos);
    REQUIRE(two.left_out.size() == 1);
    CHECK(two.left_out.front().find("+390702222222") != std::string::npos);
    // Unbound numbers and numbers of other agents are not this agent's channel.
    yaml = export_agent_yaml(agent, {phone("pn-1", "+390701234567"), phone("pn-2", "+390709999999", "u-2")},
                             Schema::agent());
    CHECK(yaml.find("channels") == std::string::npos);
}

TEST_CASE("nested lists and block scalars inside list items load back exactly") {
    auto agent = live_from(kRichAgent);
    auto loaded = load_back(export_agent_yaml(agent, rich_numbers(), Schema::agent()));
    const json::value body(loaded.body);
    CHECK(find_pointer(body, "/procedures/0/description")->get_string() ==
          "When the customer wants a service.\n  Check the plate first.");
    CHECK(find_pointer(body, "/guard_rules/0/example_phrases/1")->get_string() == " two\nlines");
    CHECK(find_pointer(body, "/routing_rules/0/phrases/1")->get_string() == "  padded phrase");
    CHECK(find_pointer(body, "/routing_rules/0/phrases/2")->get_string() == "null");
    CHECK(find_pointer(body, "/custom_prompt")->get_string() ==
          "# Rules\n---\nkey: value\n\tTabbed line\nTrailing spaces   \n   \nLast line");
    CHECK(js(*find_pointer(body, "/settings/voice/normalizers/outbound")) ==
          js(parse_json(R"({"yes":"on","n":1.5,"codes":["0101",7,null,true],"nested":{"k: v":"#tag"}})")));
    CHECK(js(*find_pointer(body, "/procedures/0/steps")) ==
          R"([{"order":1,"description":"Ask for the license plate."},{"order":2,"description":"Offer slots: morning or afternoon?","intent_uuid":"i-9"}])");
}

TEST_CASE("free-form values keep their types") {
    check_round_trip(live_from(R"({"agent_uuid": "u-1", "name": "Free", "settings": {"voice": {"normalizers": {
        "outbound": {"a": "true", "b": true, "c": "1", "d": 1, "e": "", "f": null, "g": [], "h": {},
                     "uuid": "kept in objects", "list": [{"uuid": "x", "v": 1}], "": "empty key", "- k": "~"}}}}})"),
                     {});
}

TEST_CASE("round trip through the simulator: the seeded workspace, then after applying the examples") {
    const std::filesystem::path examples = std::filesystem::path(RECONCILE_SOURCE_DIR) / "examples";
    mihu_sim::SimApi sim;
    REQUIRE(sim.load_seed(parse_json(read_text(examples / "seed.json"))).has_value());
    check_workspace_round_trip(read_workspace(sim));

    // Apply the example repository, so the workspace holds what the service made of it
    // (defaults filled in, floats, item uuids, trimmed strings), then export again.
    auto repo = discover_repository(examples);
    auto desired = load_files(repo.files, examples, Schema::agent(), no_env());
    REQUIRE(desired.diagnostics.empty());
    auto plan = make_plan(desired.state, read_workspace(sim), Schema::agent());
    REQUIRE(plan.diagnostics.empty());
    REQUIRE(plan.plan.has_changes());
    carry_out(sim, plan.plan);
    auto live = read_workspace(sim);
    REQUIRE(make_plan(desired.state, live, Schema::agent()).plan.steps.empty());
    check_workspace_round_trip(live);
}

// A document a person would write: 18 lines.
constexpr std::string_view kShortDocument = R"(name: Trattoria Da Gino Bookings
company_name: Trattoria Da Gino
role: Takes table bookings by phone for a family restaurant in Bologna.
objective: Book a table with the guest's name, party size, date and time.
tone: Friendly and brief.
behavior_guidelines: Never promise a table before checking the booking system.
language: it
timezone: Europe/Rome
settings:
  voice:
    interaction:
      inbound_first_message: Trattoria Da Gino. Buonasera!
      max_silence_prompts: 2
    voice_profile:
      language: it
guidelines:
  - content: Confirm the party size twice.
    order: 0
)";

TEST_CASE("an agent the service created from an 18-line document exports to those 18 lines") {
    mihu_sim::SimApi sim;
    LoadResult desired;
    load_yaml_text(kShortDocument, "agents/gino.yaml", Schema::agent(), no_env(), desired);
    REQUIRE(desired.diagnostics.empty());
    carry_out(sim, make_plan(desired.state, read_workspace(sim), Schema::agent()).plan);
    auto live = read_workspace(sim);
    REQUIRE(live.agents.size() == 1);
    // The service filled in every default (status, speed, both settings blocks, voice_advanced...).
    REQUIRE(live.agents[0].body().at("settings").at("text").as_object().size() > 5);

    auto exported = export_agent(live.agents[0], live.phone_numbers, Schema::agent());
    CHECK(exported.left_out.empty());
    CHECK(exported.yaml == "# yaml-language-server: $schema=../schemas/agent.schema.json\nuuid: " +
                               live.agents[0].uuid + "\n" + std::string(kShortDocument));
    // It loads, passes the constraint checks and plans nothing against the agent it came from.
    auto loaded = load_back(exported.yaml);
    CHECK(check_constraints(loaded, Schema::agent()).empty());
    check_round_trip(live.agents[0], live.phone_numbers);
}

TEST_CASE("undocumented fields are written only when they differ from the default") {
    auto with_voice_advanced = [](std::string_view voice_advanced) {
        json::object body{{"agent_uuid", "u-1"}, {"name", "Voice"}};
        body["settings"] = parse_json(R"({"voice": {"voice_advanced": )" + std::string(voice_advanced) + "}}");
        return *live_agent_from_json(body);
    };
    // The values the service fills in (the schema's defaults): nothing to write.
    auto filled = with_voice_advanced(R"({"stability": 0.5, "similarity": 0.75, "style": 0, "speed": 1.0,
                                          "speaker_boost": true})");
    auto yaml = export_agent_yaml(filled, {}, Schema::agent());
    CHECK(yaml.find("settings") == std::string::npos);
    check_round_trip(filled, {});
    // One changed value: only that one.
    auto tuned = with_voice_advanced(R"({"stability": 0.9, "similarity": 0.75, "style": 0, "speed": 1,
                                         "speaker_boost": true})");
    yaml = export_agent_yaml(tuned, {}, Schema::agent());
    CHECK(yaml.find("settings:\n  voice:\n    voice_advanced:\n      stability: 0.9\n") != std::string::npos);
    CHECK(yaml.find("similarity") == std::string::npos);
    check_round_trip(tuned, {});
    // Without a declared default (interruption.advanced), a value the service holds is written.
    json::object body{{"agent_uuid", "u-1"}, {"name", "Voice"}};
    body["settings"] = parse_json(R"({"voice": {"interruption": {"mode": "balanced", "advanced": {"allow_interruptions": false}}}})");
    yaml = export_agent_yaml(*live_agent_from_json(body), {}, Schema::agent());
    CHECK(yaml.find("    interruption:\n      advanced:\n        allow_interruptions: false\n") != std::string::npos);
    CHECK(yaml.find("mode") == std::string::npos);
}

TEST_CASE("without a schema path there is no header line") {
    ExportOptions o;
    o.schema_path.clear();
    auto yaml = export_agent(live_agent("u-1", "A"), {}, test_schema(), o).yaml;
    CHECK(yaml.rfind("uuid: u-1\nname: A\n", 0) == 0);
}

}  // TEST_SUITE
