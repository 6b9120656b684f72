#include <doctest/doctest.h>

#include "plan_fixtures.hpp"
#include "reconcile/engine/diff.hpp"

using namespace reconcile;
using namespace reconcile::testing;

namespace {

AgentDiff diff(std::string_view desired, std::string_view live) {
    return diff_agent(parse_object(desired), parse_object(live), test_schema());
}

// A live agent as the server returns it: defaults filled in, uuids on items, floats.
constexpr std::string_view kLiveSales = R"({
    "agent_uuid": "7d0e-sales", "name": "Sales", "description": null, "objective": "Line 1\nLine 2",
    "tone": "Warm", "language": "en", "status": "ready", "recommendations": "server text",
    "settings": {
        "voice": {"interaction": {"customer_speak_first": false, "inbound_first_message": "Hi",
                                  "max_silence_prompts": 3},
                  "voice_profile": {"language": "en", "voice_uuid": "v-1", "voice_name": "Giulia"}},
        "text": {"timing_and_delay": {"base_delay": 0.5, "pause_before_reply": 1.0}},
        "memorize": {"enabled": true}
    },
    "guidelines": [{"uuid": "g-1", "content": "Be nice", "order": 0},
                   {"uuid": "g-2", "content": "Be brief", "order": 1}],
    "routing_rules": [{"uuid": "r-1", "trigger_keyword": "sales", "phrases": ["talk to sales", "pricing"],
                       "priority": 1, "is_active": true}],
    "intents": [{"intent_uuid": "i-1"}],
    "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-05-01T10:00:00Z"
})";

}  // namespace

TEST_SUITE("diff") {

TEST_CASE("an unchanged agent with server-filled defaults, floats and item uuids has no change") {
    auto d = diff(R"({
        "name": "Sales", "objective": "Line 1\nLine 2\n", "tone": "  Warm ", "description": "",
        "settings": {"text": {"timing_and_delay": {"pause_before_reply": 1, "base_delay": 0.5}},
                     "voice": {"interaction": {"max_silence_prompts": 3.0}}},
        "guidelines": [{"content": "Be nice"}, {"content": "Be brief\n", "order": 1}],
        "routing_rules": [{"trigger_keyword": "sales", "phrases": ["talk to sales", "pricing "]}]
    })",
                  kLiveSales);
    CHECK(d.changes.empty());
    CHECK(d.patch.empty());
    CHECK(d.notes.empty());
    CHECK(d.replaced_collections.empty());
}

TEST_CASE("a field absent from the desired document is unmanaged at every depth") {
    // Everything the live agent has beyond these is left alone, top level and nested.
    auto d = diff(R"({"name": "Sales", "settings": {"voice": {"interaction": {"customer_speak_first": false}}}})",
                  kLiveSales);
    CHECK(d.patch.empty());
    // Inside collection elements too: `order` is not given, live has 0 and 1.
    auto g = diff(R"({"guidelines": [{"content": "Be nice"}, {"content": "Be brief"}]})", kLiveSales);
    CHECK(g.patch.empty());
    // ...and in nested arrays inside elements.
    auto r = diff(R"({"routing_rules": [{"phrases": ["talk to sales", "pricing"]}]})", kLiveSales);
    CHECK(r.patch.empty());
}

TEST_CASE("an explicit null clears a live value; null against missing or empty is no change") {
    auto d = diff(R"({"tone": null})", kLiveSales);
    REQUIRE(d.changes.size() == 1);
    CHECK(d.changes[0].path == "tone");
    CHECK(js(d.changes[0].before) == "\"Warm\"");
    CHECK(d.changes[0].after.is_null());
    CHECK(js(d.patch) == R"({"tone":null})");

    CHECK(diff(R"({"tone": null})", R"({"name": "X"})").patch.empty());
    CHECK(diff(R"({"tone": null})", R"({"tone": ""})").patch.empty());
    CHECK(diff(R"({"tone": null})", R"({"tone": "  "})").patch.empty());
    // And a nested explicit null.
    auto n = diff(R"({"settings": {"voice": {"interaction": {"inbound_first_message": null}}}})", kLiveSales);
    CHECK(js(n.patch) == R"({"settings":{"voice":{"interaction":{"inbound_first_message":null}}}})");
}

TEST_CASE("settings changes send only the changed leaves, nested") {
    auto d = diff(R"({
        "name": "Sales",
        "settings": {"voice": {"interaction": {"max_silence_prompts": 5, "inbound_first_message": "Hi\n",
                                               "customer_speak_first": false}},
                     "text": {"timing_and_delay": {"base_delay": 0.75}}}
    })",
                  kLiveSales);
    CHECK(js(d.patch) ==
          R"({"settings":{"voice":{"interaction":{"max_silence_prompts":5}},"text":{"timing_and_delay":{"base_delay":7.5E-1}}}})");
    REQUIRE(d.changes.size() == 2);
    CHECK(d.changes[0].path == "settings.voice.interaction.max_silence_prompts");
    CHECK(js(d.changes[0].before) == "3");
    CHECK(js(d.changes[0].after) == "5");
    CHECK_FALSE(d.changes[0].collection);
    CHECK(d.changes[1].path == "settings.text.timing_and_delay.base_delay");
    CHECK(d.change_pointers[0] == "/settings/voice/interaction/max_silence_prompts");
    // Ints stay ints in the body.
    CHECK(d.patch.at("settings").at("voice").at("interaction").at("max_silence_prompts").is_int64());
    CHECK(d.notes.empty());
}

TEST_CASE("body values are the desired values as loaded; changes show normalized values") {
    auto d = diff(R"({"tone": "Cold \n"})", kLiveSales);
    CHECK(js(d.patch) == R"({"tone":"Cold \n"})");
    REQUIRE(d.changes.size() == 1);
    CHECK(js(d.changes[0].after) == "\"Cold\"");
}

TEST_CASE("a changed collection is sent whole, without item uuids, with a note") {
    auto d = diff(R"({"guidelines": [{"content": "Be nice", "order": 0},
                                     {"content": "Be very brief", "order": 1},
                                     {"uuid": "made-up", "content": "New", "order": 2}]})",
                  kLiveSales);
    CHECK(js(d.patch) ==
          R"({"guidelines":[{"content":"Be nice","order":0},{"content":"Be very brief","order":1},{"content":"New","order":2}]})");
    REQUIRE(d.changes.size() == 1);
    const auto& c = d.changes[0];
    CHECK(c.path == "guidelines");
    CHECK(c.collection);
    CHECK(js(c.before) == R"([{"content":"Be nice","order":0},{"content":"Be brief","order":1}])");
    CHECK(js(c.after) == R"([{"content":"Be nice","order":0},{"content":"Be very brief","order":1},{"content":"New","order":2}])");
    CHECK(d.replaced_collections == std::vector<std::string>{"guidelines"});
    REQUIRE(d.notes.size() == 1);
    CHECK(d.notes[0] ==
          "guidelines is sent whole: the API replaces the collection, so fields not given in its items return to "
          "the API's defaults");
}

TEST_CASE("a difference inside a nested array of an element sends the collection whole") {
    auto d = diff(R"({"routing_rules": [{"trigger_keyword": "sales", "phrases": ["talk to sales"]}]})", kLiveSales);
    CHECK(js(d.patch) == R"({"routing_rules":[{"trigger_keyword":"sales","phrases":["talk to sales"]}]})");
    REQUIRE(d.changes.size() == 1);
    CHECK(d.changes[0].path == "routing_rules");
    CHECK(d.changes[0].collection);
}

TEST_CASE("same items in another order is a change (collections are ordered)") {
    auto d = diff(R"({"guidelines": [{"content": "Be brief"}, {"content": "Be nice"}]})", kLiveSales);
    CHECK(d.patch.contains("guidelines"));
}

TEST_CASE("clearing a collection with [] sends [] and needs no note") {
    auto d = diff(R"({"guidelines": []})", kLiveSales);
    CHECK(js(d.patch) == R"({"guidelines":[]})");
    CHECK(d.notes.empty());
    REQUIRE(d.changes.size() == 1);
    CHECK(d.changes[0].collection);
}

TEST_CASE("an object with x-patch replace is sent whole when anything in it changed") {
    auto d = diff(R"({"settings": {"voice": {"voice_profile": {"voice_name": "Sara", "language": "en"}}}})",
                  kLiveSales);
    CHECK(js(d.patch) == R"({"settings":{"voice":{"voice_profile":{"voice_name":"Sara","language":"en"}}}})");
    REQUIRE(d.changes.size() == 1);
    CHECK(d.changes[0].path == "settings.voice.voice_profile.voice_name");
    REQUIRE(d.notes.size() == 1);
    CHECK(d.notes[0].starts_with("settings.voice.voice_profile is sent whole"));
    // Unchanged: nothing sent.
    auto same = diff(R"({"settings": {"voice": {"voice_profile": {"voice_name": "Giulia"}}}})", kLiveSales);
    CHECK(same.patch.empty());
}

TEST_CASE("an x-patch whole object is sent complete: live values under the document's") {
    constexpr std::string_view live = R"({"name": "A", "appointments": {"enabled": true, "random_assignment": false,
        "schedule_assignments": [{"uuid": "s-1", "schedule_uuid": "sch-1",
                                  "slot_rules": {"max_appointments_per_day": 10.0}}]}})";
    // Turning booking off must not wipe the assignments, whether the API merges or replaces.
    auto d = diff(R"({"name": "A", "appointments": {"enabled": false}})", live);
    REQUIRE(d.changes.size() == 1);
    CHECK(d.changes[0].path == "appointments.enabled");
    CHECK(json::serialize(d.patch) ==
          R"({"appointments":{"enabled":false,"random_assignment":false,"schedule_assignments":)"
          R"([{"schedule_uuid":"sch-1","slot_rules":{"max_appointments_per_day":10}}]}})");
    REQUIRE(d.notes.size() == 1);
    CHECK(d.notes[0].find("appointments is sent whole") == 0);

    // Unchanged: nothing is sent at all.
    CHECK(diff(R"({"name": "A", "appointments": {"enabled": true}})", live).patch.empty());
    // A list the document gives replaces the live one inside the whole object.
    auto lists = diff(R"({"name": "A", "appointments": {"schedule_assignments": []}})", live);
    CHECK(json::serialize(lists.patch) ==
          R"({"appointments":{"enabled":true,"random_assignment":false,"schedule_assignments":[]}})");
}

TEST_CASE("read-only fields are ignored on both sides") {
    auto d = diff(R"({"name": "Sales", "recommendations": "mine", "updated_at": "1999", "agent_uuid": "other",
                      "intents": [], "settings": {"memorize": {"enabled": false}}})",
                  kLiveSales);
    CHECK(d.changes.empty());
    CHECK(d.patch.empty());
    // A read-only field inside a sent collection item is not sent.
    auto g = diff(R"({"guidelines": [{"uuid": "g-1", "content": "Changed"}]})", kLiveSales);
    CHECK(js(g.patch) == R"({"guidelines":[{"content":"Changed"}]})");
}

TEST_CASE("a field the live agent lacks counts as null") {
    auto d = diff(R"({"language": "it", "settings": {"voice": {"interaction": {"max_silence_prompts": 2}}}})",
                  R"({"agent_uuid": "u", "name": "X"})");
    CHECK(js(d.patch) == R"({"language":"it","settings":{"voice":{"interaction":{"max_silence_prompts":2}}}})");
    REQUIRE(d.changes.size() == 2);
    CHECK(d.changes[0].before.is_null());
    CHECK(d.changes[1].path == "settings.voice.interaction.max_silence_prompts");
    CHECK(d.changes[1].before.is_null());
}

TEST_CASE("writable_copy keeps values as loaded and drops read-only fields and item uuids") {
    auto v = writable_copy(parse_json(R"({"tone": " x ", "agent_uuid": "u", "guidelines": [{"uuid": "g", "content": " c "}],
                                           "settings": {"memorize": {}, "voice": {"interaction": {"max_silence_prompts": 3}}}})"),
                           &test_schema().root());
    CHECK(js(v) ==
          R"({"tone":" x ","guidelines":[{"content":" c "}],"settings":{"voice":{"interaction":{"max_silence_prompts":3}}}})");
}

}  // TEST_SUITE
