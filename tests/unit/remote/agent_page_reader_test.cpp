// The one-pass page reader against the general reader (a parsed tree, then one LiveAgent per
// item): where the one-pass reader reads a page, both must give the same agents, texts
// included; every other shape must be left to the general reader (nullopt).
#include <doctest/doctest.h>

#include "reconcile/remote/agent_page_reader.hpp"

#include <string>

namespace reconcile {

namespace {

// The general way: the whole page parsed, each item of data.items made a LiveAgent.
std::vector<LiveAgent> read_generally(const std::string& body) {
    json::value page = json::parse(body);
    std::vector<LiveAgent> out;
    for (auto& item : page.at("data").at("items").as_array()) {
        auto agent = live_agent_from_page(item.as_object());
        REQUIRE(agent);
        out.push_back(*agent);
    }
    return out;
}

void check_same_as_general(const std::string& body) {
    auto page = read_agent_page(body);
    REQUIRE(page);
    const auto expected = read_generally(body);
    REQUIRE(page->agents.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CAPTURE(i);
        CHECK(page->agents[i].uuid == expected[i].uuid);
        CHECK(page->agents[i].name == expected[i].name);
        CHECK(page->agents[i].updated_at == expected[i].updated_at);
        CHECK(page->agents[i].body_json() == expected[i].body_json());
    }
}

std::string agent_json(int n, const std::string& prompt) {
    const std::string id = std::to_string(n);
    return R"({"agent_uuid":"a-)" + id + R"(","name":"Agent )" + id +
           R"(","updated_at":"2026-01-0)" + std::to_string(n % 9 + 1) + R"(T00:00:00Z","prompt":)" + prompt +
           R"(,"settings":{"voice":{"speed":1.25,"pitch":-3,"big":18446744073709551615},"enabled":true,"tags":null},)"
           R"("guidelines":[{"uuid":"g-1","content":"be brief","uuid_like":"kept"},{"uuid":"g-2","content":"x"}],)"
           R"("routing_rules":[{"uuid":"r-1","conditions":[{"uuid":"c-1","field":"intent"}]}],)"
           R"("phone":{"uuid":"kept-on-an-object","voice_uuid":"v"},"empty":{},"none":[]})";
}

std::string page_of(const std::string& items, const std::string& pagination = R"({"current_page":2,"last_page":7})") {
    return R"({"success":true,"message":"ok","data":{"items":[)" + items + R"(],"pagination":)" + pagination + "}}";
}

}  // namespace

TEST_CASE("agent page reader: the documented page reads as the general reader reads it") {
    const std::string body = page_of(agent_json(1, R"("hello")") + "," + agent_json(2, R"("line\none \"quoted\" \u00e9 \ud83d\ude00")") +
                                     "," + agent_json(3, R"("")"));
    check_same_as_general(body);
    auto page = read_agent_page(body);
    REQUIRE(page);
    CHECK(page->current_page == 2);
    CHECK(page->last_page == 7);
    // Collection items lose their server-assigned uuid; objects that are not list items keep theirs.
    const std::string text(page->agents[0].body_json());
    CHECK(text.find(R"("g-1")") == std::string::npos);
    CHECK(text.find(R"("c-1")") == std::string::npos);
    CHECK(text.find(R"("kept-on-an-object")") != std::string::npos);
    CHECK(text.find(R"("uuid_like":"kept")") != std::string::npos);
}

TEST_CASE("agent page reader: long escaped strings and keys arrive in parts and are joined") {
    std::string prompt = "\"";
    for (int i = 0; i < 3000; ++i) prompt += "tab\\tquote\\\"e\\u00e9;";
    prompt += "\"";
    std::string key(9000, 'k');
    std::string item = agent_json(4, prompt);
    item.insert(1, "\"" + key + "\\n\":1,");
    check_same_as_general(page_of(item));
}

TEST_CASE("agent page reader: member order and extra members do not matter") {
    const std::string a = agent_json(5, R"("p")");
    check_same_as_general(R"({"data":{"pagination":{"last_page":1,"current_page":1,"per_page":100},"meta":{"x":[1,{"y":[]}]},"items":[)" +
                          a + R"(]},"success":true,"extra":[{"data":1}]})");
    // `success` absent, no pagination: page numbers unknown.
    auto page = read_agent_page(R"({"data":{"items":[)" + a + "]}}");
    REQUIRE(page);
    CHECK_FALSE(page->current_page);
    CHECK_FALSE(page->last_page);
    // An empty page.
    auto empty = read_agent_page(page_of(""));
    REQUIRE(empty);
    CHECK(empty->agents.empty());
}

TEST_CASE("agent page reader: other shapes and bad answers are left to the general reader") {
    const std::string a = agent_json(6, R"("p")");
    const char* cases[] = {
        "",
        "not json",
        "[]",
        R"({"success":false,"message":"nope","data":{"items":[]}})",
        R"({"success":true})",
        R"({"success":true,"data":null})",
        R"({"success":true,"data":[]})",
        R"({"success":true,"data":{"data":[],"last_page":1}})",
        R"({"success":true,"data":{"items":{},"pagination":{"current_page":1,"last_page":1}}})",
        R"({"success":true,"data":{"items":[1]}})",
        R"({"success":true,"data":{"items":[[]]}})",
        R"({"success":true,"data":{"items":[{"name":"no uuid"}]}})",
        R"({"success":true,"data":{"items":[{"agent_uuid":7}]}})",
        R"({"success":true,"data":{"items":[],"pagination":{"current_page":"1","last_page":1}}})",
        R"({"success":true,"data":{"items":[],"pagination":{"current_page":1,"last_page":1.5}}})",
        R"({"success":true,"data":{"items":[],"pagination":[1]}})",
        R"({"success":true,"data":{"items":[],"pagination":null}})",
        R"({"success":true,"data":{"items":[]},"data":{"items":[]}})",
        R"({"success":true,"data":{"items":[],"items":[]}})",
        R"({"success":true,"data":{"items":[]}} trailing)",
        R"({"success":true,"data":{"items":[]})",
    };
    for (const char* body : cases) {
        CAPTURE(body);
        CHECK_FALSE(read_agent_page(body));
    }
    CHECK_FALSE(read_agent_page(page_of(a + R"(,{"name":"second has no uuid"})")));
}

TEST_CASE("agent page reader: bytes arriving in any pieces read as the whole body") {
    std::string prompt = "\"";
    for (int i = 0; i < 200; ++i) prompt += "esc\\n\\\"\\u00e9 12345.5e3 ";
    prompt += "\"";
    const std::string body = page_of(agent_json(7, prompt) + "," + agent_json(8, R"("p")"));
    const auto whole = read_agent_page(body);
    REQUIRE(whole);
    for (std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{100}, std::size_t{4096}}) {
        CAPTURE(piece);
        AgentPageReader reader;
        REQUIRE(reader.begin(200, "application/json; charset=utf-8"));
        for (std::size_t at = 0; at < body.size(); at += piece)
            REQUIRE(reader.write(std::string_view(body).substr(at, piece)));
        REQUIRE(reader.finish());
        const AgentPage page = reader.take();
        REQUIRE(page.agents.size() == whole->agents.size());
        for (std::size_t i = 0; i < page.agents.size(); ++i)
            CHECK(page.agents[i].body_json() == whole->agents[i].body_json());
        CHECK(page.last_page == 7);
    }
}

TEST_CASE("agent page reader: only a success with a JSON type or none; begin() starts afresh") {
    AgentPageReader reader;
    CHECK_FALSE(reader.begin(429, "application/json"));
    CHECK_FALSE(reader.begin(200, "text/html"));
    CHECK(reader.begin(200, ""));
    CHECK(reader.begin(204, "application/problem+json"));
    // Half a body, then the next answer from its start (a retry after a dropped connection).
    const std::string body = page_of(agent_json(9, R"("p")"));
    REQUIRE(reader.write(std::string_view(body).substr(0, body.size() / 2)));
    REQUIRE(reader.begin(200, "application/json"));
    REQUIRE(reader.write(body));
    REQUIRE(reader.finish());
    CHECK(reader.take().agents.size() == 1);
    // A refused body stays refused to its end.
    REQUIRE(reader.begin(200, "application/json"));
    CHECK_FALSE(reader.write(R"({"success":false,)"));
    CHECK_FALSE(reader.write(R"("data":{"items":[]}})"));
    CHECK_FALSE(reader.finish());
}

}  // namespace reconcile
