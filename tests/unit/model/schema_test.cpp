#include <doctest/doctest.h>

#include "reconcile/model/schema.hpp"

using namespace reconcile;

namespace {

Schema parse_ok(std::string_view text) {
    auto s = Schema::parse(text);
    REQUIRE_MESSAGE(s.has_value(), (s ? std::string() : s.error()));
    return *s;
}

std::string parse_error(std::string_view text) {
    auto s = Schema::parse(text);
    REQUIRE_FALSE(s.has_value());
    return s.error();
}

}  // namespace

TEST_SUITE("schema") {

TEST_CASE("default and examples keep their JSON values") {
    auto s = parse_ok(R"({"type": "object", "properties": {
        "speed": {"type": "string", "default": "normal", "examples": ["normal", "fast"]},
        "blank": {"type": ["string", "null"], "default": null},
        "chan": {"type": "array", "default": ["phone"]},
        "free": {"type": "object", "default": {}},
        "none": {"type": "string"}}})");
    const auto& root = s.root();
    REQUIRE(root.property("speed")->default_value);
    CHECK(root.property("speed")->default_value->as_string() == "normal");
    CHECK(root.property("speed")->examples.size() == 2);
    REQUIRE(root.property("blank")->default_value);
    CHECK(root.property("blank")->default_value->is_null());  // a declared null is not "no default"
    CHECK(json::serialize(*root.property("chan")->default_value) == R"(["phone"])");
    CHECK(root.property("free")->default_value->is_object());
    CHECK_FALSE(root.property("none")->default_value.has_value());
}

TEST_CASE("number bounds, string lengths, format and x-undocumented") {
    auto s = parse_ok(R"({"type": "object", "properties": {
        "chance": {"type": "number", "minimum": 0, "maximum": 1},
        "wpm": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 1000.5},
        "name": {"type": "string", "minLength": 1, "maxLength": 80},
        "tz": {"type": "string", "format": "iana-time-zone"},
        "odd": {"type": "object", "x-undocumented": true, "properties": {"k": {"type": "number"}}}}})");
    const auto& r = s.root();
    CHECK(*r.property("chance")->minimum == 0);
    CHECK(*r.property("chance")->maximum == 1);
    CHECK_FALSE(r.property("chance")->exclusive_minimum.has_value());
    CHECK(r.property("chance")->has_number_bounds());
    CHECK(*r.property("wpm")->exclusive_minimum == 0);
    CHECK(*r.property("wpm")->exclusive_maximum == 1000.5);
    CHECK(*r.property("name")->min_length == 1);
    CHECK(*r.property("name")->max_length == 80);
    CHECK_FALSE(r.property("name")->has_number_bounds());
    CHECK(r.property("tz")->format == "iana-time-zone");
    CHECK(r.property("odd")->undocumented);
    CHECK_FALSE(r.property("odd")->property("k")->undocumented);
}

TEST_CASE("pattern: compiled once, ECMAScript, matching anywhere unless anchored") {
    auto s = parse_ok(R"({"type": "object", "properties": {
        "e164": {"type": "string", "pattern": "^\\+[1-9][0-9]{6,14}$"},
        "has_digit": {"type": "string", "pattern": "\\d"},
        "plain": {"type": "string"}}})");
    const auto* e164 = s.root().property("e164");
    REQUIRE(e164->pattern_regex);
    CHECK(e164->pattern == "^\\+[1-9][0-9]{6,14}$");
    CHECK(e164->matches_pattern("+390701234567"));
    CHECK_FALSE(e164->matches_pattern("390701234567"));
    CHECK_FALSE(e164->matches_pattern("+39 070 123"));
    CHECK_FALSE(e164->matches_pattern("+0123456789"));
    CHECK(s.root().property("has_digit")->matches_pattern("abc1def"));  // unanchored: a search
    CHECK_FALSE(s.root().property("has_digit")->matches_pattern("abc"));
    CHECK(s.root().property("plain")->matches_pattern("anything"));
}

TEST_CASE("keywords beside a $ref refine a copy, the definition stays as it was") {
    auto s = parse_ok(R"({"type": "object", "properties": {
        "a": {"$ref": "#/$defs/n"},
        "b": {"$ref": "#/$defs/n", "default": 5, "maximum": 9, "x-undocumented": true}},
        "$defs": {"n": {"type": "integer", "minimum": 1}}})");
    const auto* a = s.root().property("a");
    const auto* b = s.root().property("b");
    CHECK(*a->minimum == 1);
    CHECK_FALSE(a->maximum.has_value());
    CHECK_FALSE(a->undocumented);
    CHECK(*b->minimum == 1);
    CHECK(*b->maximum == 9);
    CHECK(b->default_value->as_int64() == 5);
    CHECK(b->undocumented);
}

TEST_CASE("malformed keywords are refused with the place named") {
    CHECK(parse_error(R"({"properties": {"p": {"type": "string", "pattern": "(unclosed"}}})")
              .find("#/properties/p: pattern (unclosed is not a valid regular expression") == 0);
    CHECK(parse_error(R"({"properties": {"n": {"type": "number", "minimum": "0"}}})") ==
          "#/properties/n: minimum must be a number");
    CHECK(parse_error(R"({"properties": {"s": {"type": "string", "minLength": -1}}})") ==
          "#/properties/s: minLength must be a non-negative integer");
    CHECK(parse_error(R"({"properties": {"s": {"type": "string", "maxLength": 1.5}}})") ==
          "#/properties/s: maxLength must be a non-negative integer");
    CHECK(parse_error(R"({"properties": {"s": {"type": "string", "x-undocumented": "yes"}}})") ==
          "#/properties/s: x-undocumented must be true or false");
    CHECK(parse_error(R"({"properties": {"s": {"type": "string", "examples": "en"}}})") ==
          "#/properties/s: examples must be a list");
}

TEST_CASE("the agent schema: defaults, bounds, formats and undocumented fields as the API pages say") {
    const auto& root = Schema::agent().root();
    auto at = [&](std::initializer_list<std::string_view> path) {
        const SchemaNode* n = &root;
        for (auto k : path) {
            n = k == "[]" ? n->items.get() : n->property(k);
            REQUIRE(n);
        }
        return n;
    };
    CHECK(at({"speed"})->default_value->as_string() == "normal");
    CHECK(json::serialize(*at({"guard_rules", "[]", "selected_channels"})->default_value) == R"(["phone"])");
    CHECK_FALSE(at({"routing_rules", "[]", "priority"})->default_value.has_value());  // max + 1: not static
    CHECK_FALSE(at({"language"})->default_value.has_value());
    CHECK(*at({"name"})->min_length == 1);
    CHECK(at({"language"})->format == "iso-639-1");
    CHECK(at({"timezone"})->format == "iana-time-zone");
    CHECK(at({"settings", "text", "working_hours", "timezone"})->format == "iana-time-zone");
    CHECK(*at({"settings", "text", "message_behavior", "second_message_behavior", "chance"})->maximum == 1);
    CHECK(*at({"settings", "text", "timing_and_delay", "typing_speed_wpm_min"})->exclusive_minimum == 0);
    CHECK(at({"channels", "call", "phone_number"})->matches_pattern("+390701234567"));
    CHECK(at({"appointments"})->patch == PatchMode::Whole);

    // Exactly these writable fields are missing from the PATCH page's body: the objects and leaves
    // of voice_advanced and interruption.advanced, three call_behavior extras and two fields of
    // schedule assignments.
    std::vector<std::string> undocumented;
    auto collect = [&](auto&& self, const SchemaNode& n, const std::string& path) -> void {
        if (n.undocumented) undocumented.push_back(path);
        for (const auto& key : n.property_order) self(self, *n.property(key), path + "/" + key);
        if (n.items) self(self, *n.items, path + "/[]");
    };
    collect(collect, root, "");
    CHECK(undocumented.size() == 22);
    for (std::string_view p : {"/settings/voice/voice_advanced", "/settings/voice/voice_advanced/speaker_boost",
                               "/settings/voice/interruption/advanced",
                               "/settings/voice/interruption/advanced/false_interruption_timeout",
                               "/settings/voice/call_behavior/noise_cancellation",
                               "/appointments/schedule_assignments/[]/priority",
                               "/appointments/schedule_assignments/[]/status"})
        CHECK_MESSAGE(std::find(undocumented.begin(), undocumented.end(), p) != undocumented.end(), p);
}

}  // TEST_SUITE
