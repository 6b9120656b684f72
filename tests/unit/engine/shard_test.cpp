#include <doctest/doctest.h>

#include <map>
#include <set>

#include "plan_fixtures.hpp"
#include "reconcile/engine/drift.hpp"
#include "reconcile/engine/planner.hpp"
#include "reconcile/engine/shard.hpp"
#include "reconcile/report/plan_json.hpp"

using namespace reconcile;
using namespace reconcile::testing;

namespace {

LiveState live_of(std::vector<LiveAgent> agents) {
    LiveState s;
    s.agents = std::move(agents);
    s.phone_numbers_loaded = true;
    return s;
}

std::set<std::string> step_names(const Plan& plan) {
    std::set<std::string> out;
    for (const auto& s : plan.steps) out.insert(s.agent_name + "/" + std::string(to_string(s.action)));
    return out;
}

}  // namespace

TEST_SUITE("shard") {

TEST_CASE("FNV-1a 64 matches the published test vectors") {
    CHECK(fnv1a64("") == 0xcbf29ce484222325ULL);
    CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
    CHECK(fnv1a64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("an agent's shard is 1 + FNV-1a 64 of its trimmed name mod N") {
    CHECK(shard_of_name("foobar", 7) == 0x85944171f73967e8ULL % 7 + 1);
    CHECK(shard_of_name("  foobar \n", 7) == shard_of_name("foobar", 7));  // trimmed as the API stores it
    CHECK(shard_of_name("anything", 1) == 1);
    CHECK(in_shard("anything", Shard{}));
}

TEST_CASE("every name is in exactly one shard, and the shards are roughly even") {
    for (unsigned n : {2u, 3u, 8u}) {
        std::map<unsigned, int> sizes;
        for (int i = 0; i < 4000; ++i) {
            const std::string name = "Agent " + std::to_string(i);
            int owners = 0;
            for (unsigned k = 1; k <= n; ++k) owners += in_shard(name, Shard{k, n});
            CHECK(owners == 1);
            ++sizes[shard_of_name(name, n)];
        }
        CHECK(sizes.size() == n);
        for (const auto& [k, size] : sizes) CHECK(size > 4000 / static_cast<int>(n) * 3 / 4);
    }
}

TEST_CASE("K/N is parsed strictly") {
    auto ok = parse_shard("2/4");
    REQUIRE(ok);
    CHECK(ok->index == 2);
    CHECK(ok->count == 4);
    CHECK(ok->text() == "2/4");
    CHECK(parse_shard("1/1"));
    for (const char* bad : {"", "2", "0/4", "5/4", "1/0", "-1/4", "1/-4", " 1/4", "1/4 ", "1/4/5", "a/b", "1.0/4",
                            "+1/4", "1/99999", "1/"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_shard(bad));
    }
    CHECK(parse_shard("0/4").error().find("count from 1") != std::string::npos);
}

TEST_CASE("shards of a plan cover every step exactly once: creates, updates and prune deletes") {
    DesiredState desired;
    std::vector<LiveAgent> live;
    for (int i = 0; i < 40; ++i) {
        const std::string name = "Agent " + std::to_string(i);
        desired.agents.push_back(desired_agent(name, R"({"name": ")" + name + R"(", "tone": "Warm"})"));
        if (i % 2 == 0) live.push_back(live_agent("u-" + std::to_string(i), name, R"({"tone": "Cold"})"));
    }
    for (int i = 0; i < 6; ++i)
        live.push_back(live_agent("x-" + std::to_string(i), "Unmanaged " + std::to_string(i)));
    PlanOptions options;
    options.prune = true;
    const auto whole = make_plan(desired, live_of(live), test_schema(), options);
    REQUIRE(whole.diagnostics.empty());
    CHECK(whole.plan.counts().remove == 6);

    std::multiset<std::string> together;
    std::size_t unchanged = 0;
    for (unsigned k = 1; k <= 3; ++k) {
        options.shard = Shard{k, 3};
        const auto part = make_plan(desired, live_of(live), test_schema(), options);
        REQUIRE(part.diagnostics.empty());
        CHECK(part.plan.shard == Shard{k, 3});
        for (const auto& s : part.plan.steps) {
            CHECK(shard_of_name(s.agent_name, 3) == k);
            together.insert(s.agent_name + "/" + std::string(to_string(s.action)));
        }
        unchanged += part.plan.unchanged_agents.size();
    }
    const auto all = step_names(whole.plan);
    CHECK(together.size() == whole.plan.steps.size());
    CHECK(std::set<std::string>(together.begin(), together.end()) == all);
    CHECK(unchanged == whole.plan.unchanged_agents.size());
}

TEST_CASE("an agent renamed by a pinned document of another shard is not pruned") {
    // The document "New name" pins the live agent "Old name": whichever shard "Old name" hashes
    // to, that agent is managed and never deleted.
    DesiredState desired;
    auto doc = desired_agent("New name", R"({"name": "New name"})");
    doc.uuid = "u-old";
    desired.agents.push_back(doc);
    auto live = live_of({live_agent("u-old", "Old name")});
    PlanOptions options;
    options.prune = true;
    for (unsigned k = 1; k <= 4; ++k) {
        options.shard = Shard{k, 4};
        const auto r = make_plan(desired, live, test_schema(), options);
        for (const auto& s : r.plan.steps) CHECK(s.action != ActionKind::Delete);
    }
}

TEST_CASE("the mass-delete guard counts the whole workspace, so every shard decides alike") {
    DesiredState desired;
    std::vector<LiveAgent> live;
    for (int i = 0; i < 20; ++i) live.push_back(live_agent("u-" + std::to_string(i), "Agent " + std::to_string(i)));
    PlanOptions options;
    options.prune = true;
    for (unsigned k = 1; k <= 4; ++k) {
        options.shard = Shard{k, 4};
        const auto r = make_plan(desired, live_of(live), test_schema(), options);
        CHECK(has_errors(r.diagnostics));
        CHECK(r.plan.steps.empty());
    }
}

TEST_CASE("drift of a shard reports only its own documents and unmanaged agents") {
    DesiredState desired;
    std::vector<LiveAgent> live;
    for (int i = 0; i < 20; ++i) {
        const std::string name = "Agent " + std::to_string(i);
        desired.agents.push_back(desired_agent(name, R"({"name": ")" + name + R"(", "tone": "Warm"})"));
        live.push_back(live_agent("u-" + std::to_string(i), name, R"({"tone": "Cold"})"));
        live.push_back(live_agent("x-" + std::to_string(i), "Stray " + std::to_string(i)));
    }
    std::size_t drifted = 0, unmanaged = 0;
    for (unsigned k = 1; k <= 2; ++k) {
        DriftOptions options;
        options.shard = Shard{k, 2};
        const auto r = detect_drift(desired, live_of(live), test_schema(), options);
        for (const auto& d : r.drifted) CHECK(in_shard(d.name, options.shard));
        for (const auto& u : r.unmanaged) CHECK(in_shard(u.name, options.shard));
        drifted += r.drifted.size();
        unmanaged += r.unmanaged.size();
    }
    CHECK(drifted == 20);
    CHECK(unmanaged == 20);
}

TEST_CASE("a saved plan records its shard and reads it back; a whole plan has none") {
    Plan plan;
    plan.api_url = "https://x.mihu.ai/api/v1";
    plan.shard = Shard{2, 3};
    auto doc = plan_to_json(plan);
    CHECK(doc.as_object().at("shard") == "2/3");
    auto back = plan_from_json(doc);
    REQUIRE(back);
    CHECK(back->shard == Shard{2, 3});

    plan.shard = Shard{};
    auto whole = plan_to_json(plan);
    CHECK_FALSE(whole.as_object().contains("shard"));
    whole.as_object()["shard"] = "4/3";
    CHECK(plan_from_json(whole).error().find("plan shard") != std::string::npos);
    whole.as_object()["shard"] = "1/1";
    CHECK_FALSE(plan_from_json(whole));
}

}
