// The agent's whole life in the planner: numbers that cannot take calls, number moves, renames,
// opt-in prune with its guard, and fields owned by the dashboard.
#include <doctest/doctest.h>

#include "plan_fixtures.hpp"
#include "reconcile/engine/drift.hpp"
#include "reconcile/engine/fingerprint.hpp"
#include "reconcile/engine/planner.hpp"

using namespace reconcile;
using namespace reconcile::testing;

namespace {

LiveState live_of(std::vector<LiveAgent> agents, std::vector<PhoneNumber> numbers = {}) {
    LiveState s;
    s.agents = std::move(agents);
    s.phone_numbers = std::move(numbers);
    s.phone_numbers_loaded = true;
    return s;
}

DesiredState desired_of(std::vector<DesiredAgent> agents) {
    DesiredState s;
    s.agents = std::move(agents);
    return s;
}

DesiredAgent with_number(DesiredAgent d, std::string number) {
    CallBinding c;
    c.phone_number = std::move(number);
    c.where = SourceLocation{d.where.file, 7, 3};
    d.call = c;
    return d;
}

std::vector<std::string> messages(const Diagnostics& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds) out.push_back(d.format());
    return out;
}

}  // namespace

TEST_SUITE("lifecycle") {

TEST_CASE("a number without voice capability or not active is a plan error naming it") {
    auto voiceless = phone("pn-1", "+390700000001");
    voiceless.voice_capable = false;
    auto suspended = phone("pn-2", "+390700000002");
    suspended.status = "suspended";
    auto desired = desired_of({with_number(desired_agent("A", R"({"name": "A"})", "a.yaml"), "+390700000001"),
                               with_number(desired_agent("B", R"({"name": "B"})", "b.yaml"), "+390700000002")});
    auto r = make_plan(desired, live_of({}, {voiceless, suspended}), test_schema());
    CHECK(messages(r.diagnostics) ==
          std::vector<std::string>{
              "a.yaml:7:3: error: agent \"A\": phone number +390700000001 cannot take calls: it has no voice "
              "capability (capabilities.voice is false)",
              "b.yaml:7:3: error: agent \"B\": phone number +390700000002 cannot take calls: its status is "
              "\"suspended\", not \"active\""});
}

TEST_CASE("moving an agent to another number says what happens to the old binding") {
    auto desired = desired_of({with_number(desired_agent("A", R"({"name": "A"})"), "+390700000002")});
    auto live = live_of({live_agent("u-a", "A")},
                        {phone("pn-1", "+390700000001", "u-a", "A"), phone("pn-2", "+390700000002")});
    auto r = make_plan(desired, live, test_schema());
    REQUIRE(r.plan.steps.size() == 1);
    const auto& step = r.plan.steps[0];
    CHECK(step.action == ActionKind::ProvisionCall);
    REQUIRE(step.notes.size() == 1);
    CHECK(step.notes[0].find("moves the agent from +390700000001 to +390700000002") == 0);
    CHECK(step.notes[0].find("no documented way to release a number") != std::string::npos);

    // After the move the agent holds both: plan warns, drift reports the binding git does not name.
    live.phone_numbers[1] = phone("pn-2", "+390700000002", "u-a", "A");
    auto again = make_plan(desired, live, test_schema());
    CHECK(again.plan.steps.empty());
    REQUIRE(again.diagnostics.size() == 1);
    CHECK(again.diagnostics[0].severity == Severity::Warning);
    CHECK(again.diagnostics[0].message.find("also holds the call channel of +390700000001") != std::string::npos);
    auto drift = detect_drift(desired, live, test_schema());
    REQUIRE(drift.channels.size() == 1);
    CHECK(drift.channels[0].kind == ChannelDrift::Kind::NotInGit);
    CHECK(drift.channels[0].phone_number == "+390700000001");
    CHECK(drift.has_managed_drift());
}

TEST_CASE("a create that looks like a renamed agent gets a note") {
    SUBCASE("same number") {
        auto desired = desired_of({with_number(desired_agent("Front Desk", R"({"name": "Front Desk"})"), "+390700000001")});
        auto live = live_of({live_agent("u-old", "Reception")}, {phone("pn-1", "+390700000001", "u-old", "Reception")});
        auto r = make_plan(desired, live, test_schema());
        REQUIRE_FALSE(r.plan.steps.empty());
        REQUIRE(r.plan.steps[0].notes.size() == 1);
        CHECK(r.plan.steps[0].notes[0] ==
              "if this is a rename of agent \"Reception\" (u-old), pin `uuid: u-old` in this document; otherwise "
              "\"Reception\" stays live and keeps the call channel of +390700000001");
    }
    SUBCASE("close name") {
        auto r = make_plan(desired_of({desired_agent("Sales Desk 2", R"({"name": "Sales Desk 2"})")}),
                           live_of({live_agent("u-old", "Sales Desk")}), test_schema());
        REQUIRE(r.plan.steps.size() == 1);
        REQUIRE(r.plan.steps[0].notes.size() == 1);
        CHECK(r.plan.steps[0].notes[0].starts_with("if this is a rename of agent \"Sales Desk\" (u-old)"));
    }
    SUBCASE("nothing alike, or the look-alike is managed: no note") {
        auto r = make_plan(desired_of({desired_agent("Billing", R"({"name": "Billing"})"),
                                       desired_agent("Sales", R"({"name": "Sales"})")}),
                           live_of({live_agent("u-1", "Sales"), live_agent("u-2", "Warehouse Robot")}), test_schema());
        REQUIRE(r.plan.steps.size() == 1);
        CHECK(r.plan.steps[0].notes.empty());
    }
}

TEST_CASE("prune deletes unmanaged agents, keeps ignored ones, and refuses a mass delete") {
    std::vector<LiveAgent> agents;
    for (int i = 0; i < 10; ++i) agents.push_back(live_agent("u-" + std::to_string(i), "Agent " + std::to_string(i)));
    std::vector<DesiredAgent> docs;
    for (int i = 0; i < 8; ++i) {
        const std::string name = "Agent " + std::to_string(i);
        docs.push_back(desired_agent(name, R"({"name": ")" + name + R"("})"));
    }
    PlanOptions options;
    options.prune = true;
    auto r = make_plan(desired_of(docs), live_of(agents), test_schema(), options);
    CHECK(r.diagnostics.empty());
    REQUIRE(r.plan.steps.size() == 2);
    CHECK(r.plan.steps[0].action == ActionKind::Delete);
    CHECK(r.plan.steps[0].agent_uuid == "u-8");
    CHECK(r.plan.steps[0].request.method == "DELETE");
    CHECK(r.plan.steps[0].request.path == "/agents/u-8");
    CHECK(r.plan.steps[0].request.body.is_null());
    CHECK(r.plan.steps[0].precondition.agent_fingerprint == agent_fingerprint(agents[8].body(), test_schema()));
    CHECK(r.plan.counts().remove == 2);

    options.prune_ignore = {"Agent 9", "Legacy *"};
    auto kept = make_plan(desired_of(docs), live_of(agents), test_schema(), options);
    REQUIRE(kept.plan.steps.size() == 1);
    CHECK(kept.plan.steps[0].agent_name == "Agent 8");

    // 10 live agents, 1 in git: 9 deletes is 90%, refused whole.
    options.prune_ignore.clear();
    auto mass = make_plan(desired_of({docs[0]}), live_of(agents), test_schema(), options);
    CHECK(mass.plan.steps.empty());
    REQUIRE(mass.diagnostics.size() == 1);
    CHECK(mass.diagnostics[0].message.starts_with("prune would delete 9 of the workspace's 10 agents"));
    options.allow_mass_delete = true;
    CHECK(make_plan(desired_of({docs[0]}), live_of(agents), test_schema(), options).plan.counts().remove == 9);

    // Without --prune nothing is ever deleted.
    CHECK(make_plan(desired_of({docs[0]}), live_of(agents), test_schema()).plan.counts().remove == 0);
}

TEST_CASE("ignored fields are never compared, sent, fingerprinted or reported as drift") {
    auto doc = desired_agent("A", R"({"name": "A", "tone": "warm", "status": "ready",
        "guidelines": [{"content": "one"}, {"content": "two"}],
        "settings": {"voice": {"voice_profile": {"language": "en", "voice_name": "Giulia"}}}})");
    doc.ignore_fields = {"status", "settings.voice.voice_profile.voice_name"};
    auto live = live_agent("u-a", "A", R"({"tone": "warm", "status": "paused",
        "guidelines": [{"uuid": "g1", "content": "one", "order": 7.0}, {"uuid": "g2", "content": "two", "order": 8.0}],
        "settings": {"voice": {"voice_profile": {"language": "en", "voice_uuid": "v", "voice_name": "Paola"}}}})");
    // Paused and renamed voice in the dashboard: nothing to do.
    auto r = make_plan(desired_of({doc}), live_of({live}), test_schema());
    CHECK(r.plan.steps.empty());
    CHECK_FALSE(detect_drift(desired_of({doc}), live_of({live}), test_schema()).has_drift());

    // The repository-wide list works the same, and inside lists with [*]: a list sent whole keeps
    // the live value of an ignored item field.
    doc.body["guidelines"] = parse_json(R"([{"content": "one"}, {"content": "three"}])");
    doc.body["settings"] = parse_json(R"({"voice": {"voice_profile": {"language": "it"}}})");
    PlanOptions options;
    options.ignore_fields = {"guidelines[*].order"};
    auto changed = make_plan(desired_of({doc}), live_of({live}), test_schema(), options);
    REQUIRE(changed.plan.steps.size() == 1);
    const auto& step = changed.plan.steps[0];
    // voice_profile is sent whole (x-patch replace): the dashboard's voice_name is kept.
    CHECK(js(step.request.body) ==
          R"({"name":"A","settings":{"voice":{"voice_profile":{"language":"it","voice_name":"Paola"}}},)"
          R"("guidelines":[{"content":"one","order":7},{"content":"three","order":8}]})");
    CHECK(step.precondition.ignored_fields ==
          std::vector<std::string>{"guidelines[*].order", "status", "settings.voice.voice_profile.voice_name"});
    // A dashboard edit of an ignored field does not change the fingerprint a saved plan checks.
    json::object repaused = live.body();
    repaused["status"] = "ready";
    CHECK(agent_fingerprint(repaused, test_schema(), step.precondition.ignored_fields) ==
          step.precondition.agent_fingerprint);
    CHECK(agent_fingerprint(repaused, test_schema()) != agent_fingerprint(live.body(), test_schema()));
}

TEST_CASE("drift leaves agents prune.ignore names out of the unmanaged list") {
    auto r = detect_drift(desired_of({}), live_of({live_agent("u-1", "Legacy IVR"), live_agent("u-2", "Stray")}),
                          test_schema(), DriftOptions{{}, {"Legacy *"}});
    REQUIRE(r.unmanaged.size() == 1);
    CHECK(r.unmanaged[0].name == "Stray");
    CHECK(r.ignored_unmanaged == std::vector<std::string>{"Legacy IVR"});
    CHECK_FALSE(detect_drift(desired_of({}), live_of({live_agent("u-1", "Legacy IVR")}), test_schema(),
                             DriftOptions{{}, {"Legacy *"}})
                    .has_drift());
}

}  // TEST_SUITE
