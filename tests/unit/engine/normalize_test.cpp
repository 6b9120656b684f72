#include <doctest/doctest.h>

#include "plan_fixtures.hpp"
#include "reconcile/engine/normalize.hpp"

using namespace reconcile;
using namespace reconcile::testing;

TEST_SUITE("normalize") {

TEST_CASE("php_trim strips exactly PHP's trim characters") {
    CHECK(php_trim(std::string_view(" \t\n\r\0\x0B" "abc def \n\x0B\0", 17)) == "abc def");
    CHECK(php_trim("no-op") == "no-op");
    CHECK(php_trim("   ") == "");
    CHECK(php_trim("") == "");
    // A no-break space (U+00A0) and a form feed are not in PHP's list: kept.
    CHECK(php_trim("\xC2\xA0x\xC2\xA0") == "\xC2\xA0x\xC2\xA0");
    CHECK(php_trim("\fx") == "\fx");
}

TEST_CASE("strings are trimmed and empty strings become null") {
    CHECK(js(normalize(json::value("  hello\n"), nullptr)) == "\"hello\"");
    CHECK(normalize(json::value(""), nullptr).is_null());
    CHECK(normalize(json::value(" \n\t "), nullptr).is_null());
    // Inner whitespace and line breaks are content.
    CHECK(js(normalize(json::value("line 1\n\nline 2\n"), nullptr)) == "\"line 1\\n\\nline 2\"");
    // At every depth.
    auto v = normalize(parse_json(R"({"a": {"b": [" x ", ""]}})"), nullptr);
    CHECK(js(v) == R"({"a":{"b":["x",null]}})");
}

TEST_CASE("numbers compare by value: 1 == 1.0, int64 == uint64") {
    CHECK(normalized_equal(json::value(1), json::value(1.0)));
    CHECK(normalized_equal(json::value(1.0), json::value(std::int64_t{1})));
    CHECK(normalized_equal(json::value(std::uint64_t{7}), json::value(std::int64_t{7})));
    CHECK_FALSE(normalized_equal(json::value(1), json::value(1.5)));
    CHECK_FALSE(normalized_equal(json::value(-1), json::value(std::uint64_t{1})));
    CHECK_FALSE(normalized_equal(json::value(1), json::value("1")));
    CHECK_FALSE(normalized_equal(json::value(1), json::value(true)));
    // normalize() gives equal numbers one representation.
    auto n = normalize(json::value(60.0), nullptr);
    CHECK(n.is_int64());
    CHECK(n.get_int64() == 60);
    auto half = normalize(json::value(0.5), nullptr);
    CHECK(half.is_double());
    CHECK(half.get_double() == 0.5);
    // Large integers stay exact.
    CHECK_FALSE(normalized_equal(json::value(std::int64_t{9007199254740993}), json::value(9007199254740992.0)));
}

TEST_CASE("collection item uuids are dropped, other uuids kept") {
    auto v = normalize(parse_json(R"({
        "guidelines": [{"uuid": "g-1", "content": "A", "order": 0}],
        "routing_rules": [{"uuid": "r-1", "destination_agent_uuid": "agent-9"}],
        "nested": {"uuid": "not-an-item"}
    })"),
                       &test_schema().root());
    CHECK(js(v) ==
          R"({"guidelines":[{"content":"A","order":0}],"routing_rules":[{"destination_agent_uuid":"agent-9"}],"nested":{"uuid":"not-an-item"}})");
}

TEST_CASE("item uuids are dropped even where the schema does not know the collection") {
    auto v = normalize(parse_json(R"({"x": [{"uuid": "i-1", "k": " v "}, {"uuid": "i-2"}], "uuid": "kept"})"), nullptr);
    CHECK(js(v) == R"({"x":[{"k":"v"},{}],"uuid":"kept"})");
}

TEST_CASE("read-only fields are dropped by the schema, at any depth") {
    auto v = normalize(parse_json(R"({
        "agent_uuid": "a-1", "name": "X", "updated_at": "2024", "recommendations": "r",
        "settings": {"memorize": {"k": 1}, "voice": {"interaction": {"max_silence_prompts": 3}}},
        "intents": [{"key": "k"}]
    })"),
                       &test_schema().root());
    CHECK(js(v) == R"({"name":"X","settings":{"voice":{"interaction":{"max_silence_prompts":3}}}})");
}

TEST_CASE("normalized_equal treats a missing member as null") {
    CHECK(normalized_equal(parse_json(R"({"a": null, "b": 1})"), parse_json(R"({"b": 1.0})")));
    CHECK_FALSE(normalized_equal(parse_json(R"({"a": 2, "b": 1})"), parse_json(R"({"b": 1})")));
    CHECK_FALSE(normalized_equal(parse_json(R"([1, 2])"), parse_json(R"([2, 1])")));
}

TEST_CASE("desired_matches compares only what the desired value gives") {
    auto live = parse_json(R"({"a": 1, "b": {"c": "x", "d": [1, 2]}, "e": [{"f": 1, "g": 2}]})");
    CHECK(desired_matches(parse_json(R"({})"), live));
    CHECK(desired_matches(parse_json(R"({"a": 1.0})"), live));
    CHECK(desired_matches(parse_json(R"({"b": {"c": "x"}})"), live));
    CHECK(desired_matches(parse_json(R"({"e": [{"g": 2}]})"), live));
    CHECK_FALSE(desired_matches(parse_json(R"({"e": [{"g": 3}]})"), live));
    // Arrays: same length, element-wise, in order.
    CHECK(desired_matches(parse_json(R"({"b": {"d": [1, 2]}})"), live));
    CHECK_FALSE(desired_matches(parse_json(R"({"b": {"d": [2, 1]}})"), live));
    CHECK_FALSE(desired_matches(parse_json(R"({"b": {"d": [1]}})"), live));
    CHECK_FALSE(desired_matches(parse_json(R"({"e": [{"g": 2}, {}]})"), live));
    // A missing live member counts as null.
    CHECK(desired_matches(parse_json(R"({"zz": null})"), live));
    CHECK_FALSE(desired_matches(parse_json(R"({"zz": 0})"), live));
    CHECK_FALSE(desired_matches(parse_json(R"({"a": null})"), live));
    // A live null object: every member null.
    CHECK(desired_matches(parse_json(R"({"x": {"y": null}})"), parse_json(R"({"x": null})")));
    CHECK_FALSE(desired_matches(parse_json(R"({"x": {"y": 1}})"), parse_json(R"({"x": null})")));
    // An empty desired array is not a missing one.
    CHECK_FALSE(desired_matches(parse_json(R"({"x": []})"), parse_json(R"({})")));
}

}  // TEST_SUITE

TEST_SUITE("normalized_matches") {

TEST_CASE("agrees with desired_matches over normalized copies, value for value") {
    const char* values[] = {
        "null", "\"\"", "\"  \"", "\"x\"", "\" x \\n\"", "\"y\"", "1", "1.0", "2", "-0.0", "0", "18446744073709551615",
        "true", "false", "[]", "[1]", "[1.0]", "[\" a \"]", "[\"a\", null]", "{}", "{\"a\": 1}", "{\"a\": 1.0, \"b\": null}",
        "{\"a\": \" \"}", "[{\"uuid\": \"u1\", \"content\": \"c\"}]", "[{\"content\": \"c \"}]",
        "[{\"uuid\": \"u2\", \"content\": \"c\", \"order\": 1.0}]", "[{\"content\": \"c\", \"order\": 1}]",
        "{\"voice\": {\"interaction\": {\"max_silence_prompts\": 3}}}",
        "{\"voice\": {\"interaction\": {\"max_silence_prompts\": 3.0, \"customer_speak_first\": false}}, \"memorize\": {\"x\": 1}}",
        "{\"memorize\": {\"y\": 2}}", "{\"agent_uuid\": \"a\", \"name\": \"n\"}", "{\"name\": \" n\"}",
    };
    const auto& schema = test_schema();
    const SchemaNode* nodes[] = {nullptr, &schema.root(), schema.root().property("guidelines"),
                                 schema.root().property("settings"), schema.root().property("routing_rules")};
    int compared = 0;
    for (const SchemaNode* node : nodes) {
        for (const char* d : values) {
            for (const char* l : values) {
                const auto dv = parse_json(d);
                const auto lv = parse_json(l);
                CAPTURE(d);
                CAPTURE(l);
                CHECK(normalized_matches(dv, lv, node) == desired_matches(normalize(dv, node), normalize(lv, node)));
                ++compared;
            }
        }
    }
    CHECK(compared > 1000);
}

}
