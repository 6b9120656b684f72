// The agent endpoints: authentication, defaults, Laravel trimming and floats, item uuids,
// pagination, PATCH merge rules, delete.
#include "laravel.hpp"
#include "sim_test_support.hpp"

using namespace sim_test;

TEST_SUITE("sim_routes") {

TEST_CASE("authentication: missing and wrong tokens are 401 with distinct codes") {
    SimApi s("secret");
    auto missing = s.handle(make("GET", "/api/v1/agents", {}, ""));
    CHECK(missing.status == 401);
    CHECK(parse(missing).at("error").at("code") == "MISSING_AUTH_TOKEN");
    CHECK(parse(missing).at("success") == false);
    auto wrong = s.handle(make("GET", "/api/v1/agents", {}, "nope"));
    CHECK(wrong.status == 401);
    CHECK(parse(wrong).at("error").at("code") == "INVALID_AUTH_TOKEN");
    CHECK(s.handle(make("GET", "/api/v1/agents", {}, "secret")).status == 200);
    CHECK(s.handle(make("GET", "/api/v2/agents", {}, "secret")).status == 404);
    CHECK(s.handle(make("PUT", "/api/v1/agents", {}, "secret")).status == 405);
}

TEST_CASE("a partial create comes back with every default filled") {
    SimApi s;
    auto a = create(s, R"({"name": "Sara"})");
    CHECK(a.at("name") == "Sara");
    CHECK(a.at("agent_uuid").as_string().size() == 36);
    CHECK(a.at("status") == "pending");
    CHECK(a.at("speed") == "normal");
    CHECK(a.at("description").is_null());
    CHECK(a.at("custom_llm_url").is_null());
    CHECK(a.at("recommendations").is_null());
    CHECK(a.at("appointment_scheduling_enabled") == false);
    json::value v = a;
    CHECK(at(v, "/settings/voice/interruption/mode") == "balanced");
    CHECK(at(v, "/settings/voice/interaction/customer_speak_first") == false);
    CHECK(at(v, "/settings/voice/interaction/max_silence_prompts").is_double());
    CHECK(at(v, "/settings/voice/interaction/max_silence_prompts").as_double() == 3.0);
    CHECK(at(v, "/settings/voice/normalizers/inbound").is_object());
    CHECK(at(v, "/settings/text/handover/enabled") == false);
    CHECK(at(v, "/settings/memorize").as_object().empty());
    CHECK(at(v, "/settings/evaluation").as_object().empty());
    for (auto key : {"guidelines", "notes", "procedures", "training", "intents", "webhooks",
                     "routing_rules", "guard_rules", "phone_numbers", "channels"})
        CHECK(a.at(key).as_array().empty());
    CHECK(at(v, "/appointments/enabled") == false);
    CHECK(at(v, "/appointments/schedule_assignments").as_array().empty());
    CHECK(a.at("created_at") == "2026-01-01T00:00:00Z");
    CHECK(a.at("updated_at") == "2026-01-01T00:00:00Z");
    auto it = a.begin();
    CHECK(it->key() == "agent_uuid");
    CHECK((++it)->key() == "name");
}

TEST_CASE("create: sent nested values are merged onto the defaults") {
    SimApi s;
    auto a = create(s, R"({"name": "A", "settings": {"voice": {"interaction": {"max_silence_prompts": 5}}}})");
    json::value v = a;
    CHECK(at(v, "/settings/voice/interaction/max_silence_prompts").as_double() == 5.0);
    CHECK(at(v, "/settings/voice/interaction/customer_speak_first") == false);
    CHECK(at(v, "/settings/voice/compliance/hipaa_compliance") == false);
}

TEST_CASE("strings are trimmed and empty strings stored as null, recursively") {
    SimApi s;
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

TEST_CASE("collection elements get uuids and element defaults; procedure steps do not") {
    SimApi s;
    auto a = create(s, R"({"name": "A",
        "guidelines": [{"content": "g", "order": 0}],
        "notes": [{"content": "n", "order": 1}],
        "procedures": [{"name": "p", "steps": [{"order": 1, "description": "s"}]}],
        "training": [{"content": "q", "response": "r"}],
        "routing_rules": [{"trigger_keyword": "sales", "priority": 1}],
        "guard_rules": [{"when_condition": "w", "then_action": "forward"},
                        {"when_condition": "x", "then_action": "end_conversation", "selected_channels": []}],
        "appointments": {"schedule_assignments": [{"schedule_uuid": "s1"}]}})");
    json::value v = a;
    for (auto p : {"/guidelines/0", "/notes/0", "/procedures/0", "/training/0", "/routing_rules/0",
                   "/guard_rules/0", "/appointments/schedule_assignments/0"}) {
        CAPTURE(p);
        const auto& item = at(v, p).as_object();
        REQUIRE(item.contains("uuid"));
        CHECK(item.begin()->key() == "uuid");
        CHECK(item.at("uuid").as_string().size() == 36);
    }
    CHECK_FALSE(at(v, "/procedures/0/steps/0").as_object().contains("uuid"));
    CHECK(at(v, "/procedures/0/steps/0/order").is_double());
    CHECK(at(v, "/guidelines/0/order").is_double());
    CHECK(at(v, "/routing_rules/0/priority").as_double() == 1.0);
    // A guard rule sent without channels is phone-only (documented default); [] stays [].
    CHECK(at(v, "/guard_rules/0/selected_channels") == json::array{"phone"});
    CHECK(at(v, "/guard_rules/1/selected_channels").as_array().empty());
}

TEST_CASE("list agents: Laravel pagination in creation order") {
    SimApi s;
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

    CHECK(at(json::value(parse(s.handle(make("GET", "/api/v1/agents?page=9")))), "/data/items")
              .as_array()
              .empty());
    CHECK(at(json::value(parse(s.handle(make("GET", "/api/v1/agents?page=18446744073709551615")))),
             "/data/items")
              .as_array()
              .empty());

    auto over = s.handle(make("GET", "/api/v1/agents?per_page=101"));
    CHECK(over.status == 422);
    CHECK(error_field(over) == "per_page");
    CHECK(s.handle(make("GET", "/api/v1/agents?page=0")).status == 422);
    CHECK(s.handle(make("GET", "/api/v1/agents?page=abc")).status == 422);

    SimApi empty;
    json::value e = parse(empty.handle(make("GET", "/api/v1/agents")));
    CHECK(at(e, "/data/pagination/total") == 0);
    CHECK(at(e, "/data/pagination/last_page") == 1);
}

TEST_CASE("get and delete by uuid; unknown uuids are 404") {
    SimApi s;
    auto id = create_id(s, R"({"name": "A"})");
    auto r = s.handle(make("GET", "/api/v1/agents/" + id));
    CHECK(r.status == 200);
    CHECK(parse(r).at("data").at("name") == "A");
    CHECK(s.handle(make("GET", "/api/v1/agents/nope")).status == 404);
    CHECK(s.handle(make("PATCH", "/api/v1/agents/nope", R"({"name": "A"})")).status == 404);
    auto deleted = s.handle(make("DELETE", "/api/v1/agents/" + id));
    CHECK(deleted.status == 200);
    CHECK(json::value(parse(deleted)) == json::parse(R"({"success":true,"message":"Agent deleted successfully"})"));
    CHECK(s.handle(make("GET", "/api/v1/agents/" + id)).status == 404);
    CHECK(s.handle(make("DELETE", "/api/v1/agents/" + id)).status == 404);
    CHECK(s.handle(make("GET", "/api/v1/unknown")).status == 404);
    CHECK(s.agent_count() == 0);
    json::value list = parse(s.handle(make("GET", "/api/v1/agents")));
    CHECK(at(list, "/data/pagination/total") == 0);
}

TEST_CASE("PATCH: partial update, deep merge, collections replaced whole, updated_at moves") {
    SimApi s;
    auto a = create(s, R"({"name": "A", "tone": "Warm",
        "settings": {"voice": {"interaction": {"max_silence_prompts": 4, "silence_message": "Hello?"}}},
        "guidelines": [{"content": "one", "order": 0}, {"content": "two", "order": 1}]})");
    std::string id(a.at("agent_uuid").as_string());
    json::value before = a;
    auto r = s.handle(make("PATCH", "/api/v1/agents/" + id,
                           R"({"name": "A", "settings": {"voice": {"interaction": {"max_silence_prompts": 2}}},
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
    CHECK(at(after, "/updated_at") == "2026-01-01T00:00:01Z");
    // Not sending a collection leaves it alone.
    auto again = parse(s.handle(make("PATCH", "/api/v1/agents/" + id, R"({"name": "A", "tone": "Dry"})")));
    json::value v = again.at("data");
    CHECK(at(v, "/guidelines/0/uuid") == at(after, "/guidelines/0/uuid"));
    CHECK(at(v, "/updated_at") == "2026-01-01T00:00:02Z");
    // A sent empty list empties the collection.
    auto emptied = parse(s.handle(make("PATCH", "/api/v1/agents/" + id, R"({"name": "A", "guidelines": []})")));
    CHECK(emptied.at("data").at("guidelines").as_array().empty());
}

TEST_CASE("PATCH: appointments, when sent, replaces the whole section") {
    SimApi s;
    auto id = create_id(s, R"({"name": "A", "appointments": {"enabled": true, "random_assignment": true,
        "schedule_assignments": [{"schedule_uuid": "s1", "name": "Service"}]}})");
    auto r = s.handle(make("PATCH", "/api/v1/agents/" + id, R"({"name": "A", "appointments": {"enabled": true}})"));
    REQUIRE(r.status == 200);
    json::value v = parse(r).at("data");
    // Keys not sent went back to the defaults, not kept from the stored section.
    CHECK(at(v, "/appointments") ==
          json::parse(R"({"enabled": true, "random_assignment": false, "schedule_assignments": []})"));
    r = s.handle(make("PATCH", "/api/v1/agents/" + id,
                      R"({"name": "A", "appointments": {"schedule_assignments": [{"schedule_uuid": "s2"}]}})"));
    v = parse(r).at("data");
    CHECK(at(v, "/appointments/enabled") == false);
    CHECK(at(v, "/appointments/schedule_assignments/0/schedule_uuid") == "s2");
    // settings, by contrast, merges at every depth.
    r = s.handle(make("PATCH", "/api/v1/agents/" + id,
                      R"({"name": "A", "settings": {"text": {"handover": {"enabled": true}}}})"));
    v = parse(r).at("data");
    CHECK(at(v, "/settings/text/handover/enabled") == true);
    CHECK(at(v, "/settings/text/handover/handover_timeout").as_double() == 60.0);
}

TEST_CASE("the documented PATCH example applies, and reads back trimmed, with uuids and floats") {
    SimApi s;
    auto id = create_id(s, R"({"name": "Draft"})");
    json::value example = data_file("update_agent_example.json");
    auto r = s.handle(make("PATCH", "/api/v1/agents/" + id, json::serialize(example)));
    INFO(r.body);
    REQUIRE(r.status == 200);
    json::value v = parse(r).at("data");
    CHECK(at(v, "/name") == "Volvo Cagliari Service Agent");
    CHECK(at(v, "/settings/voice/interruption/mode") == "balanced");
    CHECK(at(v, "/settings/text/timing_and_delay/pause_before_reply").is_double());
    CHECK(at(v, "/appointments/schedule_assignments/0/uuid").is_string());
    CHECK(at(v, "/appointments/schedule_assignments/0/slot_rules/max_appointments_per_day").as_double() == 10.0);
    CHECK(at(v, "/guard_rules/0/selected_channels").as_array().empty());
}

}  // TEST_SUITE
