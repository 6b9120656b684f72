// Seeding the simulated workspace.
#include "sim_test_support.hpp"

using namespace sim_test;

TEST_SUITE("sim_seed") {

TEST_CASE("seeding is deterministic, fills defaults, keeps unknown live fields") {
    SimApi a, b;
    auto seed = seed_with_agents(3);
    auto& first = seed["agents"].as_array()[0].as_object();
    first["guidelines"] = json::parse(R"([{"content": "x"}])");
    first["future_field"] = "the client does not know me";
    REQUIRE(a.load_seed(seed));
    REQUIRE(b.load_seed(seed));
    CHECK(a.dump_text() == b.dump_text());
    json::value d = a.dump();
    CHECK(at(d, "/agents/0/guidelines/0/uuid").is_string());
    CHECK(at(d, "/agents/0/status") == "pending");
    CHECK(at(d, "/agents/0/future_field") == "the client does not know me");
    CHECK(at(d, "/agents/1/created_at") == "2026-01-01T00:00:01Z");
}

TEST_CASE("seed: given uuids, timestamps and call settings are kept") {
    SimApi s;
    REQUIRE(s.load_seed(json::parse(R"({
        "agents": [{"agent_uuid": "a-1", "name": "One", "created_at": "2025-01-01T00:00:00Z"}],
        "phone_numbers": [{"phone_number_uuid": "n-1", "number": "+441000000000", "type": "mobile",
            "country_code": null, "capabilities": {"sms": false},
            "bindings": {"call": {"agent_uuid": "a-1", "call_setting_uuid": "cs-1"}, "sms": null}}]})")));
    json::value d = s.dump();
    CHECK(at(d, "/agents/0/created_at") == "2025-01-01T00:00:00Z");
    CHECK(at(d, "/agents/0/updated_at") == "2025-01-01T00:00:00Z");
    CHECK(at(d, "/agents/0/channels/0/call_setting_uuid") == "cs-1");
    CHECK(at(d, "/phone_numbers/0/type") == "mobile");
    CHECK(at(d, "/phone_numbers/0/country_code").is_null());
    CHECK(at(d, "/phone_numbers/0/capabilities/sms") == false);
    CHECK(at(d, "/phone_numbers/0/capabilities/voice") == true);
}

TEST_CASE("seed: bad documents are refused, naming the field, and the state is unchanged") {
    SimApi s;
    REQUIRE(s.load_seed(seed_with_agents(3)));
    struct Case {
        const char* seed;
        const char* error;
    };
    Case cases[] = {
        {R"([])", "the document must be a JSON object"},
        {R"({"agents": 3})", "\"agents\" must be an array"},
        {R"({"agents": [{"agent_uuid": "x"}, {"agent_uuid": "x"}]})", "agents[1]: duplicate agent_uuid x"},
        {R"({"agents": [{"agent_uuid": 5}]})", "agents[0].agent_uuid must be a string"},
        {R"({"phone_numbers": [{"number": 1}]})", "phone_numbers[0].number must be a string"},
        {R"({"phone_numbers": [{"number": "+1", "bindings": {"call": {"agent_uuid": "ghost"}}}]})",
         "unknown agent ghost"},
        {R"({"phone_numbers": [{"number": "+1", "bindings": {"fax": {}}}]})", "unknown channel"},
        {R"({"phone_numbers": [{"number": "+1", "provisioning": {"message": "no"}}]})",
         "phone_numbers[0].provisioning.success must be a boolean"},
        {R"({"phone_numbers": [{"number": "+1", "capabilities": []}]})", "capabilities must be an object"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.seed);
        auto r = s.load_seed(json::parse(c.seed));
        REQUIRE_FALSE(r);
        CHECK(r.error().find(c.error) != std::string::npos);
    }
    CHECK(s.agent_count() == 3);
}

}  // TEST_SUITE
