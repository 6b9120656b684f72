#include <doctest/doctest.h>

#include "reconcile/util/json.hpp"

#include <cmath>

using namespace reconcile;

TEST_SUITE("canonical json") {

TEST_CASE("keys are sorted bytewise at every depth, output is compact, arrays keep their order") {
    auto v = json::parse(R"({"b": 1, "a": {"z": [3, 1, {"y": true, "x": null}], "B": "t"}, "": false})");
    CHECK(canonical_json(v) == R"({"":false,"a":{"B":"t","z":[3,1,{"x":null,"y":true}]},"b":1})");
}

TEST_CASE("null members are dropped on request, at every depth, but null array elements stay") {
    auto v = json::parse(R"({"a": null, "b": {"c": null, "d": [null, 1]}})");
    CHECK(canonical_json(v, {.drop_null_members = true}) == R"({"b":{"d":[null,1]}})");
    CHECK(canonical_json(v) == R"({"a":null,"b":{"c":null,"d":[null,1]}})");
}

TEST_CASE("a top-level member can be left out; the same key deeper is kept") {
    auto v = json::parse(R"({"mac": "x", "plan": {"mac": 1}})");
    std::string out;
    append_canonical_json(out, v.get_object(), {.omit_top_member = "mac"});
    CHECK(out == R"({"plan":{"mac":1}})");
}

TEST_CASE("a number too large for a double is written so that it reads back (not as Infinity)") {
    // The API may send one; a saved plan's before value or its MAC text must stay JSON.
    const auto v = json::parse(R"({"big": 7e999, "small": -7e999, "list": [1e400, 0.5]})");
    REQUIRE(std::isinf(v.at("big").as_double()));
    for (const std::string& text : {to_pretty_json(v), canonical_json(v)}) {
        CAPTURE(text);
        CHECK(text.find("Infinity") == std::string::npos);
        boost::system::error_code ec;
        const auto back = json::parse(text, ec);
        REQUIRE_FALSE(ec);
        CHECK(back == v);
    }
}

TEST_CASE("strings are escaped exactly as json::serialize escapes them, for every byte") {
    for (int c = 0; c < 256; ++c) {
        const std::string s = std::string("a") + static_cast<char>(c) + "b";
        std::string mine;
        append_json_string(mine, s);
        CAPTURE(c);
        CHECK(mine == json::serialize(json::string_view(s)));
    }
    const std::string utf8 = "caf\xC3\xA9 \xE2\x82\xAC \"q\" \\ \n\t\x01";
    std::string mine;
    append_json_string(mine, utf8);
    CHECK(mine == json::serialize(json::string_view(utf8)));
}

TEST_CASE("numbers and literals are written as json::serialize writes them") {
    for (const char* text : {"0", "-1", "9223372036854775807", "-9223372036854775808", "18446744073709551615",
                             "1.5", "1E300", "-0.0", "true", "false", "null", "\"\""}) {
        auto v = json::parse(text);
        CAPTURE(text);
        CHECK(canonical_json(v) == json::serialize(v));
    }
}

TEST_CASE("large objects (more members than the stack buffer) sort too") {
    json::object o;
    for (int i = 99; i >= 0; --i) o[std::to_string(1000 + i)] = i;
    const auto text = canonical_json(json::value(o));
    CHECK(text.substr(0, 17) == R"({"1000":0,"1001":)");
    CHECK(text.substr(text.size() - 10) == R"("1099":99})");
}

}

TEST_CASE("JsonArena: counts what it hands out, reuses its block after reset") {
    JsonArena arena(256);
    CHECK(arena.used() == 0);
    {
        json::value v = json::parse(R"({"name":"a string longer than fourteen","list":[1,2,3]})", &arena);
        CHECK(arena.used() > 0);
        CHECK(v.at("list").as_array().size() == 3);
        CHECK(v.at("name").as_string() == "a string longer than fourteen");
    }
    const std::size_t first = arena.used();
    arena.reset();
    CHECK(arena.used() == 0);
    json::value again = json::parse(R"({"name":"a string longer than fourteen","list":[1,2,3]})", &arena);
    CHECK(arena.used() == first);  // the same tree takes the same room
    // Past its first block the arena takes another and goes on.
    json::array big(&arena);
    for (int i = 0; i < 1000; ++i) big.push_back(json::string(std::string(40, 'x'), &arena));
    CHECK(big.size() == 1000);
    CHECK(arena.used() > 40 * 1000);
}

TEST_CASE("copy_into_own_arena: the same tree, kept alive by its values; edits and copies after it work") {
    JsonArena scratch;
    json::value built = json::parse(R"({"a":{"b":[1,"two",{"c":null}]},"s":"some text that allocates"})", &scratch);
    json::value kept = copy_into_own_arena(built, scratch.used());
    CHECK(kept == built);
    CHECK(kept.storage().is_shared());  // the arena lives as long as the tree
    built = nullptr;
    scratch.reset();
    // The block is full: later allocations come from the heap and are freed with their values.
    for (int i = 0; i < 100; ++i) kept.as_object()["k" + std::to_string(i)] = std::string(50, 'y');
    kept.as_object().erase("k7");
    json::value part = kept.at("a");  // a copy uses the tree's resource
    CHECK(part == json::parse(R"({"b":[1,"two",{"c":null}]})"));
    CHECK(kept.as_object().size() == 101);
    CHECK(kept.at("s").as_string() == "some text that allocates");
}

