#include <doctest/doctest.h>

#include "plan_fixtures.hpp"
#include "reconcile/engine/drift.hpp"
#include "reconcile/report/drift_report.hpp"

using namespace reconcile;
using namespace reconcile::testing;

namespace {

DesiredAgent pinned(std::string name, std::string uuid, std::string_view body, int line = 1) {
    auto d = desired_agent(std::move(name), body, "agents/" + uuid + ".yaml", line);
    d.uuid = uuid;
    d.locations["/uuid"] = SourceLocation{d.where.file, line + 1, 1};
    return d;
}

DesiredAgent with_call(DesiredAgent d, std::string number, int line = 9) {
    CallBinding call;
    call.phone_number = std::move(number);
    call.where = SourceLocation{d.where.file, line, 3};
    d.call = call;
    return d;
}

LiveState live_of(std::vector<LiveAgent> agents, std::vector<PhoneNumber> numbers = {}, bool numbers_loaded = true) {
    LiveState s;
    s.agents = std::move(agents);
    s.phone_numbers = std::move(numbers);
    s.phone_numbers_loaded = numbers_loaded;
    return s;
}

DesiredState desired_of(std::vector<DesiredAgent> agents) {
    DesiredState s;
    s.agents = std::move(agents);
    return s;
}

}  // namespace

TEST_SUITE("drift") {

TEST_CASE("no drift: every managed agent matches, nothing unmanaged") {
    auto desired = desired_of({desired_agent("Alpha", R"({"name": "Alpha", "objective": "Book.\n"})"),
                               pinned("Beta", "u-2", R"({"name": "Beta", "settings": {"voice": {"interaction": {"max_silence_prompts": 3}}}})")});
    auto live = live_of({live_agent("u-1", "Alpha", R"({"objective": "Book.", "tone": "warm"})"),
                         live_agent("u-2", "Beta", R"({"settings": {"voice": {"interaction": {"max_silence_prompts": 3.0}}}})")});
    auto r = detect_drift(desired, live, test_schema());
    CHECK_FALSE(r.has_drift());
    CHECK_FALSE(r.has_managed_drift());
    CHECK(r.diagnostics.empty());
    CHECK(r.in_sync == std::vector<std::string>{"Alpha", "Beta"});
    CHECK(render_drift_text(r) == "No drift. The workspace matches git (2 agents in sync).\n");
    CHECK(render_drift_markdown(r) == "### reconcile drift\n\n**No drift.** The workspace matches git (2 agents in sync).\n");
    CHECK(js(drift_to_json(r).at("summary")) == R"({"drifted":0,"missing":0,"unmanaged":0,"ignored_unmanaged":0,"channels":0,"in_sync":2})");
}

TEST_CASE("field drift: per path, live value against the value in git") {
    auto desired = desired_of({desired_agent("Alpha", R"({
        "name": "Alpha", "objective": "Book a service.",
        "settings": {"voice": {"interaction": {"max_silence_prompts": 3}}},
        "guidelines": [{"content": "Confirm the plate."}]})", "agents/alpha.yaml", 4)});
    auto live = live_of({live_agent("u-1", "Alpha", R"({
        "objective": "Sell cars.",
        "settings": {"voice": {"interaction": {"max_silence_prompts": 5}}},
        "guidelines": [{"uuid": "g", "content": "Confirm the plate.", "order": 0}, {"uuid": "h", "content": "Extra"}]})")});
    auto r = detect_drift(desired, live, test_schema());
    REQUIRE(r.drifted.size() == 1);
    const auto& a = r.drifted.front();
    CHECK(a.name == "Alpha");
    CHECK(a.uuid == "u-1");
    CHECK(a.source.str() == "agents/alpha.yaml:4:1");
    REQUIRE(a.fields.size() == 3);
    CHECK(a.fields[0].path == "objective");
    CHECK(js(a.fields[0].before) == R"("Sell cars.")");
    CHECK(js(a.fields[0].after) == R"("Book a service.")");
    CHECK(a.fields[1].path == "settings.voice.interaction.max_silence_prompts");
    CHECK(js(a.fields[1].before) == "5");
    CHECK(js(a.fields[1].after) == "3");
    CHECK(a.fields[2].path == "guidelines");
    CHECK(a.fields[2].collection);
    CHECK(r.has_drift());
    CHECK(r.has_managed_drift());
    CHECK(r.in_sync.empty());

    auto text = render_drift_text(r);
    CHECK(text.find("~ agent \"Alpha\" (u-1) differs from agents/alpha.yaml:4: 3 fields (- git, + live)\n") != std::string::npos);
    CHECK(text.find("    - objective: \"Book a service.\"\n    + objective: \"Sell cars.\"\n") != std::string::npos);
    CHECK(text.find("    - settings.voice.interaction.max_silence_prompts: 3\n"
                    "    + settings.voice.interaction.max_silence_prompts: 5\n") != std::string::npos);
    CHECK(text.find("    @@ guidelines: 1 item -> 2 items @@\n    + [1] content: \"Extra\"\n") != std::string::npos);
    CHECK(text.find("Drift: 1 agent differs from git.\n") != std::string::npos);

    auto j = drift_to_json(r);
    CHECK(j.at("has_drift").as_bool());
    const auto& f = j.at("drifted").at(0).at("fields").at(1);
    CHECK(js(f) == R"({"path":"settings.voice.interaction.max_silence_prompts","live":5,"desired":3,"collection":false})");
    CHECK(js(j.at("drifted").at(0).at("source")) == R"({"file":"agents/alpha.yaml","line":4,"column":1})");
}

TEST_CASE("multi-line drift is a line diff from git to live") {
    auto desired = desired_of({desired_agent("Alpha", R"({"name": "Alpha", "objective": "one\ntwo\nthree\n"})")});
    auto live = live_of({live_agent("u-1", "Alpha", R"({"objective": "one\n2\nthree"})")});
    auto text = render_drift_text(detect_drift(desired, live, test_schema()));
    CHECK(text.find("    @@ objective @@\n         one\n    -    two\n    +    2\n         three\n") != std::string::npos);
}

TEST_CASE("missing: a pinned uuid not in the workspace, or no live agent with the name") {
    auto desired = desired_of({pinned("Gone", "u-404", R"({"name": "Gone"})", 3),
                               desired_agent("Never Created", R"({"name": "Never Created"})", "agents/new.yaml", 1)});
    auto r = detect_drift(desired, live_of({}), test_schema());
    REQUIRE(r.missing.size() == 2);
    CHECK(r.missing[0].name == "Gone");
    CHECK(r.missing[0].pinned_uuid == std::optional<std::string>("u-404"));
    CHECK(r.missing[0].source.str() == "agents/u-404.yaml:4:1");
    CHECK_FALSE(r.missing[1].pinned_uuid.has_value());
    CHECK(r.has_managed_drift());
    auto text = render_drift_text(r);
    CHECK(text.find("- agent \"Gone\" is missing from the workspace: pinned uuid u-404 is not in the workspace "
                    "(agents/u-404.yaml:4)\n") != std::string::npos);
    CHECK(text.find("- agent \"Never Created\" is missing from the workspace: no live agent has this name "
                    "(agents/new.yaml:1)\n") != std::string::npos);
    CHECK(text.find("Drift: 2 missing from the workspace.\n") != std::string::npos);
}

TEST_CASE("unmanaged: live agents no document pins or names") {
    auto desired = desired_of({desired_agent("Alpha", R"({"name": "Alpha"})"),
                               pinned("Renamed in git", "u-2", R"({"name": "Renamed in git"})")});
    auto live = live_of({live_agent("u-3", "Zeta"), live_agent("u-1", " Alpha "), live_agent("u-2", "Old name"),
                         live_agent("u-4", "Beta")});
    auto r = detect_drift(desired, live, test_schema());
    REQUIRE(r.unmanaged.size() == 2);
    CHECK(r.unmanaged[0].name == "Beta");
    CHECK(r.unmanaged[1].name == "Zeta");
    CHECK(r.unmanaged[1].uuid == "u-3");
    CHECK(r.has_drift());
    // The pinned agent was renamed live: its name differs like any field.
    REQUIRE(r.drifted.size() == 1);
    CHECK(r.drifted.front().fields.front().path == "name");
    CHECK(r.in_sync == std::vector<std::string>{"Alpha"});
    r.drifted.clear();
    CHECK(r.has_drift());
    CHECK_FALSE(r.has_managed_drift());
    auto text = render_drift_text(r);
    CHECK(text.find("? agent \"Beta\" (u-4) is not managed by any document\n") != std::string::npos);
}

TEST_CASE("matching follows the planner: ambiguous names and double claims are diagnostics") {
    auto desired = desired_of({desired_agent("Twin", R"({"name": "Twin"})", "agents/twin.yaml"),
                               pinned("Pinned", "u-3", R"({"name": "Pinned"})"),
                               desired_agent("Pinned", R"({"name": "Pinned"})", "agents/dup.yaml")});
    auto live = live_of({live_agent("u-1", "Twin"), live_agent("u-2", "Twin"), live_agent("u-3", "Pinned")});
    auto r = detect_drift(desired, live, test_schema());
    REQUIRE(r.diagnostics.size() == 2);
    CHECK(r.diagnostics[0].message.find("2 live agents have this name (u-1, u-2)") != std::string::npos);
    CHECK(r.diagnostics[1].message.find("is already managed by the document at agents/u-3.yaml") != std::string::npos);
    // The twins are named by a document: not unmanaged, and not matched either.
    CHECK(r.unmanaged.empty());
    CHECK(r.missing.empty());
    CHECK(r.in_sync == std::vector<std::string>{"Pinned"});
    CHECK(drift_to_json(r).at("diagnostics").as_array().size() == 2);
    CHECK(render_drift_markdown(r).find("2 documents could not be checked:") != std::string::npos);
}

TEST_CASE("call channel drift: unbound, held by another agent, number missing, holding") {
    const std::vector<PhoneNumber> numbers = {phone("pn-1", "+39 070 1111111"), phone("pn-2", "+390702222222", "u-9", "Other"),
                                              phone("pn-3", "+390703333333", "u-4", "Dee")};
    auto desired = desired_of({with_call(desired_agent("A", R"({"name": "A"})"), "+390701111111"),
                               with_call(desired_agent("B", R"({"name": "B"})"), "+390702222222"),
                               with_call(desired_agent("C", R"({"name": "C"})"), "+390709999999"),
                               with_call(desired_agent("D", R"({"name": "D"})"), "+390703333333"),
                               with_call(desired_agent("Gone", R"({"name": "Gone"})"), "+390701111111")});
    auto live = live_of({live_agent("u-1", "A"), live_agent("u-2", "B"), live_agent("u-3", "C"), live_agent("u-4", "D"),
                         live_agent("u-9", "Other")},
                        numbers);
    auto r = detect_drift(desired, live, test_schema());
    REQUIRE(r.channels.size() == 3);
    CHECK(r.channels[0].kind == ChannelDrift::Kind::Unbound);
    CHECK(r.channels[0].phone_number == "+39 070 1111111");
    CHECK(r.channels[0].phone_number_uuid == "pn-1");
    CHECK(r.channels[1].kind == ChannelDrift::Kind::HeldByOther);
    CHECK(r.channels[1].holder_uuid == "u-9");
    CHECK(r.channels[1].holder_name == "Other");
    CHECK(r.channels[2].kind == ChannelDrift::Kind::NumberMissing);
    CHECK(r.channels[2].phone_number == "+390709999999");
    CHECK(r.in_sync == std::vector<std::string>{"D"});
    CHECK(r.missing.size() == 1);  // "Gone": its channel is not checked
    CHECK(r.drifted.empty());

    auto text = render_drift_text(r);
    CHECK(text.find("! call channel of agent \"A\": +39 070 1111111 is not bound to any agent (agents.yaml:9)\n") !=
          std::string::npos);
    CHECK(text.find("! call channel of agent \"B\": +390702222222 is held by agent \"Other\" (u-9) (agents.yaml:9)\n") !=
          std::string::npos);
    CHECK(text.find("! call channel of agent \"C\": +390709999999 is not in the workspace") != std::string::npos);
    auto j = drift_to_json(r);
    CHECK(j.at("channels").at(1).at("kind").as_string() == "held_by_other");

    auto by_uuid = with_call(desired_agent("D", R"({"name": "D"})"), "");
    by_uuid.call->phone_number.reset();
    by_uuid.call->phone_number_uuid = "pn-3";
    CHECK(detect_drift(desired_of({by_uuid}), live, test_schema()).channels.empty());
}

TEST_CASE("phone numbers not read: the channel is a diagnostic, not drift") {
    auto desired = desired_of({with_call(desired_agent("A", R"({"name": "A"})"), "+390701111111")});
    auto r = detect_drift(desired, live_of({live_agent("u-1", "A")}, {}, false), test_schema());
    CHECK(r.channels.empty());
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message.find("phone numbers were not read") != std::string::npos);
}

TEST_CASE("values from ${env:} show their template") {
    auto d = desired_agent("A", R"({"name": "A", "objective": "token ${env:TOKEN}", "guidelines": [{"content": "${env:TOKEN}"}]})");
    d.secrets.push_back(SecretRef{"/objective", "token ${env:TOKEN}", {"TOKEN"}, SecretValue("token s3cr3t-value")});
    d.secrets.push_back(SecretRef{"/guidelines/0/content", "${env:TOKEN}", {"TOKEN"}, SecretValue("s3cr3t-value")});
    // The live objective holds the previous secret value: it is masked too.
    auto r = detect_drift(desired_of({d}),
                          live_of({live_agent("u-1", "A", R"({"objective": "token old-s3cr3t", "guidelines": []})")}),
                          test_schema());
    REQUIRE(r.drifted.size() == 1);
    auto all = render_drift_text(r) + js(drift_to_json(r)) + render_drift_markdown(r);
    CHECK(all.find("s3cr3t") == std::string::npos);
    CHECK(js(r.drifted[0].fields[0].before) == R"x("token ${env:TOKEN} (old value)")x");
    CHECK(js(r.drifted[0].fields[0].after) == R"x("token ${env:TOKEN} (changed)")x");
    CHECK(js(r.drifted[0].fields[1].after) == R"x([{"content":"${env:TOKEN} (changed)"}])x");
}

TEST_CASE("markdown: summary, escaped names, one block per drifted agent, size limit") {
    std::vector<DesiredAgent> docs;
    std::vector<LiveAgent> agents;
    std::string long_text;
    for (int l = 0; l < 400; ++l) long_text += "Line " + std::to_string(l) + " of a long prompt that the live agent has.\\n";
    for (int i = 0; i < 200; ++i) {
        const std::string name = "Agent <" + std::to_string(i) + "> | `x`";
        docs.push_back(desired_agent(name, R"({"objective": "git text"})"));
        agents.push_back(live_agent("u-" + std::to_string(i), name, "{\"objective\": \"" + long_text + "\"}"));
    }
    agents.push_back(live_agent("u-x", "@team stray"));
    auto r = detect_drift(desired_of(docs), live_of(agents), test_schema());
    REQUIRE(r.drifted.size() == 200);
    auto md = render_drift_markdown(r);
    CHECK(md.size() <= 65'000);
    CHECK(md.rfind("### reconcile drift\n\n**Drift:** 200 agents differ from git, 1 unmanaged.", 0) == 0);
    CHECK(md.find("Agent &lt;0&gt; &#124; &#96;x&#96;") != std::string::npos);
    CHECK(md.find("&#64;team stray") != std::string::npos);
    CHECK(md.find("<details><summary>~ <b>Agent &lt;0&gt; &#124; &#96;x&#96;</b> differs from git (1 field)</summary>") !=
          std::string::npos);
    CHECK(md.find("run `reconcile drift` or download the drift artifact") != std::string::npos);
    CHECK(md.find("```diff\n") != std::string::npos);
}

}  // TEST_SUITE
