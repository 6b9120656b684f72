// Phone numbers and call-channel provisioning: bindings on both sides, conflicts, numbers that
// cannot take calls, the seed knob, and an agent holding two numbers.
#include "provisioning.hpp"
#include "sim_test_support.hpp"

using namespace sim_test;

namespace {

const char* kSeed = R"({
    "agents": [{"agent_uuid": "a-1", "name": "One"}, {"agent_uuid": "a-2", "name": "Two"}],
    "phone_numbers": [
        {"phone_number_uuid": "n-1", "number": "+390700000001"},
        {"phone_number_uuid": "n-2", "number": "+390700000002", "bindings": {"call": {"agent_uuid": "a-2"}}},
        {"phone_number_uuid": "n-3", "number": "+390700000003", "capabilities": {"voice": false}},
        {"phone_number_uuid": "n-4", "number": "+390700000004", "status": "suspended"},
        {"phone_number_uuid": "n-5", "number": "+390700000005",
         "provisioning": {"success": false, "message": "carrier rejected the number"}},
        {"phone_number_uuid": "n-6", "number": "+390700000006"}]})";

HttpResponse provision(SimApi& s, std::string_view agent, std::string_view number) {
    return s.handle(make("POST", "/api/v1/agents/" + std::string(agent) + "/channels/call/provision",
                         R"({"phone_number_uuid": ")" + std::string(number) + R"("})"));
}

json::value number_item(SimApi& s, std::size_t index) {
    json::value list = parse(s.handle(make("GET", "/api/v1/phone-numbers")));
    return at(list, "/data/items/" + std::to_string(index));
}

}  // namespace

TEST_SUITE("sim_provisioning") {

TEST_CASE("provisioning binds the call channel and shows on both sides") {
    SimApi s;
    REQUIRE(s.load_seed(json::parse(kSeed)));
    json::value list = parse(s.handle(make("GET", "/api/v1/phone-numbers")));
    CHECK(at(list, "/data/items/0/bindings/call/bound") == false);
    CHECK(at(list, "/data/items/0/bindings/call/agent_uuid").is_null());
    CHECK(at(list, "/data/items/0/country_code") == "IT");
    CHECK(at(list, "/data/items/1/bindings/call/bound") == true);
    CHECK(at(list, "/data/items/1/bindings/call/agent_name") == "Two");
    CHECK(at(list, "/data/items/1/bindings/sms/bound") == false);
    CHECK(at(list, "/data/pagination/total") == 6);

    auto r = provision(s, "a-1", "n-1");
    REQUIRE(r.status == 200);
    json::value o = parse(r);
    CHECK(at(o, "/message") == "Call channel provisioned");
    CHECK(at(o, "/data/provisioning/success") == true);
    CHECK(at(o, "/data/provisioning/call_setting_uuid").is_string());
    CHECK(at(o, "/data/agent/phone_numbers/0/number") == "+390700000001");
    CHECK(at(o, "/data/agent/channels/0/channel") == "call");
    CHECK(at(o, "/data/agent/updated_at") == "2026-01-01T00:00:02Z");
    CHECK(at(number_item(s, 0), "/bindings/call/agent_uuid") == "a-1");
    CHECK(at(number_item(s, 0), "/bindings/call/agent_name") == "One");
    // The list shows the new binding too (the agent's cached rendering was dropped).
    json::value agents = parse(s.handle(make("GET", "/api/v1/agents")));
    CHECK(at(agents, "/data/items/0/channels/0/phone_number_uuid") == "n-1");

    // Provisioning a binding that holds changes nothing.
    auto again = parse(provision(s, "a-1", "n-1"));
    CHECK(at(json::value(again), "/data/provisioning/success") == true);
    CHECK(at(json::value(again), "/data/provisioning/call_setting_uuid") ==
          at(o, "/data/provisioning/call_setting_uuid"));
}

TEST_CASE("provisioning errors: another agent's number 409, unknown 404, bad body 422") {
    SimApi s;
    REQUIRE(s.load_seed(json::parse(kSeed)));
    auto conflict = provision(s, "a-1", "n-2");
    CHECK(conflict.status == 409);
    CHECK(error_field(conflict) == "phone_number_uuid");
    CHECK(at(number_item(s, 1), "/bindings/call/agent_uuid") == "a-2");
    CHECK(provision(s, "a-1", "n-9").status == 404);
    CHECK(provision(s, "a-9", "n-1").status == 404);
    for (auto body : {"{}", R"({"phone_number_uuid": 7})", R"({"phone_number_uuid": " "})",
                      R"({"phone_number_uuid": "n-1", "force": true})"}) {
        CAPTURE(body);
        auto r = s.handle(make("POST", "/api/v1/agents/a-1/channels/call/provision", body));
        CHECK(r.status == 422);
    }
    auto missing = s.handle(make("POST", "/api/v1/agents/a-1/channels/call/provision", "{}"));
    CHECK(error_field(missing) == "phone_number_uuid");
    CHECK(s.handle(make("GET", "/api/v1/agents/a-1/channels/call/provision")).status == 405);
}

TEST_CASE("numbers that cannot take calls answer 200 with provisioning.success false and bind nothing") {
    SimApi s;
    REQUIRE(s.load_seed(json::parse(kSeed)));
    struct Case {
        const char* number;
        std::size_t index;
        const char* message;
    };
    for (Case c : {Case{"n-3", 2, "The phone number +390700000003 has no voice capability."},
                   Case{"n-4", 3, "The phone number +390700000004 is not active (status: suspended)."},
                   Case{"n-5", 4, "carrier rejected the number"}}) {
        CAPTURE(c.number);
        auto r = provision(s, "a-1", c.number);
        REQUIRE(r.status == 200);
        json::value o = parse(r);
        CHECK(at(o, "/success") == true);
        CHECK(at(o, "/message") == "Call channel not provisioned");
        CHECK(at(o, "/data/provisioning/success") == false);
        CHECK(at(o, "/data/provisioning/message") == c.message);
        CHECK(at(o, "/data/provisioning/call_setting_uuid").is_null());
        CHECK(at(o, "/data/agent/channels").as_array().empty());
        CHECK(at(number_item(s, c.index), "/bindings/call/bound") == false);
    }
    CHECK(s.agent("a-1")->at("updated_at") == "2026-01-01T00:00:00Z");
}

TEST_CASE("an agent provisioned on a second number keeps both call bindings") {
    SimApi s;
    REQUIRE(s.load_seed(json::parse(kSeed)));
    REQUIRE(provision(s, "a-1", "n-1").status == 200);
    auto r = provision(s, "a-1", "n-6");
    REQUIRE(r.status == 200);
    json::value agent = parse(r).at("data").at("agent");
    CHECK(at(agent, "/channels").as_array().size() == 2);
    CHECK(at(agent, "/phone_numbers/0/number") == "+390700000001");
    CHECK(at(agent, "/phone_numbers/1/number") == "+390700000006");
    CHECK(at(number_item(s, 0), "/bindings/call/agent_uuid") == "a-1");
    CHECK(at(number_item(s, 5), "/bindings/call/agent_uuid") == "a-1");
}

TEST_CASE("bindings follow renames; deleting the agent releases its numbers") {
    SimApi s;
    REQUIRE(s.load_seed(json::parse(kSeed)));
    REQUIRE(s.handle(make("PATCH", "/api/v1/agents/a-2", R"({"name": "Deux"})")).status == 200);
    CHECK(at(number_item(s, 1), "/bindings/call/agent_name") == "Deux");
    REQUIRE(s.handle(make("DELETE", "/api/v1/agents/a-2")).status == 200);
    CHECK(at(number_item(s, 1), "/bindings/call/bound") == false);
    CHECK(at(number_item(s, 1), "/bindings/call/agent_uuid").is_null());
    // The released number can be provisioned again.
    CHECK(at(json::value(parse(provision(s, "a-1", "n-2"))), "/data/provisioning/success") == true);
}

TEST_CASE("decide_provisioning: the order of the checks") {
    using Kind = mihu_sim::ProvisioningDecision::Kind;
    mihu_sim::PhoneNumber n;
    n.number = "+1";
    n.capabilities = json::object{{"voice", true}};
    CHECK(mihu_sim::decide_provisioning(n, "a").kind == Kind::Bind);
    n.status = "pending";
    CHECK(mihu_sim::decide_provisioning(n, "a").kind == Kind::Refused);
    n.forced_provisioning = mihu_sim::ForcedProvisioning{true, "forced"};
    CHECK(mihu_sim::decide_provisioning(n, "a").kind == Kind::Bind);  // the knob wins
    n.bindings["call"] = mihu_sim::Binding{"a", "s"};
    CHECK(mihu_sim::decide_provisioning(n, "a").kind == Kind::AlreadyBound);
    CHECK(mihu_sim::decide_provisioning(n, "b").kind == Kind::Conflict);
    n.bindings.clear();
    n.forced_provisioning.reset();
    n.status = "active";
    n.capabilities = json::object{};
    CHECK(mihu_sim::decide_provisioning(n, "a").kind == Kind::Refused);
}

}  // TEST_SUITE
