// Unit tests of the simulator's socket-free core: state, validation, merge rules, faults, log.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "faults.hpp"
#include "reconcile/model/schema.hpp"
#include "sim_service.hpp"
#include "sim_state.hpp"

namespace json = boost::json;
using mihu_sim::HttpRequest;
using mihu_sim::HttpResponse;
using mihu_sim::SimService;
using mihu_sim::SimState;

namespace {

HttpRequest make(std::string method, std::string target, std::string body = {},
                 std::string token = "sim-token") {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
}

json::object parse(const HttpResponse& r) { return json::parse(r.body).as_object(); }

const json::value& at(const json::value& v, std::string_view pointer) { return v.at_pointer(pointer); }

json::object create(SimState& s, std::string_view body) {
    auto r = s.handle(make("POST", "/api/v1/agents", std::string(body)));
    REQUIRE(r.status == 201);
    return parse(r).at("data").as_object();
}

json::object seed_with_agents(int n) {
    json::array agents;
    for (int i = 0; i < n; ++i) agents.push_back(json::object{{"name", "Agent " + std::to_string(i)}});
    return json::object{{"agents", std::move(agents)}};
}

std::string error_field(const HttpResponse& r) {
    auto o = parse(r);
    auto* f = o.at("error").as_object().if_contains("field");
    return f ? std::string(f->as_string()) : std::string();
}

}  // namespace

TEST_SUITE("sim_state") {

TEST_CASE("authentication: missing and wrong tokens are 401 with distinct codes") {
    SimState s("secret");
    auto missing = s.handle(make("GET", "/api/v1/agents", {}, ""));
    CHECK(missing.status == 401);
    CHECK(parse(missing).at("error").at("code") == "MISSING_AUTH_TOKEN");
    CHECK(parse(missing).at("success") == false);
    auto wrong = s.handle(make("GET", "/api/v1/agents", {}, "nope"));
    CHECK(wrong.status == 401);
    CHECK(parse(wrong).at("error").at("code") == "INVALID_AUTH_TOKEN");
    CHECK(s.handle(make("GET", "/api/v1/agents", {}, "secret")).status == 200);
}

TEST_CASE("a partial create comes back with every default filled") {
    SimState s;
    auto a = create(s, R"({"name": "Sara"})");
    CHECK(a.at("name") == "Sara");
    CHECK(a.at("agent_uuid").as_string().size() == 36);
    CHECK(a.at("status") == "pending");
    CHECK(a.at("speed") == "normal");
    CHECK(a.at("description").is_null());
    CHECK(a.at("custom_llm_url").is_null());
    CHECK(a.at("recommendations").is_null());
    CHECK(a.at("appointment_scheduling_enabled") == false);
    CHECK(a.at("appointment_scheduling_randomly") == false);
    json::value v = a;
    CHECK(at(v, "/settings/voice/interruption/mode") == "balanced");
    CHECK(at(v, "/settings/voice/interaction/customer_speak_first") == false);
    // Numbers come back as doubles.
    CHECK(at(v, "/settings/voice/interaction/max_silence_prompts").is_double());
    CHECK(at(v, "/settings/voice/interaction/max_silence_prompts").as_double() == 3.0);
    CHECK(at(v, "/settings/voice/voice_profile").is_object());
    CHECK(at(v, "/settings/voice/voice_advanced").is_object());
    CHECK(at(v, "/settings/voice/call_behavior").is_object());
    CHECK(at(v, "/settings/voice/compliance").is_object());
    CHECK(at(v, "/settings/voice/normalizers/inbound").is_object());
    CHECK(at(v, "/settings/text/handover/enabled") == false);
    CHECK(at(v, "/settings/memorize").as_object().empty());
    CHECK(at(v, "/settings/evaluation").as_object().empty());
    for (auto key : {"guidelines", "notes", "procedures", "training", "intents", "webhooks",
                     "routing_rules", "guard_rules", "phone_numbers", "channels"})
        CHECK(a.at(key).as_array().empty());
    CHECK(at(v, "/appointments/enabled") == false);
    CHECK(at(v, "/appointments/random_assignment") == false);
    CHECK(at(v, "/appointments/schedule_assignments").as_array().empty());
    CHECK(a.at("created_at") == "2026-01-01T00:00:00Z");
    CHECK(a.at("updated_at") == "2026-01-01T00:00:00Z");
    // The response key order follows the API's.
    auto it = a.begin();
    CHECK(it->key() == "agent_uuid");
    CHECK((++it)->key() == "name");
}

TEST_CASE("create: sent nested values are merged onto the defaults") {
    SimState s;
    auto a = create(s, R"({"name": "A", "settings": {"voice": {"interaction": {"max_silence_prompts": 5}}}})");
    json::value v = a;
    CHECK(at(v, "/settings/voice/interaction/max_silence_prompts").as_double() == 5.0);
    CHECK(at(v, "/settings/voice/interaction/customer_speak_first") == false);
    CHECK(at(v, "/settings/voice/compliance/hipaa_compliance") == false);
}

TEST_CASE("strings are trimmed and empty strings stored as null, recursively") {
    SimState s;
    auto a = create(s, R"({"name": "  Sara \n", "description": " \t\r\n", "tone": "Warm\u000b",
        "guidelines": [{"content": "Be kind\n", "order": 1}],
        "routing_rules": [{"phrases": ["  sales  "], "voice_response": "", "priority": 1}]})");
    CHECK(a.at("name") == "Sara");
    CHECK(a.at("description").is_null());
    CHECK(a.at("tone") == "Warm");
    json::value v = a;
    CHECK(at(v, "/guidelines/0/content") == "Be kind");
    CHECK(at(v, "/routing_rules/0/phrases/0") == "sales");
    CHECK(at(v, "/routing_rules/0/voice_response").is_null());
    // An empty string inside a list of strings becomes null, which the list does not allow.
    auto r = s.handle(make("POST", "/api/v1/agents",
                           R"({"name": "B", "routing_rules": [{"phrases": ["a", " "]}]})"));
    CHECK(r.status == 422);
    CHECK(error_field(r) == "routing_rules[0].phrases[1]");
    CHECK(mihu_sim::php_trim(std::string_view("\0x\0", 3)) == "x");
}

TEST_CASE("collection elements get uuids; procedure steps do not; numbers become doubles") {
    SimState s;
    auto a = create(s, R"({"name": "A",
        "guidelines": [{"content": "g", "order": 0}],
        "notes": [{"content": "n", "order": 1}],
        "procedures": [{"name": "p", "steps": [{"order": 1, "description": "s"}]}],
        "training": [{"content": "q", "response": "r"}],
        "routing_rules": [{"trigger_keyword": "sales", "priority": 1}],
        "guard_rules": [{"when_condition": "w", "then_action": "forward"}],
        "appointments": {"schedule_assignments": [{"schedule_uuid": "s1"}]}})");
    json::value v = a;
    for (auto p : {"/guidelines/0", "/notes/0", "/procedures/0", "/training/0", "/routing_rules/0",
                   "/guard_rules/0", "/appointments/schedule_assignments/0"}) {
        CAPTURE(p);
        const auto& item = at(v, p).as_object();
        REQUIRE(item.contains("uuid"));
        CHECK(item.begin()->key() == "uuid");
    }
    CHECK_FALSE(at(v, "/procedures/0/steps/0").as_object().contains("uuid"));
    CHECK(at(v, "/procedures/0/steps/0/order").is_double());
    CHECK(at(v, "/guidelines/0/order").is_double());
    CHECK(at(v, "/routing_rules/0/priority").as_double() == 1.0);
    // Sent appointment keys merged onto the defaults.
    CHECK(at(v, "/appointments/enabled") == false);
}

TEST_CASE("validation: wrong types, enums, unknown and read-only fields are 422 naming the field") {
    SimState s;
    auto id = std::string(create(s, R"({"name": "A"})").at("agent_uuid").as_string());
    auto patch = [&](std::string body) {
        return s.handle(make("PATCH", "/api/v1/agents/" + id, std::move(body)));
    };
    struct Case {
        const char* body;
        const char* field;
    };
    Case cases[] = {
        {R"({"settings": {"voice": {"interaction": {"max_silence_prompts": "three"}}}})",
         "settings.voice.interaction.max_silence_prompts"},
        {R"({"settings": {"voice": {"interaction": {"max_silence_prompts": 2.5}}}})",
         "settings.voice.interaction.max_silence_prompts"},
        {R"({"description": true})", "description"},
        {R"({"language": 1})", "language"},
        {R"({"appointment_scheduling_enabled": "yes"})", "appointment_scheduling_enabled"},
        {R"({"status": "live"})", "status"},
        {R"({"settings": {"voice": {"nope": {}}}})", "settings.voice.nope"},
        {R"({"colour": "blue"})", "colour"},
        {R"({"agent_uuid": "x"})", "agent_uuid"},
        {R"({"updated_at": "x"})", "updated_at"},
        {R"({"phone_numbers": []})", "phone_numbers"},
        {R"({"settings": {"memorize": {}}})", "settings.memorize"},
        {R"({"guidelines": [{"uuid": "x", "content": "c"}]})", "guidelines[0].uuid"},
        {R"({"guard_rules": [{"then_action": "forward"}]})", "guard_rules[0].when_condition"},
        {R"({"name": ""})", "name"},
        {R"({"uuid": "x"})", "uuid"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.body);
        auto r = patch(c.body);
        CHECK(r.status == 422);
        auto o = parse(r);
        CHECK(o.at("success") == false);
        CHECK(o.at("message") == "The given data was invalid.");
        CHECK(o.at("error").at("code") == "VALIDATION_ERROR");
        CHECK(error_field(r) == c.field);
    }
    // Integer fields accept 3.0; number fields accept integers; nullable strings accept null.
    CHECK(patch(R"({"settings": {"voice": {"interaction": {"max_silence_prompts": 3.0}}}})").status == 200);
    CHECK(patch(R"({"settings": {"voice": {"voice_advanced": {"stability": 1}}}})").status == 200);
    CHECK(patch(R"({"description": null, "status": "ready"})").status == 200);
}

TEST_CASE("create requires a name; malformed JSON is 400") {
    SimState s;
    auto r = s.handle(make("POST", "/api/v1/agents", R"({"description": "x"})"));
    CHECK(r.status == 422);
    CHECK(error_field(r) == "name");
    r = s.handle(make("POST", "/api/v1/agents", R"({"name": "   "})"));
    CHECK(r.status == 422);
    CHECK(error_field(r) == "name");
    r = s.handle(make("POST", "/api/v1/agents", R"({"name": )"));
    CHECK(r.status == 400);
    CHECK(s.agent_count() == 0);
}

TEST_CASE("list agents: Laravel pagination in creation order") {
    SimState s;
    REQUIRE(s.load_seed(seed_with_agents(40)));
    auto first = parse(s.handle(make("GET", "/api/v1/agents")));
    CHECK(first.at("success") == true);
    CHECK(first.at("message") == "Agents retrieved successfully");
    json::value v = first;
    CHECK(at(v, "/data/items").as_array().size() == 15);
    CHECK(at(v, "/data/pagination/current_page") == 1);
    CHECK(at(v, "/data/pagination/per_page") == 15);
    CHECK(at(v, "/data/pagination/total") == 40);
    CHECK(at(v, "/data/pagination/last_page") == 3);
    CHECK(at(v, "/data/items/0/name") == "Agent 0");

    json::value p3 = parse(s.handle(make("GET", "/api/v1/agents?page=3&per_page=15")));
    CHECK(at(p3, "/data/items").as_array().size() == 10);
    CHECK(at(p3, "/data/items/0/name") == "Agent 30");
    CHECK(at(p3, "/data/pagination/current_page") == 3);

    json::value big = parse(s.handle(make("GET", "/api/v1/agents?per_page=100")));
    CHECK(at(big, "/data/items").as_array().size() == 40);
    CHECK(at(big, "/data/pagination/last_page") == 1);

    json::value past = parse(s.handle(make("GET", "/api/v1/agents?page=9")));
    CHECK(at(past, "/data/items").as_array().empty());

    auto over = s.handle(make("GET", "/api/v1/agents?per_page=101"));
    CHECK(over.status == 422);
    CHECK(error_field(over) == "per_page");
    CHECK(s.handle(make("GET", "/api/v1/agents?page=0")).status == 422);
    CHECK(s.handle(make("GET", "/api/v1/agents?page=abc")).status == 422);

    SimState empty;
    json::value e = parse(empty.handle(make("GET", "/api/v1/agents")));
    CHECK(at(e, "/data/pagination/total") == 0);
    CHECK(at(e, "/data/pagination/last_page") == 1);
}

TEST_CASE("get and delete by uuid; unknown uuids are 404") {
    SimState s;
    auto id = std::string(create(s, R"({"name": "A"})").at("agent_uuid").as_string());
    auto r = s.handle(make("GET", "/api/v1/agents/" + id));
    CHECK(r.status == 200);
    CHECK(parse(r).at("data").at("name") == "A");
    CHECK(s.handle(make("GET", "/api/v1/agents/nope")).status == 404);
    CHECK(s.handle(make("PATCH", "/api/v1/agents/nope", "{}")).status == 404);
    CHECK(s.handle(make("DELETE", "/api/v1/agents/" + id)).status == 200);
    CHECK(s.handle(make("GET", "/api/v1/agents/" + id)).status == 404);
    CHECK(s.handle(make("DELETE", "/api/v1/agents/" + id)).status == 404);
    CHECK(s.handle(make("GET", "/api/v1/unknown")).status == 404);
}

TEST_CASE("PATCH: partial update, deep merge, arrays replaced whole, updated_at moves") {
    SimState s;
    auto a = create(s, R"({"name": "A", "tone": "Warm",
        "settings": {"voice": {"interaction": {"max_silence_prompts": 4, "silence_message": "Hello?"}}},
        "guidelines": [{"content": "one", "order": 0}, {"content": "two", "order": 1}]})");
    std::string id(a.at("agent_uuid").as_string());
    json::value before = a;
    auto r = s.handle(make("PATCH", "/api/v1/agents/" + id,
                           R"({"settings": {"voice": {"interaction": {"max_silence_prompts": 2}}},
                               "guidelines": [{"content": "one", "order": 0}]})"));
    REQUIRE(r.status == 200);
    auto o = parse(r);
    CHECK(o.at("message") == "Agent updated successfully");
    json::value after = o.at("data");
    CHECK(at(after, "/tone") == "Warm");
    CHECK(at(after, "/settings/voice/interaction/max_silence_prompts").as_double() == 2.0);
    CHECK(at(after, "/settings/voice/interaction/silence_message") == "Hello?");
    CHECK(at(after, "/settings/voice/compliance") == at(before, "/settings/voice/compliance"));
    CHECK(at(after, "/guidelines").as_array().size() == 1);
    CHECK(at(after, "/guidelines/0/uuid") != at(before, "/guidelines/0/uuid"));
    CHECK(at(after, "/created_at") == at(before, "/created_at"));
    CHECK(at(after, "/updated_at") != at(before, "/updated_at"));
    CHECK(at(after, "/updated_at") == "2026-01-01T00:00:01Z");
    // Not sending a collection leaves it alone.
    auto again = parse(s.handle(make("PATCH", "/api/v1/agents/" + id, R"({"tone": "Dry"})")));
    json::value v = again.at("data");
    CHECK(at(v, "/guidelines/0/uuid") == at(after, "/guidelines/0/uuid"));
    CHECK(at(v, "/updated_at") == "2026-01-01T00:00:02Z");
}

TEST_CASE("patch_merge: x-patch replace objects are replaced whole") {
    auto schema = reconcile::Schema::parse(R"({"type": "object", "properties": {
        "merged": {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}},
        "replaced": {"type": "object", "x-patch": "replace",
                     "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}}})");
    REQUIRE(schema.has_value());
    json::object dst = json::parse(R"({"merged": {"a": 1, "b": 2}, "replaced": {"a": 1, "b": 2}, "list": [1, 2]})").as_object();
    json::object src = json::parse(R"({"merged": {"a": 9}, "replaced": {"a": 9}, "list": [3]})").as_object();
    mihu_sim::patch_merge(dst, src, &schema->root());
    CHECK(json::serialize(dst) == R"({"merged":{"a":9,"b":2},"replaced":{"a":9},"list":[3]})");
}

TEST_CASE("provisioning binds the call channel and shows on both sides") {
    SimState s;
    REQUIRE(s.load_seed(json::parse(R"({
        "agents": [{"agent_uuid": "a-1", "name": "One"}, {"agent_uuid": "a-2", "name": "Two"}],
        "phone_numbers": [
            {"phone_number_uuid": "n-1", "number": "+390700000001"},
            {"phone_number_uuid": "n-2", "number": "+390700000002", "bindings": {"call": {"agent_uuid": "a-2"}}}]})")));

    json::value list = parse(s.handle(make("GET", "/api/v1/phone-numbers")));
    CHECK(at(list, "/data/items/0/bindings/call/bound") == false);
    CHECK(at(list, "/data/items/0/bindings/call/agent_uuid").is_null());
    CHECK(at(list, "/data/items/0/country_code") == "IT");
    CHECK(at(list, "/data/items/1/bindings/call/bound") == true);
    CHECK(at(list, "/data/items/1/bindings/call/agent_name") == "Two");
    CHECK(at(list, "/data/items/1/bindings/sms/bound") == false);
    CHECK(at(list, "/data/pagination/total") == 2);

    auto r = s.handle(make("POST", "/api/v1/agents/a-1/channels/call/provision",
                           R"({"phone_number_uuid": "n-1"})"));
    REQUIRE(r.status == 200);
    json::value o = parse(r);
    CHECK(at(o, "/message") == "Call channel provisioned");
    CHECK(at(o, "/data/provisioning/success") == true);
    CHECK(at(o, "/data/provisioning/call_setting_uuid").is_string());
    CHECK(at(o, "/data/agent/phone_numbers/0/number") == "+390700000001");
    CHECK(at(o, "/data/agent/channels/0/channel") == "call");

    list = parse(s.handle(make("GET", "/api/v1/phone-numbers")));
    CHECK(at(list, "/data/items/0/bindings/call/agent_uuid") == "a-1");
    CHECK(at(list, "/data/items/0/bindings/call/agent_name") == "One");

    // Bound to another agent: 409. Unknown number or agent: 404. Missing field: 422.
    CHECK(s.handle(make("POST", "/api/v1/agents/a-1/channels/call/provision",
                        R"({"phone_number_uuid": "n-2"})")).status == 409);
    CHECK(s.handle(make("POST", "/api/v1/agents/a-1/channels/call/provision",
                        R"({"phone_number_uuid": "n-9"})")).status == 404);
    CHECK(s.handle(make("POST", "/api/v1/agents/a-9/channels/call/provision",
                        R"({"phone_number_uuid": "n-1"})")).status == 404);
    auto missing = s.handle(make("POST", "/api/v1/agents/a-1/channels/call/provision", "{}"));
    CHECK(missing.status == 422);
    CHECK(error_field(missing) == "phone_number_uuid");

    // The binding follows renames; deleting the agent unbinds.
    REQUIRE(s.handle(make("PATCH", "/api/v1/agents/a-2", R"({"name": "Deux"})")).status == 200);
    list = parse(s.handle(make("GET", "/api/v1/phone-numbers")));
    CHECK(at(list, "/data/items/1/bindings/call/agent_name") == "Deux");
    REQUIRE(s.handle(make("DELETE", "/api/v1/agents/a-2")).status == 200);
    list = parse(s.handle(make("GET", "/api/v1/phone-numbers")));
    CHECK(at(list, "/data/items/1/bindings/call/bound") == false);
}

TEST_CASE("seeding is deterministic and rejects bad documents without changing state") {
    SimState a, b;
    auto seed = seed_with_agents(3);
    seed["agents"].as_array()[0].as_object()["guidelines"] = json::parse(R"([{"content": "x"}])");
    REQUIRE(a.load_seed(seed));
    REQUIRE(b.load_seed(seed));
    CHECK(json::serialize(a.dump()) == json::serialize(b.dump()));
    json::value d = a.dump();
    CHECK(at(d, "/agents/0/guidelines/0/uuid").is_string());
    CHECK(at(d, "/agents/0/status") == "pending");

    CHECK_FALSE(a.load_seed(json::parse(R"({"phone_numbers": [{"number": "+1", "bindings": {"call": {"agent_uuid": "ghost"}}}]})")));
    CHECK_FALSE(a.load_seed(json::parse(R"({"agents": [{"agent_uuid": "x"}, {"agent_uuid": "x"}]})")));
    CHECK(a.agent_count() == 3);
}

}  // TEST_SUITE

TEST_SUITE("sim_faults") {

TEST_CASE("fault rules: matching, times, and the request log") {
    SimService svc;
    REQUIRE(svc.load_seed(seed_with_agents(1)));
    auto set = svc.handle(make("POST", "/_sim/faults", R"({"faults": [
        {"method": "POST", "path_prefix": "/api/v1/agents", "times": 1, "action": "status", "status": 503, "retry_after": "2"},
        {"method": "*", "path_prefix": "/api/v1/phone-numbers", "action": "wrong_content_type"}]})"));
    REQUIRE(set.response.status == 200);

    auto first = svc.handle(make("POST", "/api/v1/agents", R"({"name": "X"})"), 7);
    CHECK(first.response.status == 503);
    CHECK(first.response.header("Retry-After") == "2");
    auto second = svc.handle(make("POST", "/api/v1/agents", R"({"name": "X"})"), 7);
    CHECK(second.response.status == 201);
    auto html = svc.handle(make("GET", "/api/v1/phone-numbers"), 8);
    CHECK(html.response.status == 200);
    CHECK(html.response.header("Content-Type")->starts_with("text/html"));

    json::value log = svc.requests_json();
    const auto& reqs = log.at("requests").as_array();
    REQUIRE(reqs.size() == 3);
    CHECK(at(reqs[0], "/fault") == "status");
    CHECK(at(reqs[0], "/status") == 503);
    CHECK(at(reqs[0], "/connection") == 7);
    CHECK(at(reqs[0], "/body/name") == "X");
    CHECK(at(reqs[1], "/fault").is_null());
    CHECK(at(reqs[1], "/status") == 201);
    CHECK(at(reqs[2], "/fault") == "wrong_content_type");
    // The state shows one created agent (the 503 was not applied).
    json::value st = svc.state_json();
    CHECK(st.at("agents").as_array().size() == 2);

    svc.handle(make("POST", "/_sim/requests/clear"));
    CHECK(svc.requests_json().at("requests").as_array().empty());
    svc.handle(make("POST", "/_sim/faults/clear"));
    CHECK(svc.handle(make("GET", "/api/v1/phone-numbers")).response.header("Content-Type") == "application/json");
}

TEST_CASE("drop_after_commit applies the write; drop_before and stall do not") {
    SimService svc;
    svc.handle(make("POST", "/_sim/faults", R"({"faults": [
        {"method": "POST", "times": 1, "action": "drop_after_commit"},
        {"method": "POST", "times": 1, "action": "drop_before"},
        {"method": "POST", "times": 1, "action": "stall", "ms": 50},
        {"method": "POST", "times": 1, "action": "malformed_json"}]})"));
    auto committed = svc.handle(make("POST", "/api/v1/agents", R"({"name": "A"})"));
    CHECK(committed.disposition == mihu_sim::Disposition::CloseAfterCommit);
    auto dropped = svc.handle(make("POST", "/api/v1/agents", R"({"name": "B"})"));
    CHECK(dropped.disposition == mihu_sim::Disposition::CloseNow);
    auto stalled = svc.handle(make("POST", "/api/v1/agents", R"({"name": "C"})"));
    CHECK(stalled.disposition == mihu_sim::Disposition::StallThenClose);
    CHECK(stalled.stall_ms == 50);
    auto garbled = svc.handle(make("POST", "/api/v1/agents", R"({"name": "D"})"));
    CHECK(garbled.response.status == 200);
    boost::system::error_code ec;
    (void)json::parse(garbled.response.body, ec);
    CHECK(ec);
    json::value st = svc.state_json();
    const auto& agents = st.at("agents").as_array();
    REQUIRE(agents.size() == 2);
    CHECK(at(agents[0], "/name") == "A");
    CHECK(at(agents[1], "/name") == "D");
    json::value log = svc.requests_json();
    CHECK(at(log, "/requests/1/status").is_null());
    CHECK(at(log, "/requests/1/fault") == "drop_before");
}

TEST_CASE("rate_limit: token bucket with optional Retry-After") {
    auto now = std::chrono::steady_clock::time_point{};
    mihu_sim::FaultEngine engine([&] { return now; });
    REQUIRE(engine.set_rules(json::parse(
        R"({"faults": [{"action": "rate_limit", "per_second": 2, "retry_after": true}]})")));
    CHECK_FALSE(engine.decide("GET", "/api/v1/agents"));
    CHECK_FALSE(engine.decide("GET", "/api/v1/agents"));
    auto limited = engine.decide("GET", "/api/v1/agents");
    REQUIRE(limited);
    CHECK(limited->response->status == 429);
    CHECK(limited->response->header("Retry-After") == "1");
    now += std::chrono::milliseconds(600);
    CHECK_FALSE(engine.decide("GET", "/api/v1/agents"));

    REQUIRE(engine.set_rules(json::parse(
        R"({"faults": [{"action": "rate_limit", "per_second": 1, "retry_after": false}]})")));
    CHECK_FALSE(engine.decide("GET", "/x"));
    auto bare = engine.decide("GET", "/x");
    REQUIRE(bare);
    CHECK_FALSE(bare->response->header("Retry-After"));

    CHECK_FALSE(engine.set_rules(json::parse(R"({"faults": [{"action": "explode"}]})")));
    CHECK_FALSE(engine.set_rules(json::parse(R"({"faults": [{"action": "latency"}]})")));
}

TEST_CASE("test hooks: seed replaces the state, /_sim requests are not logged") {
    SimService svc;
    auto r = svc.handle(make("POST", "/_sim/seed", json::serialize(seed_with_agents(5))));
    CHECK(r.response.status == 200);
    CHECK(svc.state_json().at("agents").as_array().size() == 5);
    CHECK(svc.handle(make("POST", "/_sim/seed", R"({"agents": 3})")).response.status == 400);
    CHECK(svc.state_json().at("agents").as_array().size() == 5);
    CHECK(svc.handle(make("GET", "/_sim/nope")).response.status == 404);
    CHECK(svc.requests_json().at("requests").as_array().empty());
}

}  // TEST_SUITE
