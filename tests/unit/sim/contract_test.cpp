// The simulator's contract file: its notation, and that it states what the API pages state.
#include <algorithm>
#include <set>

#include "contract.hpp"
#include "sim_test_support.hpp"
#include "validation.hpp"

using mihu_sim::Contract;
using mihu_sim::FieldSpec;
using mihu_sim::SpecType;
using namespace sim_test;

namespace {

const FieldSpec& path(const FieldSpec& root, std::initializer_list<std::string_view> keys) {
    const FieldSpec* s = &root;
    for (auto k : keys) {
        if (k == "[]") {
            REQUIRE(s->item);
            s = s->item.get();
        } else {
            s = s->field(k);
            REQUIRE(s);
        }
    }
    return *s;
}

}  // namespace

TEST_SUITE("sim_contract") {

TEST_CASE("contract notation: types, flags, lists, merge modes and undocumented marks") {
    auto c = Contract::parse(R"J({
        "agent": {
            "a": "string required", "b": "integer null", "c": "enum(x,y) null",
            "d": "list(enum(p,q))", "e": "read-only", "f": "number undocumented",
            "g": {"$merge": "replace", "h": "boolean"},
            "i": {"$undocumented": "another page", "j": "object"},
            "k": {"$item_uuid": true, "$item_defaults": {"z": 1}, "$list": {"m": "string"}}},
        "agent_defaults": {"a": null},
        "provision_call": {"n": "string required"}})J");
    REQUIRE(c.has_value());
    const FieldSpec& root = c->agent();
    CHECK(path(root, {"a"}).required);
    CHECK(path(root, {"b"}).type == SpecType::Integer);
    CHECK(path(root, {"b"}).nullable);
    CHECK(path(root, {"c"}).enum_values == std::vector<std::string>{"x", "y"});
    CHECK(path(root, {"d", "[]"}).type == SpecType::Enum);
    CHECK(path(root, {"e"}).type == SpecType::ReadOnly);
    CHECK(path(root, {"g"}).replace_on_patch);
    CHECK_FALSE(path(root, {"i"}).replace_on_patch);
    CHECK(path(root, {"k"}).item_uuid);
    CHECK(path(root, {"k"}).item_defaults.at("z") == 1);
    CHECK(c->undocumented_fields() == std::vector<std::string>{"f", "i", "i.j"});

    CHECK_FALSE(Contract::parse(R"J({"agent": {"a": "strin"}, "agent_defaults": {}, "provision_call": {}})J"));
    CHECK_FALSE(Contract::parse(R"J({"agent": {"a": "string maybe"}, "agent_defaults": {}, "provision_call": {}})J"));
    CHECK_FALSE(Contract::parse(R"J({"agent": {"a": {"$merge": "sometimes"}}, "agent_defaults": {}, "provision_call": {}})J"));
    CHECK_FALSE(Contract::parse(R"J({"agent": {"a": {"$list": "string", "$item_uuid": true}}, "agent_defaults": {}, "provision_call": {}})J"));
    auto missing = Contract::parse(R"J({"agent": {}})J");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().find("agent_defaults") != std::string::npos);
}

TEST_CASE("the built-in contract states the documented enums, read-only fields and merge rules") {
    const FieldSpec& agent = Contract::embedded().agent();
    CHECK(path(agent, {"name"}).required);
    CHECK(path(agent, {"status"}).enum_values ==
          std::vector<std::string>{"pending", "ready", "in_progress", "paused", "completed"});
    CHECK(path(agent, {"speed"}).enum_values == std::vector<std::string>{"normal", "fast"});
    CHECK(path(agent, {"routing_rules", "[]", "detection_mode"}).enum_values ==
          std::vector<std::string>{"exact", "intent", "both"});
    CHECK(path(agent, {"guard_rules", "[]", "then_action"}).enum_values ==
          std::vector<std::string>{"forward", "end_conversation"});
    CHECK(path(agent, {"guard_rules", "[]", "selected_channels", "[]"}).enum_values ==
          std::vector<std::string>{"phone", "instagram", "whatsapp", "facebook_messenger"});
    for (auto key : {"agent_uuid", "created_at", "updated_at", "intents", "webhooks",
                     "phone_numbers", "channels", "recommendations"}) {
        CAPTURE(key);
        CHECK(path(agent, {key}).type == SpecType::ReadOnly);
    }
    CHECK(path(agent, {"settings", "memorize"}).type == SpecType::ReadOnly);
    CHECK(path(agent, {"settings", "evaluation"}).type == SpecType::ReadOnly);
    CHECK(path(agent, {"appointments"}).replace_on_patch);
    CHECK_FALSE(path(agent, {"settings"}).replace_on_patch);
    for (auto key : {"guidelines", "notes", "procedures", "training", "routing_rules", "guard_rules"}) {
        CAPTURE(key);
        CHECK(path(agent, {key}).item_uuid);
    }
    CHECK(path(agent, {"appointments", "schedule_assignments"}).item_uuid);
    CHECK_FALSE(path(agent, {"procedures", "[]", "steps"}).item_uuid);
}

TEST_CASE("the built-in contract marks exactly the fields the two pages do not show") {
    auto fields = Contract::embedded().undocumented_fields();
    std::set<std::string> got(fields.begin(), fields.end());
    std::set<std::string> expected = {
        "settings.voice.interruption.advanced",
        "settings.voice.voice_advanced",
        "appointments.schedule_assignments[].priority",
        "appointments.schedule_assignments[].status",
        "settings.voice.call_behavior.background_sound_ambience",
        "settings.voice.call_behavior.background_sound_volume",
        "settings.voice.call_behavior.noise_cancellation"};
    for (auto f : {"stability", "similarity", "style", "speed", "speaker_boost"})
        expected.insert(std::string("settings.voice.voice_advanced.") + f);
    for (auto f : {"allow_interruptions", "preemptive_generation", "manual_word_count_interrupt",
                   "resume_after_false_interruption", "min_endpointing_delay", "max_endpointing_delay",
                   "min_interruption_duration", "min_interruption_words",
                   "balanced_interrupt_word_count", "false_interruption_timeout"})
        expected.insert(std::string("settings.voice.interruption.advanced.") + f);
    CHECK(got == expected);
    CHECK(got.size() == 22);  // 20 fields and the 2 blocks that hold 15 of them
}

TEST_CASE("the documented PATCH example is a valid body, and every key of the documented agent is known") {
    const Contract& c = Contract::embedded();
    json::value example = data_file("update_agent_example.json");
    auto failure = mihu_sim::validate_body(example.as_object(), c.agent());
    CHECK_MESSAGE(!failure, (failure ? failure->field + ": " + failure->details : ""));

    // The agent object of the provisioning page's response: each key is writable or read-only.
    json::value documented = data_file("provision_response_agent.json");
    for (const auto& kv : documented.as_object()) {
        CAPTURE(std::string(kv.key()));
        CHECK(c.agent().field(kv.key()) != nullptr);
    }
    for (auto list : {"guidelines", "notes", "procedures", "training", "routing_rules", "guard_rules"}) {
        for (const auto& kv : documented.at(list).as_array().at(0).as_object()) {
            CAPTURE(list);
            CAPTURE(std::string(kv.key()));
            CHECK((kv.key() == "uuid" || c.agent().field(list)->item->field(kv.key()) != nullptr));
        }
    }
}

TEST_CASE("the defaults a create fills in are themselves a valid agent") {
    const Contract& c = Contract::embedded();
    json::object defaults = c.agent_defaults();
    for (const auto& f : c.agent().fields)
        if (f.type == SpecType::ReadOnly) defaults.erase(f.name);
    defaults["settings"].as_object().erase("memorize");
    defaults["settings"].as_object().erase("evaluation");
    defaults["name"] = "Defaults";
    auto failure = mihu_sim::validate_body(defaults, c.agent());
    CHECK_MESSAGE(!failure, (failure ? failure->field + ": " + failure->details : ""));
    // And they list every top-level field of the contract, in the API's order.
    std::vector<std::string> spec_keys, default_keys;
    for (const auto& f : c.agent().fields) spec_keys.push_back(f.name);
    for (const auto& kv : c.agent_defaults()) default_keys.emplace_back(kv.key());
    CHECK(spec_keys == default_keys);
}

}  // TEST_SUITE
