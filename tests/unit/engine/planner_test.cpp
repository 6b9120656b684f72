#include <doctest/doctest.h>

#include "plan_fixtures.hpp"
#include "reconcile/engine/planner.hpp"
#include "reconcile/engine/fingerprint.hpp"
#include "reconcile/report/plan_json.hpp"

using namespace reconcile;
using namespace reconcile::testing;

namespace {

std::string all_messages(const Diagnostics& diags) {
    std::string out;
    for (const auto& d : diags) out += d.format() + "\n";
    return out;
}

CallBinding call_number(std::string number, std::string file = "agents.yaml", int line = 9) {
    CallBinding c;
    c.phone_number = std::move(number);
    c.where = SourceLocation{std::move(file), line, 3};
    return c;
}

LiveState live_with(std::vector<LiveAgent> agents, std::vector<PhoneNumber> numbers = {}) {
    LiveState s;
    s.agents = std::move(agents);
    s.phone_numbers = std::move(numbers);
    s.phone_numbers_loaded = true;
    return s;
}

}  // namespace

TEST_SUITE("planner") {

TEST_CASE("a document matches the live agent with the same (trimmed) name") {
    DesiredState desired;
    desired.agents.push_back(desired_agent("Sales", R"({"name": "Sales", "tone": "Warm"})", "sales.yaml", 1));
    desired.inputs_digest = "abc";
    auto live = live_with({live_agent("u-other", "Support", R"({"tone": "Cold"})"),
                           live_agent("u-sales", "  Sales ", R"({"tone": "Cold"})", "2024-06-01T00:00:00Z")});
    auto r = make_plan(desired, live, test_schema());
    CHECK(r.diagnostics.empty());
    REQUIRE(r.plan.steps.size() == 1);
    const auto& s = r.plan.steps[0];
    CHECK(s.action == ActionKind::Update);
    CHECK(s.agent_name == "Sales");
    CHECK(s.agent_uuid == "u-sales");
    CHECK(s.request.method == "PATCH");
    CHECK(s.request.path == "/agents/u-sales");
    // The live name " Sales " trims to the desired one: only the tone changes.
    CHECK(js(s.request.body) == R"({"name":"Sales","tone":"Warm"})");
    REQUIRE(s.changes.size() == 1);
    CHECK(s.changes[0].path == "tone");
    CHECK(s.source.str() == "sales.yaml:1:1");
    CHECK(s.precondition.updated_at == "2024-06-01T00:00:00Z");
    CHECK(s.precondition.agent_fingerprint == agent_fingerprint(live.agents[1].body(), test_schema()));
    CHECK(s.precondition.agent_fingerprint.size() == 64);
    CHECK_FALSE(s.precondition.name_absent);
    CHECK(r.plan.inputs_digest == "abc");
}

TEST_CASE("a pinned uuid matches that agent even under another name (a rename)") {
    DesiredState desired;
    auto d = desired_agent("New Name", R"({"name": "New Name"})");
    d.uuid = "u-2";
    desired.agents.push_back(d);
    auto live = live_with({live_agent("u-1", "New Name"), live_agent("u-2", "Old Name")});
    auto r = make_plan(desired, live, test_schema());
    CHECK(r.diagnostics.empty());
    REQUIRE(r.plan.steps.size() == 1);
    CHECK(r.plan.steps[0].agent_uuid == "u-2");
    CHECK(js(r.plan.steps[0].request.body) == R"({"name":"New Name"})");
}

TEST_CASE("two live agents with the document's name: an error asking to pin one") {
    DesiredState desired;
    desired.agents.push_back(desired_agent("Sales", R"({"name": "Sales"})", "sales.yaml", 4));
    desired.agents.push_back(desired_agent("Other", R"({"name": "Other"})", "other.yaml", 1));
    auto live = live_with({live_agent("u-a", "Sales"), live_agent("u-b", "Sales ")});
    auto r = make_plan(desired, live, test_schema());
    REQUIRE(r.diagnostics.size() == 1);
    const auto& diag = r.diagnostics[0];
    CHECK(diag.severity == Severity::Error);
    CHECK(diag.where.file == "sales.yaml");
    CHECK(diag.where.line == 4);
    CHECK(diag.message.find("u-a") != std::string::npos);
    CHECK(diag.message.find("u-b") != std::string::npos);
    CHECK(diag.message.find("pin one with `uuid:`") != std::string::npos);
    // Planning went on: the other document is a create; nothing for "Sales".
    REQUIRE(r.plan.steps.size() == 1);
    CHECK(r.plan.steps[0].action == ActionKind::Create);
    CHECK(r.plan.steps[0].agent_name == "Other");
}

TEST_CASE("a pinned uuid that is not live is an error at the uuid key") {
    DesiredState desired;
    auto d = desired_agent("Sales", R"({"name": "Sales"})", "sales.yaml", 1);
    d.uuid = "u-missing";
    d.locations["/uuid"] = SourceLocation{"sales.yaml", 2, 7};
    desired.agents.push_back(d);
    auto r = make_plan(desired, live_with({live_agent("u-1", "Sales")}), test_schema());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].where.str() == "sales.yaml:2:7");
    CHECK(r.diagnostics[0].message.find("pinned uuid u-missing is not in the workspace") != std::string::npos);
    CHECK(r.plan.steps.empty());
    CHECK(r.plan.unchanged_agents.empty());
}

TEST_CASE("every error is collected in one run") {
    DesiredState desired;
    auto pinned = desired_agent("A", R"({"name": "A"})", "a.yaml", 1);
    pinned.uuid = "nope";
    desired.agents.push_back(pinned);
    desired.agents.push_back(desired_agent("Dup", R"({"name": "Dup"})", "dup.yaml", 1));
    auto c = desired_agent("C", R"({"name": "C"})", "c.yaml", 1);
    c.call = call_number("+390700000000", "c.yaml", 5);
    desired.agents.push_back(c);
    auto r = make_plan(desired, live_with({live_agent("d1", "Dup"), live_agent("d2", "Dup")}), test_schema());
    CHECK(r.diagnostics.size() == 3);
    CHECK(has_errors(r.diagnostics));
}

TEST_CASE("a new agent: create with the whole body, then provision with the {uuid} placeholder") {
    DesiredState desired;
    auto d = desired_agent("Support", R"({"name": "Support", "objective": "Help.\nKindly.\n",
                                          "guidelines": [{"content": "Be nice", "order": 0}],
                                          "settings": {"voice": {"interaction": {"max_silence_prompts": 2}}}})",
                           "support.yaml", 1);
    d.call = call_number("+390701234567", "support.yaml", 12);
    desired.agents.push_back(d);
    auto live = live_with({live_agent("u-x", "Someone else")},
                          {phone("pn-1", "+390701234567"), phone("pn-2", "+390709999999", "u-x", "Someone else")});
    auto r = make_plan(desired, live, test_schema());
    CHECK(all_messages(r.diagnostics) == "");
    REQUIRE(r.plan.steps.size() == 2);

    const auto& create = r.plan.steps[0];
    CHECK(create.action == ActionKind::Create);
    CHECK(create.agent_uuid.empty());
    CHECK(create.request.method == "POST");
    CHECK(create.request.path == "/agents");
    CHECK(js(create.request.body) == js(json::value(d.body)));
    CHECK(create.precondition.name_absent);
    CHECK(create.precondition.agent_fingerprint.empty());
    CHECK(create.notes.empty());
    // The fields it sets, leaf by leaf.
    REQUIRE(create.changes.size() == 4);
    CHECK(create.changes[0].path == "name");
    CHECK(create.changes[1].path == "objective");
    CHECK(js(create.changes[1].after) == "\"Help.\\nKindly.\"");
    CHECK(create.changes[2].path == "guidelines");
    CHECK(create.changes[2].collection);
    CHECK(create.changes[3].path == "settings.voice.interaction.max_silence_prompts");

    const auto& prov = r.plan.steps[1];
    CHECK(prov.action == ActionKind::ProvisionCall);
    CHECK(prov.agent_name == "Support");
    CHECK(prov.agent_uuid.empty());
    CHECK(prov.request.method == "POST");
    CHECK(prov.request.path == "/agents/{uuid}/channels/call/provision");
    CHECK(js(prov.request.body) == R"({"phone_number_uuid":"pn-1"})");
    CHECK(prov.precondition.phone_number_uuid == "pn-1");
    CHECK(prov.precondition.bound_agent_uuid.empty());
    CHECK(prov.phone_number == "+390701234567");
    CHECK(prov.source.str() == "support.yaml:12:3");
    auto counts = r.plan.counts();
    CHECK(counts.create == 1);
    CHECK(counts.update == 0);
    CHECK(counts.provision == 1);
}

TEST_CASE("a create body never carries read-only fields or item uuids") {
    DesiredState desired;
    desired.agents.push_back(desired_agent(
        "N", R"({"name": "N", "recommendations": "x", "guidelines": [{"uuid": "g", "content": "c"}]})"));
    auto r = make_plan(desired, live_with({}), test_schema());
    REQUIRE(r.plan.steps.size() == 1);
    CHECK(js(r.plan.steps[0].request.body) == R"({"name":"N","guidelines":[{"content":"c"}]})");
}

TEST_CASE("an existing agent: update then provision on its uuid; steps follow document order") {
    DesiredState desired;
    auto a = desired_agent("A", R"({"name": "A", "tone": "new"})", "a.yaml", 1);
    a.call = call_number("+390700000001", "a.yaml", 3);
    auto b = desired_agent("B", R"({"name": "B"})", "b.yaml", 1);
    b.call = CallBinding{std::nullopt, std::string("pn-2"), SourceLocation{"b.yaml", 4, 3}};
    desired.agents.push_back(a);
    desired.agents.push_back(b);
    auto live = live_with({live_agent("u-b", "B"), live_agent("u-a", "A", R"({"tone": "old"})")},
                          {phone("pn-1", "+390700000001"), phone("pn-2", "+390700000002")});
    auto r = make_plan(desired, live, test_schema());
    CHECK(all_messages(r.diagnostics) == "");
    REQUIRE(r.plan.steps.size() == 3);
    CHECK(r.plan.steps[0].action == ActionKind::Update);
    CHECK(r.plan.steps[0].agent_name == "A");
    CHECK(r.plan.steps[1].action == ActionKind::ProvisionCall);
    CHECK(r.plan.steps[1].request.path == "/agents/u-a/channels/call/provision");
    CHECK(r.plan.steps[1].agent_uuid == "u-a");
    CHECK(r.plan.steps[2].action == ActionKind::ProvisionCall);
    CHECK(r.plan.steps[2].request.path == "/agents/u-b/channels/call/provision");
    CHECK(js(r.plan.steps[2].request.body) == R"({"phone_number_uuid":"pn-2"})");
    CHECK(r.plan.steps[2].phone_number == "+390700000002");
    // B's own fields are unchanged.
    CHECK(r.plan.unchanged_agents == std::vector<std::string>{"B"});
}

TEST_CASE("a binding that already holds is never provisioned again") {
    DesiredState desired;
    auto a = desired_agent("A", R"({"name": "A"})");
    a.call = call_number("+390700000001");
    desired.agents.push_back(a);
    auto r = make_plan(desired, live_with({live_agent("u-a", "A")}, {phone("pn-1", "+390700000001", "u-a", "A")}),
                       test_schema());
    CHECK(r.diagnostics.empty());
    CHECK(r.plan.steps.empty());
    CHECK_FALSE(r.plan.has_changes());
    CHECK(r.plan.unchanged_agents == std::vector<std::string>{"A"});
}

TEST_CASE("a number bound to another agent is an error naming the holder") {
    DesiredState desired;
    auto a = desired_agent("A", R"({"name": "A"})", "a.yaml", 1);
    a.call = call_number("+390700000001", "a.yaml", 6);
    desired.agents.push_back(a);
    auto r = make_plan(desired,
                       live_with({live_agent("u-a", "A"), live_agent("u-h", "Holder")},
                                 {phone("pn-1", "+390700000001", "u-h", "Holder")}),
                       test_schema());
    REQUIRE(r.diagnostics.size() == 1);
    const auto& diag = r.diagnostics[0];
    CHECK(diag.where.str() == "a.yaml:6:3");
    CHECK(diag.message.find("\"Holder\"") != std::string::npos);
    CHECK(diag.message.find("u-h") != std::string::npos);
    CHECK(diag.message.find("+390700000001") != std::string::npos);
    CHECK(r.plan.steps.empty());
}

TEST_CASE("a new agent asking for a number another agent holds is an error too") {
    DesiredState desired;
    auto a = desired_agent("New", R"({"name": "New"})", "new.yaml", 1);
    a.call = call_number("+390700000001", "new.yaml", 6);
    desired.agents.push_back(a);
    auto r = make_plan(desired, live_with({}, {phone("pn-1", "+390700000001", "u-h", "Holder")}), test_schema());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message.find("u-h") != std::string::npos);
    // The create itself is still planned; only the provisioning is refused.
    REQUIRE(r.plan.steps.size() == 1);
    CHECK(r.plan.steps[0].action == ActionKind::Create);
}

TEST_CASE("a number that is not in the workspace is an error at the channels key") {
    DesiredState desired;
    auto a = desired_agent("A", R"({"name": "A"})", "a.yaml", 1);
    a.call = call_number("+390799999999", "a.yaml", 8);
    desired.agents.push_back(a);
    auto r = make_plan(desired, live_with({live_agent("u-a", "A")}, {phone("pn-1", "+390700000001")}), test_schema());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].where.str() == "a.yaml:8:3");
    CHECK(r.diagnostics[0].message.find("+390799999999 is not in the workspace") != std::string::npos);
    CHECK(r.plan.steps.empty());
}

TEST_CASE("phone numbers not read from the workspace: a call channel cannot be planned") {
    DesiredState desired;
    auto a = desired_agent("A", R"({"name": "A"})");
    a.call = call_number("+390700000001");
    desired.agents.push_back(a);
    LiveState live;
    live.agents.push_back(live_agent("u-a", "A"));
    auto r = make_plan(desired, live, test_schema());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.plan.steps.empty());
}

TEST_CASE("a live agent pinned by one document cannot be matched by name from another") {
    DesiredState desired;
    desired.agents.push_back(desired_agent("Old", R"({"name": "Old"})", "old.yaml", 1));
    auto p = desired_agent("Renamed", R"({"name": "Renamed"})", "renamed.yaml", 1);
    p.uuid = "u-1";
    desired.agents.push_back(p);
    auto r = make_plan(desired, live_with({live_agent("u-1", "Old")}), test_schema());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].where.file == "old.yaml");
    CHECK(r.diagnostics[0].message.find("renamed.yaml:1") != std::string::npos);
    // The pinned document still gets its update.
    REQUIRE(r.plan.steps.size() == 1);
    CHECK(r.plan.steps[0].agent_uuid == "u-1");
}

TEST_CASE("one desired agent among 250 live ones") {
    std::vector<LiveAgent> agents;
    for (int i = 0; i < 250; ++i)
        agents.push_back(live_agent("uuid-" + std::to_string(i), "Agent " + std::to_string(i),
                                    R"({"tone": "t", "guidelines": [{"uuid": "g", "content": "c", "order": 0}]})"));
    DesiredState desired;
    desired.agents.push_back(desired_agent("Agent 137", R"({"name": "Agent 137", "tone": "changed",
                                                             "guidelines": [{"content": "c"}]})"));
    auto r = make_plan(desired, live_with(std::move(agents)), test_schema());
    CHECK(r.diagnostics.empty());
    REQUIRE(r.plan.steps.size() == 1);
    CHECK(r.plan.steps[0].agent_uuid == "uuid-137");
    CHECK(js(r.plan.steps[0].request.body) == R"({"name":"Agent 137","tone":"changed"})");
    // Live agents no document mentions are not managed: no deletes, nothing "unchanged".
    CHECK(r.plan.unchanged_agents.empty());
    CHECK(r.plan.counts().remove == 0);
}

TEST_CASE("an update that sends a collection carries the note") {
    DesiredState desired;
    desired.agents.push_back(desired_agent("A", R"({"guidelines": [{"content": "x"}]})"));
    auto r = make_plan(desired, live_with({live_agent("u-a", "A", R"({"guidelines": []})")}), test_schema());
    REQUIRE(r.plan.steps.size() == 1);
    REQUIRE(r.plan.steps[0].notes.size() == 1);
    CHECK(r.plan.steps[0].notes[0].starts_with("guidelines is sent whole: the API replaces the collection"));
}

TEST_CASE("secrets: changes and bodies carry templates, the plan a keyed fingerprint of the value") {
    DesiredState desired;
    auto d = desired_agent("A", R"({"name": "A", "description": "token ${env:TOKEN}",
                                    "guidelines": [{"content": "${env:TOKEN}"}, {"content": "new"}]})");
    d.secrets.push_back(SecretRef{"/description", "token ${env:TOKEN}", {"TOKEN"}, SecretValue("token s3cr3t-new")});
    d.secrets.push_back(SecretRef{"/guidelines/0/content", "${env:TOKEN}", {"TOKEN"}, SecretValue("s3cr3t-old")});
    desired.agents.push_back(d);
    // Live holds the old values at both places.
    auto live = live_with({live_agent("u-a", "A", R"({"description": "token s3cr3t-old",
                                                      "guidelines": [{"content": "s3cr3t-old"}]})")});
    auto r = make_plan(desired, live, test_schema(), PlanOptions{"key-1"});
    REQUIRE(r.plan.steps.size() == 1);
    const auto& step = r.plan.steps[0];
    REQUIRE(step.changes.size() == 2);
    CHECK(js(step.changes[0].before) == R"x("token ${env:TOKEN} (old value)")x");
    CHECK(js(step.changes[0].after) == R"x("token ${env:TOKEN} (changed)")x");
    // Inside a replaced list: the unchanged secret shows as unchanged on both sides.
    CHECK(js(step.changes[1].before) == R"x([{"content":"${env:TOKEN} (unchanged)"}])x");
    CHECK(js(step.changes[1].after) == R"x([{"content":"${env:TOKEN} (unchanged)"},{"content":"new"}])x");
    CHECK(js(step.request.body) ==
          R"({"name":"A","description":"token ${env:TOKEN}","guidelines":[{"content":"${env:TOKEN}"},{"content":"new"}]})");
    REQUIRE(step.secrets.size() == 2);
    CHECK(step.secrets[0].pointer == "/description");
    CHECK(step.secrets[0].fingerprint.size() == 64);
    CHECK(step.secrets[0].fingerprint != step.secrets[1].fingerprint);
    const auto everything = js(plan_to_json(r.plan));
    CHECK(everything.find("s3cr3t") == std::string::npos);

    // An unchanged secret is no change at all.
    DesiredState same;
    auto s = desired_agent("A", R"({"name": "A", "description": "token ${env:TOKEN}"})");
    s.secrets.push_back(SecretRef{"/description", "token ${env:TOKEN}", {"TOKEN"}, SecretValue("token s3cr3t-old")});
    same.agents.push_back(s);
    CHECK(make_plan(same, live, test_schema(), PlanOptions{"key-1"}).plan.steps.empty());
}

TEST_CASE("agent_fingerprint: normalized, key order, read-only fields and item uuids do not count") {
    const auto& schema = test_schema();
    auto base = parse_object(R"({"agent_uuid": "u", "name": "A", "tone": "x", "description": null,
                                  "settings": {"text": {"timing_and_delay": {"base_delay": 1}}},
                                  "guidelines": [{"uuid": "g-1", "content": "c"}], "updated_at": "t1"})");
    auto same = parse_object(R"({"updated_at": "t2", "guidelines": [{"content": "c ", "uuid": "g-9"}],
                                  "settings": {"text": {"timing_and_delay": {"base_delay": 1.0}}},
                                  "tone": "x", "name": "A", "agent_uuid": "u", "intents": [{"k": 1}],
                                  "channels": [{"call": true}]})");
    auto other = parse_object(R"({"agent_uuid": "u", "name": "A", "tone": "y",
                                   "settings": {"text": {"timing_and_delay": {"base_delay": 1}}},
                                   "guidelines": [{"uuid": "g-1", "content": "c"}], "updated_at": "t1"})");
    CHECK(agent_fingerprint(base, schema) == agent_fingerprint(same, schema));
    CHECK(agent_fingerprint(base, schema) != agent_fingerprint(other, schema));
}

TEST_CASE("plan JSON round trip") {
    DesiredState desired;
    auto a = desired_agent("New", R"({"name": "New", "objective": "a\nb",
                                      "guidelines": [{"content": "c", "order": 0}]})",
                           "new.yaml", 3);
    a.call = call_number("+390701234567", "new.yaml", 9);
    desired.agents.push_back(a);
    desired.agents.push_back(desired_agent("Old", R"({"name": "Old", "tone": 5})", "old.yaml", 1));
    desired.agents.push_back(desired_agent("Same", R"({"name": "Same"})", "same.yaml", 1));
    auto live = live_with({live_agent("u-old", "Old", R"({"tone": 4.5})"), live_agent("u-same", "Same")},
                          {phone("pn-1", "+390701234567")});
    auto r = make_plan(desired, live, test_schema());
    REQUIRE(r.diagnostics.empty());
    r.plan.api_url = "https://acme.mihu.ai/api/v1";
    auto doc = plan_to_json(r.plan);

    const auto& o = doc.get_object();
    CHECK(o.at("format_version").as_int64() == 2);
    CHECK(js(o.at("summary")) == R"({"create":1,"update":1,"provision_call":1,"delete":0})");
    CHECK(js(o.at("unchanged")) == R"(["Same"])");
    const auto& step0 = o.at("steps").as_array()[0].as_object();
    CHECK(step0.at("action").as_string() == "create");
    CHECK(js(step0.at("agent")) == R"({"name":"New","uuid":null})");
    CHECK(step0.at("source").as_string() == "new.yaml:3");
    CHECK(js(step0.at("precondition")) == R"({"name_absent":true})");
    const auto& step2 = o.at("steps").as_array()[2].as_object();
    CHECK(step2.at("action").as_string() == "update");
    CHECK(step2.at("precondition").as_object().at("agent_fingerprint").as_string().size() == 64);

    // Through text, as a saved plan travels.
    auto back = plan_from_json(json::parse(to_pretty_json(doc)));
    REQUIRE_MESSAGE(back.has_value(), (back ? std::string() : back.error()));
    CHECK(js(plan_to_json(*back)) == js(doc));
    const auto& p = *back;
    CHECK(p.api_url == "https://acme.mihu.ai/api/v1");
    REQUIRE(p.steps.size() == 3);
    CHECK(p.steps[0].source.file == "new.yaml");
    CHECK(p.steps[0].source.line == 3);
    CHECK(p.steps[1].action == ActionKind::ProvisionCall);
    CHECK(p.steps[1].precondition.phone_number_uuid == "pn-1");
    CHECK(p.steps[1].phone_number == "+390701234567");
    CHECK(p.steps[1].request.path == "/agents/{uuid}/channels/call/provision");
    CHECK(p.steps[2].agent_uuid == "u-old");
    CHECK(p.steps[2].precondition.agent_fingerprint == r.plan.steps[2].precondition.agent_fingerprint);
    CHECK(p.steps[2].precondition.updated_at == r.plan.steps[2].precondition.updated_at);
    CHECK(p.steps[2].request.body.at("tone").is_int64());
    CHECK(p.unchanged_agents == r.plan.unchanged_agents);
}

TEST_CASE("plan_from_json refuses other format versions and malformed plans clearly") {
    auto v1 = plan_from_json(parse_json(R"({"format_version": 1, "api_url": "", "inputs_digest": "", "steps": []})"));
    REQUIRE_FALSE(v1.has_value());
    CHECK(v1.error().find("format_version 1 is not supported") != std::string::npos);
    auto none = plan_from_json(parse_json(R"({"steps": []})"));
    REQUIRE_FALSE(none.has_value());
    CHECK(none.error().find("format_version") != std::string::npos);
    constexpr std::string_view kEmpty = R"({"format_version": 2, "api_url": "u", "inputs_digest": "d", "steps": [],
        "unchanged": [], "summary": {"create": 0, "update": 0, "provision_call": 0, "delete": 0}})";
    auto empty = plan_from_json(parse_json(kEmpty));
    REQUIRE(empty.has_value());
    CHECK_FALSE(empty->has_changes());
    auto with = [&](std::string_view key, std::string_view value) {
        auto doc = parse_json(kEmpty);
        doc.as_object()[key] = parse_json(value);
        return plan_from_json(doc);
    };
    auto bad_action = with("steps", R"([{"action": "explode"}])");
    REQUIRE_FALSE(bad_action.has_value());
    CHECK(bad_action.error().find("steps[0]") != std::string::npos);
    auto bad_summary = with("summary", R"({"create": 1, "update": 0, "provision_call": 0, "delete": 0})");
    REQUIRE_FALSE(bad_summary.has_value());
    CHECK(bad_summary.error().find("summary.create") != std::string::npos);
    auto extra = with("extra", "1");
    REQUIRE_FALSE(extra.has_value());
    CHECK(extra.error() == "plan: unknown key \"extra\"");
}

TEST_CASE("plan_from_json refuses a step whose request is not what its action sends") {
    auto plan = [](std::string_view method, std::string_view path, std::string_view body = "{\"name\": \"A\"}") {
        std::string doc = R"({"format_version": 2, "api_url": "u", "inputs_digest": "d", "unchanged": [],
            "summary": {"create": 0, "update": 1, "provision_call": 0, "delete": 0},
            "steps": [{"action": "update", "agent": {"name": "A", "uuid": "u-1"}, "source": "a.yaml:1",
                       "request": {"method": ")" + std::string(method) + R"(", "path": ")" + std::string(path) +
                          R"(", "body": )" + std::string(body) + R"(},
                       "changes": [], "notes": [], "precondition": {"agent_fingerprint": "f", "updated_at": "t"}}]})";
        return plan_from_json(parse_json(doc));
    };
    CHECK(plan("PATCH", "/agents/u-1").has_value());
    auto other_agent = plan("PATCH", "/agents/u-2");
    REQUIRE_FALSE(other_agent.has_value());
    CHECK(other_agent.error() ==
          "plan steps[0].request: PATCH /agents/u-2 is not what a update step sends (PATCH /agents/u-1)");
    CHECK_FALSE(plan("DELETE", "/agents/u-1").has_value());
    CHECK_FALSE(plan("PATCH", "/agents/u-1/../u-2").has_value());
    CHECK_FALSE(plan("PATCH", "/agents/u-1", "[]").has_value());
}

TEST_CASE("a plan document's MAC: only the token's holder can make one, any edit breaks it") {
    DesiredState desired;
    desired.agents.push_back(desired_agent("New", R"({"name": "New"})"));
    auto r = make_plan(desired, live_with({}), test_schema());
    json::value doc = plan_to_json(r.plan);
    sign_plan_document(doc.as_object(), "token-a");
    CHECK(plan_document_signed_by(doc.as_object(), "token-a"));
    CHECK_FALSE(plan_document_signed_by(doc.as_object(), "token-b"));
    json::value edited = doc;
    edited.as_object()["steps"].as_array()[0].as_object()["request"].as_object()["body"].as_object()["name"] = "Evil";
    CHECK_FALSE(plan_document_signed_by(edited.as_object(), "token-a"));
    json::value unsigned_doc = plan_to_json(r.plan);
    CHECK_FALSE(plan_document_signed_by(unsigned_doc.as_object(), "token-a"));
    // Key order does not matter: the MAC covers the canonical form.
    json::object reordered;
    const auto& o = doc.as_object();
    for (auto it = o.end(); it != o.begin();) {
        --it;
        reordered.emplace(it->key(), it->value());
    }
    CHECK(plan_document_signed_by(reordered, "token-a"));
}

TEST_CASE("the comparisons may run in any order: the plan is assembled in document order") {
    DesiredState desired;
    std::vector<LiveAgent> agents;
    for (int i = 0; i < 12; ++i) {
        const std::string name = "Agent " + std::to_string(i);
        desired.agents.push_back(desired_agent(name, i % 3 == 0 ? R"({"tone": "new"})" : R"({"tone": "same"})"));
        agents.push_back(live_agent("u-" + std::to_string(i), name, R"({"tone": "same"})"));
    }
    desired.agents.push_back(desired_agent("Brand new", R"({"tone": "x"})"));
    const auto live = live_with(std::move(agents));
    const auto in_order = make_plan(desired, live, test_schema());

    PlanOptions backwards;
    std::vector<std::size_t> ran;
    backwards.for_each_index = [&](std::size_t count, const std::function<void(std::size_t)>& job) {
        for (std::size_t i = count; i-- > 0;) {
            ran.push_back(i);
            job(i);
        }
    };
    const auto reversed = make_plan(desired, live, test_schema(), backwards);
    CHECK(ran.size() == desired.agents.size());
    CHECK(js(plan_to_json(reversed.plan)) == js(plan_to_json(in_order.plan)));
    REQUIRE(in_order.plan.steps.size() == 5);
    CHECK(in_order.plan.steps[0].agent_name == "Agent 0");
    CHECK(in_order.plan.steps[3].agent_name == "Agent 9");
    CHECK(in_order.plan.steps[4].action == ActionKind::Create);
    CHECK(in_order.plan.unchanged_agents.size() == 8);
}

}  // TEST_SUITE
