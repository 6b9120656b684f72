#include <doctest/doctest.h>

#include "plan_fixtures.hpp"
#include "reconcile/report/line_diff.hpp"
#include "reconcile/report/plan_text.hpp"
#include "reconcile/util/utf8.hpp"

using namespace reconcile;
using namespace reconcile::testing;

namespace {

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

std::string numbered(int from, int to, std::string_view prefix = "line ") {
    std::string out;
    for (int i = from; i <= to; ++i) out += std::string(prefix) + std::to_string(i) + "\n";
    return out;
}

Plan small_plan() {
    Plan plan;
    plan.api_url = "https://acme.mihu.ai/api/v1";

    PlanStep create;
    create.action = ActionKind::Create;
    create.agent_name = "Support";
    create.source = SourceLocation{"agents/support.yaml", 1, 1};
    create.request = HttpCall{"POST", "/agents", parse_json(R"({"name": "Support"})")};
    create.changes = {
        FieldChange{"name", nullptr, json::value("Support"), false},
        FieldChange{"objective", nullptr, json::value("Help callers.\n\nBe kind."), false},
        FieldChange{"settings.voice.interaction.max_silence_prompts", nullptr, json::value(2), false},
        FieldChange{"guidelines", nullptr, parse_json(R"([{"content": "Be nice", "order": 0}])"), true},
    };
    create.precondition.name_absent = true;
    plan.steps.push_back(create);

    PlanStep prov;
    prov.action = ActionKind::ProvisionCall;
    prov.agent_name = "Support";
    prov.source = SourceLocation{"agents/support.yaml", 14, 3};
    prov.request = HttpCall{"POST", "/agents/{uuid}/channels/call/provision",
                            parse_json(R"({"phone_number_uuid": "pn-1"})")};
    prov.precondition.phone_number_uuid = "pn-1";
    prov.phone_number = "+390701234567";
    plan.steps.push_back(prov);

    PlanStep update;
    update.action = ActionKind::Update;
    update.agent_name = "Sales";
    update.agent_uuid = "u-sales";
    update.source = SourceLocation{"agents/sales.yaml", 1, 1};
    update.request = HttpCall{"PATCH", "/agents/u-sales", parse_json(R"({"tone": "Warm"})")};
    update.changes = {
        FieldChange{"tone", json::value("Cold"), json::value("Warm"), false},
        FieldChange{"settings.voice.interaction.max_silence_prompts", json::value(3), json::value(5), false},
        FieldChange{"description", json::value("Old"), nullptr, false},
        FieldChange{"objective", json::value("Step 1\nStep 2\nStep 3"), json::value("Step 1\nStep 2b\nStep 3"), false},
        FieldChange{"guidelines", parse_json(R"([{"content": "Be nice", "order": 0}, {"content": "Be brief", "order": 1}])"),
                    parse_json(R"([{"content": "Be nice", "order": 0}, {"content": "Be very brief", "order": 1},
                                   {"content": "Smile", "order": 2}])"),
                    true},
    };
    update.notes = {"guidelines is sent whole: the API replaces the collection, so fields not given in its items "
                    "return to the API's defaults"};
    plan.steps.push_back(update);

    plan.unchanged_agents = {"Billing"};
    return plan;
}

}  // namespace

TEST_SUITE("render") {

TEST_CASE("a small plan renders exactly") {
    const std::string expected =
        "# agents/support.yaml:1\n"
        "+ create agent \"Support\"\n"
        "    + name: \"Support\"\n"
        "    + objective: |\n"
        "        Help callers.\n"
        "\n"
        "        Be kind.\n"
        "    + settings.voice.interaction.max_silence_prompts: 2\n"
        "    + guidelines: 1 item\n"
        "        + [0] content: \"Be nice\"\n"
        "              order: 0\n"
        "\n"
        "# agents/support.yaml:14\n"
        "+ provision call channel +390701234567 -> agent \"Support\"\n"
        "\n"
        "# agents/sales.yaml:1\n"
        "~ update agent \"Sales\" (u-sales)\n"
        "    ~ tone: \"Cold\" -> \"Warm\"\n"
        "    ~ settings.voice.interaction.max_silence_prompts: 3 -> 5\n"
        "    ~ description: \"Old\" -> null\n"
        "    ~ objective:\n"
        "          Step 1\n"
        "        - Step [-2-]\n"
        "        + Step {+2b+}\n"
        "          Step 3\n"
        "    ~ guidelines: 2 items -> 3 items\n"
        "        ~ [1].content: \"Be brief\" -> \"Be very brief\"\n"
        "        + [2] content: \"Smile\"\n"
        "              order: 2\n"
        "    note: guidelines is sent whole: the API replaces the collection, so fields not given in its items "
        "return to the API's defaults\n"
        "\n"
        "1 agent unchanged: \"Billing\".\n"
        "Plan: 1 to create, 1 to update, 1 call channel to provision.\n";
    CHECK(render_text(small_plan()) == expected);
}

TEST_CASE("no changes") {
    Plan plan;
    plan.unchanged_agents = {"A", "B"};
    CHECK(render_text(plan) ==
          "2 agents unchanged: \"A\", \"B\".\n"
          "No changes. Live agents match the configuration.\n");
    CHECK(render_text(Plan{}) == "No changes. Live agents match the configuration.\n");
}

TEST_CASE("many unchanged agents are counted, not all listed") {
    Plan plan;
    for (int i = 0; i < 12; ++i) plan.unchanged_agents.push_back("A" + std::to_string(i));
    auto text = render_text(plan);
    CHECK(text.starts_with("12 agents unchanged: \"A0\", "));
    CHECK(text.find("\"A9\" and 2 more.\n") != std::string::npos);
    CHECK(text.find("A10") == std::string::npos);
}

TEST_CASE("color is ANSI only when asked") {
    auto plain = render_text(small_plan());
    CHECK(plain.find('\x1b') == std::string::npos);
    TextRenderOptions o;
    o.color = true;
    // The renderer marks its own colour codes; the console turns the marked ones into SGR.
    auto colored = printable_output(render_text(small_plan(), o), true);
    CHECK(colored.find("\x1b[32m+\x1b[0m create agent \"Support\"") != std::string::npos);
    // The changed word in reverse video inside the red line.
    CHECK(colored.find("\x1b[31m- Step \x1b[7m2\x1b[27m\x1b[0m") != std::string::npos);
    CHECK(colored.find("[-") == std::string::npos);
}

TEST_CASE("a prompt change renders as a line diff with context and hunks") {
    Plan plan;
    PlanStep s;
    s.action = ActionKind::Update;
    s.agent_name = "A";
    s.agent_uuid = "u";
    s.changes = {FieldChange{"custom_prompt", json::value(numbered(1, 30)),
                             json::value(numbered(1, 4) + "line 5 changed\n" + numbered(6, 24) + numbered(26, 30)),
                             false}};
    plan.steps.push_back(s);
    TextRenderOptions o;
    o.context_lines = 2;
    const std::string expected =
        "~ update agent \"A\" (u)\n"
        "    ~ custom_prompt:\n"
        "          line 3\n"
        "          line 4\n"
        "        - line 5\n"
        "        + line 5{+ changed+}\n"
        "          line 6\n"
        "          line 7\n"
        "        ...\n"
        "          line 23\n"
        "          line 24\n"
        "        - line 25\n"
        "          line 26\n"
        "          line 27\n"
        "\n"
        "Plan: 0 to create, 1 to update, 0 call channels to provision.\n";
    CHECK(render_text(plan, o) == expected);
}

TEST_CASE("a prompt set from null shows every line added") {
    Plan plan;
    PlanStep s;
    s.action = ActionKind::Update;
    s.agent_name = "A";
    s.agent_uuid = "u";
    s.changes = {FieldChange{"custom_prompt", nullptr, json::value("a\nb"), false}};
    plan.steps.push_back(s);
    CHECK(render_text(plan) ==
          "~ update agent \"A\" (u)\n"
          "    ~ custom_prompt: (was null)\n"
          "        + a\n"
          "        + b\n"
          "\n"
          "Plan: 0 to create, 1 to update, 0 call channels to provision.\n");
}

TEST_CASE("a collection that shrinks lists the removed items") {
    Plan plan;
    PlanStep s;
    s.action = ActionKind::Update;
    s.agent_name = "A";
    s.agent_uuid = "u";
    s.changes = {FieldChange{"notes", parse_json(R"([{"content": "x"}, {"content": "y"}])"), parse_json("[]"), true}};
    plan.steps.push_back(s);
    CHECK(render_text(plan) ==
          "~ update agent \"A\" (u)\n"
          "    ~ notes: 2 items -> []\n"
          "        - [0] {content: \"x\"}\n"
          "        - [1] {content: \"y\"}\n"
          "\n"
          "Plan: 0 to create, 1 to update, 0 call channels to provision.\n");
}

TEST_CASE("line_diff") {
    SUBCASE("equal texts: nothing") {
        CHECK(line_diff("a\nb\n", "a\nb", 3).empty());
        CHECK(line_diff("", "", 3).empty());
    }
    SUBCASE("one changed line with context") {
        CHECK(joined(line_diff("a\nb\nc\nd\ne", "a\nb\nX\nd\ne", 1)) == "  b\n- c\n+ X\n  d\n");
    }
    SUBCASE("zero context") {
        CHECK(joined(line_diff("a\nb\nc", "a\nB\nc", 0)) == "- b\n+ B\n");
    }
    SUBCASE("insertions at the start and deletions at the end") {
        CHECK(joined(line_diff("a\nb\nc", "new\na\nb", 3)) == "+ new\n  a\n  b\n- c\n");
    }
    SUBCASE("separate hunks are separated by ...") {
        auto before = numbered(1, 20);
        auto after = numbered(1, 2) + "inserted\n" + numbered(3, 17) + numbered(19, 20);
        CHECK(joined(line_diff(before, after, 1)) == "  line 2\n+ inserted\n  line 3\n...\n  line 17\n- line 18\n  line 19\n");
    }
    SUBCASE("close changes share a hunk") {
        auto before = numbered(1, 8);
        auto after = numbered(1, 2) + "x\n" + numbered(4, 5) + "y\n" + numbered(7, 8);
        CHECK(joined(line_diff(before, after, 1)) ==
              "  line 2\n- line 3\n+ x\n  line 4\n  line 5\n- line 6\n+ y\n  line 7\n");
    }
    SUBCASE("blank lines and CRLF") {
        CHECK(joined(line_diff("a\r\n\r\nb\r\n", "a\n\nc\n", 1)) == "\n- b\n+ c\n");
    }
    SUBCASE("a minimal diff, not a rewrite") {
        // Myers finds the 2 edits; a naive diff would remove and re-add the middle.
        auto d = line_diff("a\nb\nc\nd\ne\nf", "a\nc\nd\ne\nf\ng", 0);
        CHECK(joined(d) == "- b\n...\n+ g\n");
    }
    SUBCASE("a long prompt rewritten completely stays bounded and correct") {
        auto before = numbered(1, 600, "old ");
        auto after = numbered(1, 600, "new ");
        auto d = line_diff(before, after, 3);
        REQUIRE(d.size() == 1200);
        CHECK(d.front() == "- old 1");
        CHECK(d[599] == "- old 600");
        CHECK(d[600] == "+ new 1");
        CHECK(d.back() == "+ new 600");
    }
    SUBCASE("a few edits in a long prompt") {
        std::string before, after;
        for (int i = 0; i < 400; ++i) {
            before += "line " + std::to_string(i) + "\n";
            if (i % 100 == 50) after += "edited " + std::to_string(i) + "\n";
            else after += "line " + std::to_string(i) + "\n";
        }
        auto d = line_diff(before, after, 0);
        CHECK(joined(d) == "- line 50\n+ edited 50\n...\n- line 150\n+ edited 150\n...\n- line 250\n+ edited 250\n...\n"
                           "- line 350\n+ edited 350\n");
    }
}

}  // TEST_SUITE
