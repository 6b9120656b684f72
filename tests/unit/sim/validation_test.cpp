// Request bodies checked against the contract: what a 422 names, and what is accepted.
#include "sim_test_support.hpp"

using namespace sim_test;

TEST_SUITE("sim_validation") {

TEST_CASE("validation: wrong types, enums, unknown and read-only fields are 422 naming the field") {
    SimApi s;
    auto id = create_id(s, R"({"name": "A"})");
    struct Case {
        const char* body;
        const char* field;
        const char* details;
    };
    Case cases[] = {
        {R"({"name": "A", "settings": {"voice": {"interaction": {"max_silence_prompts": "three"}}}})",
         "settings.voice.interaction.max_silence_prompts",
         "The settings.voice.interaction.max_silence_prompts field must be of type integer."},
        {R"({"name": "A", "settings": {"voice": {"interaction": {"max_silence_prompts": 2.5}}}})",
         "settings.voice.interaction.max_silence_prompts", nullptr},
        {R"({"name": "A", "description": true})", "description",
         "The description field must be of type string or null."},
        {R"({"name": "A", "language": 1})", "language", nullptr},
        {R"({"name": "A", "appointment_scheduling_enabled": "yes"})", "appointment_scheduling_enabled", nullptr},
        {R"({"name": "A", "status": "live"})", "status",
         "The selected status is invalid (allowed: pending, ready, in_progress, paused, completed or null)."},
        {R"({"name": "A", "speed": "slow"})", "speed", nullptr},
        {R"({"name": "A", "settings": {"voice": {"nope": {}}}})", "settings.voice.nope",
         "The settings.voice.nope field is not allowed."},
        {R"({"name": "A", "colour": "blue"})", "colour", "The colour field is not allowed."},
        {R"({"name": "A", "uuid": "x"})", "uuid", "The uuid field is not allowed."},
        {R"({"name": "A", "agent_uuid": "x"})", "agent_uuid", "The agent_uuid field is read-only."},
        {R"({"name": "A", "updated_at": "x"})", "updated_at", nullptr},
        {R"({"name": "A", "created_at": "x"})", "created_at", nullptr},
        {R"({"name": "A", "phone_numbers": []})", "phone_numbers", nullptr},
        {R"({"name": "A", "channels": []})", "channels", nullptr},
        {R"({"name": "A", "intents": []})", "intents", nullptr},
        {R"({"name": "A", "webhooks": []})", "webhooks", nullptr},
        {R"({"name": "A", "recommendations": "x"})", "recommendations", nullptr},
        {R"({"name": "A", "settings": {"memorize": {}}})", "settings.memorize", nullptr},
        {R"({"name": "A", "settings": {"evaluation": {}}})", "settings.evaluation", nullptr},
        {R"({"name": "A", "guidelines": [{"uuid": "x", "content": "c"}]})", "guidelines[0].uuid",
         "The guidelines[0].uuid field is read-only."},
        {R"({"name": "A", "appointments": {"schedule_assignments": [{"uuid": "x"}]}})",
         "appointments.schedule_assignments[0].uuid", nullptr},
        {R"({"name": "A", "guidelines": [{"content": "c", "colour": 1}]})", "guidelines[0].colour", nullptr},
        {R"({"name": "A", "guard_rules": [{"then_action": "forward"}]})", "guard_rules[0].when_condition",
         "The guard_rules[0].when_condition field is required."},
        {R"({"name": "A", "guard_rules": [{"when_condition": "w", "then_action": "hang_up"}]})",
         "guard_rules[0].then_action", nullptr},
        {R"({"name": "A", "guard_rules": [{"when_condition": "w", "then_action": "forward", "selected_channels": ["sms"]}]})",
         "guard_rules[0].selected_channels[0]", nullptr},
        {R"({"name": "A", "routing_rules": [{"detection_mode": "fuzzy"}]})", "routing_rules[0].detection_mode", nullptr},
        {R"({"name": "A", "routing_rules": [{"phrases": "sales"}]})", "routing_rules[0].phrases", nullptr},
        {R"({"name": "A", "procedures": [{"name": "p", "steps": [{"order": "first"}]}]})",
         "procedures[0].steps[0].order", nullptr},
        {R"({"name": "A", "procedures": [{"name": "p", "steps": [{"uuid": "s"}]}]})",
         "procedures[0].steps[0].uuid", nullptr},
        {R"({"name": "A", "settings": {"voice": {"interaction": {"customer_speak_first": null}}}})",
         "settings.voice.interaction.customer_speak_first",
         "The settings.voice.interaction.customer_speak_first field must not be null (expected boolean)."},
        {R"({"name": "A", "guidelines": null})", "guidelines", nullptr},
        {R"({"name": ""})", "name", "The name field is required."},
        {R"({"name": 7})", "name", nullptr},
    };
    for (const auto& c : cases) {
        CAPTURE(c.body);
        auto r = s.handle(make("PATCH", "/api/v1/agents/" + id, c.body));
        CHECK(r.status == 422);
        auto o = parse(r);
        CHECK(o.at("success") == false);
        CHECK(o.at("message") == "The given data was invalid.");
        CHECK(o.at("error").at("code") == "VALIDATION_ERROR");
        CHECK(error_field(r) == c.field);
        if (c.details) CHECK(o.at("error").at("details") == c.details);
    }
}

TEST_CASE("PATCH requires name, as the page marks it; create does too") {
    SimApi s;
    auto id = create_id(s, R"({"name": "A"})");
    for (auto body : {R"({"tone": "Warm"})", "{}", R"({"name": null, "tone": "Warm"})",
                      R"({"name": "   ", "tone": "Warm"})"}) {
        CAPTURE(body);
        auto r = s.handle(make("PATCH", "/api/v1/agents/" + id, body));
        CHECK(r.status == 422);
        CHECK(error_field(r) == "name");
        CHECK(parse(r).at("error").at("details") == "The name field is required.");
    }
    CHECK(s.agent(id)->at("tone").is_null());
    CHECK(s.handle(make("PATCH", "/api/v1/agents/" + id, R"({"name": "A", "tone": "Warm"})")).status == 200);
    auto r = s.handle(make("POST", "/api/v1/agents", R"({"description": "x"})"));
    CHECK(r.status == 422);
    CHECK(error_field(r) == "name");
    r = s.handle(make("POST", "/api/v1/agents", R"({"name": )"));
    CHECK(r.status == 400);
    CHECK(parse(r).at("error").at("code") == "INVALID_JSON");
    CHECK(s.handle(make("POST", "/api/v1/agents", "[1]")).status == 400);
    CHECK(s.agent_count() == 1);
}

TEST_CASE("accepted: integral floats for integers, integers for numbers, null for nullable fields") {
    SimApi s;
    auto id = create_id(s, R"({"name": "A"})");
    auto patch = [&](std::string body) {
        auto r = s.handle(make("PATCH", "/api/v1/agents/" + id, std::move(body)));
        INFO(r.body);
        return r.status;
    };
    CHECK(patch(R"({"name": "A", "settings": {"voice": {"interaction": {"max_silence_prompts": 3.0}}}})") == 200);
    CHECK(patch(R"({"name": "A", "settings": {"text": {"timing_and_delay": {"base_delay": 1}}}})") == 200);
    CHECK(patch(R"({"name": "A", "description": null, "status": null, "speed": "fast"})") == 200);
    CHECK(patch(R"({"name": "A", "status": "in_progress", "appointment_scheduling_enabled": null})") == 200);
    CHECK(patch(R"({"name": "A", "settings": {"voice": {"normalizers": {"inbound": {"any": ["thing"]}}}}})") == 200);
    CHECK(patch(R"({"name": "A", "routing_rules": [{"transfer_config": {"k": 1}, "phrases": []}]})") == 200);
}

TEST_CASE("undocumented fields other pages mention are accepted") {
    SimApi s;
    auto id = create_id(s, R"({"name": "A"})");
    auto r = s.handle(make("PATCH", "/api/v1/agents/" + id, R"({"name": "A", "settings": {"voice": {
        "voice_advanced": {"stability": 0.9, "similarity": 0.9, "style": 0, "speed": 0.95, "speaker_boost": true},
        "interruption": {"mode": "advance", "advanced": {"allow_interruptions": true,
            "preemptive_generation": false, "manual_word_count_interrupt": false,
            "resume_after_false_interruption": false, "min_endpointing_delay": 0.3,
            "max_endpointing_delay": 1, "min_interruption_duration": 0.5, "min_interruption_words": 1,
            "balanced_interrupt_word_count": 2, "false_interruption_timeout": 2}},
        "call_behavior": {"background_sound_ambience": "office", "background_sound_volume": 0.3,
            "noise_cancellation": true}}},
        "appointments": {"schedule_assignments": [{"schedule_uuid": "s", "priority": "primary", "status": "active"}]}})"));
    INFO(r.body);
    REQUIRE(r.status == 200);
    json::value v = parse(r).at("data");
    CHECK(at(v, "/settings/voice/interruption/advanced/min_interruption_words").as_double() == 1.0);
    CHECK(at(v, "/settings/voice/call_behavior/background_sound_ambience") == "office");
    CHECK(at(v, "/appointments/schedule_assignments/0/priority") == "primary");
    // Their types are still checked.
    auto bad = s.handle(make("PATCH", "/api/v1/agents/" + id,
                             R"({"name": "A", "settings": {"voice": {"voice_advanced": {"speaker_boost": "yes"}}}})"));
    CHECK(bad.status == 422);
    CHECK(error_field(bad) == "settings.voice.voice_advanced.speaker_boost");
}

}  // TEST_SUITE
