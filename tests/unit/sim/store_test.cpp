// The rendered-agent cache: a listing re-renders only agents that changed since the last one.
#include <chrono>

#include "sim_test_support.hpp"

using namespace sim_test;

namespace {

// A seed of `n` agents of about 10 KB each as the API returns them: the documented PATCH
// example, renamed, with a longer custom prompt.
json::object large_seed(int n) {
    json::object example = data_file("update_agent_example.json").as_object();
    example["custom_prompt"] = std::string(1500, 'x');
    json::array agents;
    for (int i = 0; i < n; ++i) {
        json::object a = example;
        a["name"] = "Agent " + std::to_string(i);
        agents.push_back(std::move(a));
    }
    return json::object{{"agents", std::move(agents)}};
}

// Every page at per_page=100; the bytes served.
std::size_t list_all(SimApi& s) {
    std::size_t bytes = 0;
    std::size_t pages = (s.agent_count() + 99) / 100;
    for (std::size_t page = 1; page <= pages; ++page) {
        auto r = s.handle(make("GET", "/api/v1/agents?per_page=100&page=" + std::to_string(page)));
        REQUIRE(r.status == 200);
        bytes += r.body.size();
    }
    return bytes;
}

}  // namespace

TEST_SUITE("sim_store") {

TEST_CASE("listing renders each agent once; a write re-renders only that agent") {
    SimApi s;
    REQUIRE(s.load_seed(large_seed(250)));
    CHECK(s.store().render_count() == 0);
    list_all(s);
    CHECK(s.store().render_count() == 250);
    list_all(s);
    CHECK(s.store().render_count() == 250);

    json::value first = parse(s.handle(make("GET", "/api/v1/agents?per_page=1")));
    std::string id(at(first, "/data/items/0/agent_uuid").as_string());
    REQUIRE(s.handle(make("PATCH", "/api/v1/agents/" + id, R"({"name": "Renamed"})")).status == 200);
    std::size_t after_patch = s.store().render_count();
    CHECK(after_patch == 251);  // the PATCH response
    list_all(s);
    CHECK(s.store().render_count() == after_patch);
    json::value again = parse(s.handle(make("GET", "/api/v1/agents?per_page=1")));
    CHECK(at(again, "/data/items/0/name") == "Renamed");
    // The page text is the agents' texts joined: the same bytes a full render gives.
    CHECK(json::serialize(at(again, "/data/items/0")) == s.store().rendered_text(id));
}

TEST_CASE("listing many large agents (figures printed, nothing timed is asserted)") {
    constexpr int kAgents = 2000;
    SimApi s;
    REQUIRE(s.load_seed(large_seed(kAgents)));
    using clock = std::chrono::steady_clock;
    auto t0 = clock::now();
    std::size_t bytes = list_all(s);
    auto t1 = clock::now();
    list_all(s);
    auto t2 = clock::now();
    auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
    MESSAGE(kAgents << " agents of " << bytes / kAgents << " bytes, listed at per_page=100: first "
                    << ms(t1 - t0) << " ms (renders), then " << ms(t2 - t1) << " ms (cached)");
    CHECK(s.store().render_count() == static_cast<std::size_t>(kAgents));
}

}  // TEST_SUITE
