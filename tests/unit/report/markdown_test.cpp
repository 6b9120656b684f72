#include <doctest/doctest.h>

#include "plan_fixtures.hpp"
#include "reconcile/report/markdown.hpp"
#include "reconcile/report/plan_markdown.hpp"
#include "reconcile/report/change_lines.hpp"

using namespace reconcile;
using namespace reconcile::testing;

namespace {

PlanStep update(std::string name, std::string uuid, std::vector<FieldChange> changes) {
    PlanStep s;
    s.action = ActionKind::Update;
    s.agent_name = std::move(name);
    s.agent_uuid = std::move(uuid);
    s.source = SourceLocation{"agents/" + s.agent_uuid + ".yaml", 2, 1};
    s.changes = std::move(changes);
    return s;
}

FieldChange change(std::string path, json::value before, json::value after, bool collection = false) {
    return FieldChange{std::move(path), std::move(before), std::move(after), collection};
}

std::string long_prompt(int lines, std::string_view word) {
    std::string out;
    for (int i = 0; i < lines; ++i) out += "Line " + std::to_string(i) + ": " + std::string(word) + " the customer politely.\n";
    return out;
}

std::size_t count(std::string_view haystack, std::string_view needle) {
    std::size_t n = 0;
    for (auto pos = haystack.find(needle); pos != std::string_view::npos; pos = haystack.find(needle, pos + 1)) ++n;
    return n;
}

}  // namespace

TEST_SUITE("markdown") {

TEST_CASE("no changes: a short comment") {
    Plan plan;
    plan.unchanged_agents = {"A", "B"};
    CHECK(render_markdown(plan) ==
          "### reconcile plan\n\n**No changes.** Live agents match the configuration (2 agents checked).\n");
    CHECK(render_markdown(Plan{}) == "### reconcile plan\n\n**No changes.** Live agents match the configuration.\n");
}

TEST_CASE("summary first, then one collapsible block per agent with a diff listing") {
    Plan plan;
    plan.steps.push_back(update("Volvo", "u-1",
                                {change("objective", json::value("Sell."), json::value("Book a service.")),
                                 change("settings.voice.interaction.max_silence_prompts", json::value(5), json::value(3)),
                                 change("role", json::value("line 1\nline 2\nline 3"), json::value("line 1\nline two\nline 3"))}));
    plan.steps.back().notes.push_back("guidelines is sent whole: fields not given return to the API's defaults");
    PlanStep create;
    create.action = ActionKind::Create;
    create.agent_name = "New <Agent>";
    create.source = SourceLocation{"agents/new.yaml", 1, 1};
    create.changes = {change("name", nullptr, json::value("New <Agent>")),
                      change("custom_prompt", nullptr, json::value("first\nsecond")),
                      change("guidelines", nullptr, parse_json(R"([{"content": "Be kind."}])"), true)};
    plan.steps.push_back(create);
    PlanStep provision;
    provision.action = ActionKind::ProvisionCall;
    provision.agent_name = "New <Agent>";
    provision.phone_number = "+390701234567";
    provision.source = SourceLocation{"agents/new.yaml", 9, 3};
    plan.steps.push_back(provision);
    plan.unchanged_agents = {"Same"};

    const auto md = render_markdown(plan);
    INFO(md);
    CHECK(md.rfind("### reconcile plan\n\n**Plan:** 1 to create, 1 to update, 1 call channel to provision. 1 agent unchanged.\n\n"
                   "- `+` **create** (1): New &lt;Agent&gt;\n"
                   "- `~` **update** (1): Volvo\n"
                   "- `+` **provision call channel** (1): New &lt;Agent&gt;\n\n",
                   0) == 0);
    CHECK(md.find("<details><summary>~ update <b>Volvo</b> (3 fields)</summary>\n\n"
                  "<sub>agents/u-1.yaml:2 · u-1</sub>\n\n"
                  "```diff\n"
                  "- objective: \"Sell.\"\n"
                  "+ objective: \"Book a service.\"\n"
                  "- settings.voice.interaction.max_silence_prompts: 5\n"
                  "+ settings.voice.interaction.max_silence_prompts: 3\n"
                  "@@ role @@\n"
                  "     line 1\n"
                  "-    line 2\n"
                  "+    line two\n"
                  "     line 3\n"
                  "```\n\n"
                  "- guidelines is sent whole: fields not given return to the API's defaults\n\n"
                  "</details>\n") != std::string::npos);
    CHECK(md.find("<details><summary>+ create <b>New &lt;Agent&gt;</b> (3 fields) and provision call channel "
                  "+390701234567</summary>\n\n"
                  "<sub>agents/new.yaml:1</sub><br><sub>agents/new.yaml:9</sub>\n\n"
                  "```diff\n"
                  "+ name: \"New <Agent>\"\n"
                  "+ custom_prompt: |\n"
                  "+    first\n"
                  "+    second\n"
                  "+ guidelines: 1 item\n"
                  "+    [0] content: \"Be kind.\"\n"
                  "+ channels.call: +390701234567\n"
                  "```\n") != std::string::npos);
    CHECK(md.find("left out") == std::string::npos);
    // The summary comes before every block.
    CHECK(md.find("**Plan:**") < md.find("<details>"));
}

TEST_CASE("collections show only the item fields that differ") {
    Plan plan;
    plan.steps.push_back(update("A", "u-1",
                                {change("guidelines", parse_json(R"([{"content": "Old", "order": 0}, {"content": "Gone"}])"),
                                        parse_json(R"([{"content": "New"}])"), true)}));
    const auto md = render_markdown(plan);
    CHECK(md.find("@@ guidelines: 2 items -> 1 item @@\n"
                  "- [0].content: \"Old\"\n"
                  "+ [0].content: \"New\"\n"
                  "- [1] {\"content\":\"Gone\"}\n") != std::string::npos);
}

TEST_CASE("names are escaped for Markdown and HTML") {
    CHECK(markdown_escape("a<b>&c|d`e*f_g[h]i\\j#k~l@m") ==
          "a&lt;b&gt;&amp;c&#124;d&#96;e&#42;f&#95;g&#91;h&#93;i&#92;j&#35;k&#126;l&#64;m");
    CHECK(markdown_escape("two\nlines\r\tand tab") == "two lines  and tab");
    CHECK(markdown_escape("Caffè ✓") == "Caffè ✓");
    Plan plan;
    plan.steps.push_back(update("<img src=x onerror=alert(1)> | `rm` @team", "u-1",
                                {change("objective", json::value("a"), json::value("b"))}));
    const auto md = render_markdown(plan);
    CHECK(md.find("<img") == std::string::npos);
    CHECK(md.find("@team") == std::string::npos);
    CHECK(md.find("<b>&lt;img src=x onerror=alert(1)&gt; &#124; &#96;rm&#96; &#64;team</b>") != std::string::npos);
}

TEST_CASE("a fence longer than any backtick run in the listing") {
    Plan plan;
    plan.steps.push_back(update("A", "u-1", {change("custom_prompt", json::value("x"), json::value("```\ncode\n````"))}));
    const auto md = render_markdown(plan);
    CHECK(md.find("`````diff\n") != std::string::npos);
    CHECK(md.find("\n`````\n") != std::string::npos);
}

TEST_CASE("format_count and name lists") {
    CHECK(format_count(0) == "0");
    CHECK(format_count(999) == "999");
    CHECK(format_count(1000) == "1,000");
    CHECK(format_count(9700) == "9,700");
    CHECK(format_count(1234567) == "1,234,567");
    CHECK(markdown_name_list({"a", "b", "c"}, 2, 1000) == "a, b … and 1 more");
    CHECK(markdown_name_list({"aaaa", "bbbb", "cccc"}, 10, 10) == "aaaa, bbbb … and 1 more");
    CHECK(markdown_name_list({"x"}, 10, 0) == "x");  // at least one name
}

TEST_CASE("300 changed agents with long prompts fit in a comment, summary intact") {
    Plan plan;
    for (int i = 0; i < 300; ++i) {
        const std::string name = "Agent " + std::to_string(i);
        plan.steps.push_back(update(name, "u-" + std::to_string(i),
                                    {change("custom_prompt", json::value(long_prompt(120, "Greet")),
                                            json::value(long_prompt(120, "Welcome"))),
                                     change("objective", json::value("Old objective"), json::value("New objective"))}));
    }
    const auto md = render_markdown(plan);
    CHECK(md.size() <= 65'000);
    CHECK(md.rfind("### reconcile plan\n\n**Plan:** 0 to create, 300 to update, 0 call channels to provision.\n\n", 0) == 0);
    // Every name is in the summary.
    for (int i = 0; i < 300; ++i) CHECK(md.find("Agent " + std::to_string(i) + (i == 299 ? "\n" : ",")) != std::string::npos);
    const auto shown = count(md, "<details>");
    CHECK(shown > 0);
    CHECK(shown < 300);
    CHECK(count(md, "<details>") == count(md, "</details>"));
    CHECK(md.find("_Left out to fit the comment size limit: the details of " + format_count(300 - shown) +
                  " agents. To see everything, run `reconcile plan` or download the plan artifact._\n") !=
          std::string::npos);
    // A block is never cut in the middle: the last one shown is closed.
    CHECK(md.rfind("</details>") > md.rfind("<details>"));
}

TEST_CASE("one huge agent is cut inside its own block") {
    Plan plan;
    plan.steps.push_back(update("Huge", "u-1", {change("custom_prompt", json::value(long_prompt(5000, "Greet")),
                                                       json::value(long_prompt(5000, "Welcome")))}));
    plan.steps.push_back(update("Small", "u-2", {change("objective", json::value("a"), json::value("b"))}));
    const auto md = render_markdown(plan);
    CHECK(md.size() <= 65'000);
    CHECK(md.find("more lines (run `reconcile plan` or download the plan artifact)\n```\n") != std::string::npos);
    CHECK(md.find("<b>Small</b>") != std::string::npos);
    CHECK(md.find("Left out to fit") == std::string::npos);
}

TEST_CASE("10,000 agents: the names list is capped") {
    Plan plan;
    for (int i = 0; i < 10'000; ++i)
        plan.steps.push_back(update("Agent number " + std::to_string(i), "u-" + std::to_string(i),
                                    {change("objective", json::value("old"), json::value("new"))}));
    const auto md = render_markdown(plan);
    CHECK(md.size() <= 65'000);
    CHECK(md.find("**Plan:** 0 to create, 10,000 to update") != std::string::npos);
    CHECK(md.find("Agent number 299 … and 9,700 more\n") != std::string::npos);
    CHECK(md.find("Agent number 300,") == std::string::npos);
    CHECK(md.find("_Left out to fit the comment size limit: the details of ") != std::string::npos);
}

TEST_CASE("long names: the list stays within its share of the comment") {
    Plan plan;
    const std::string filler(500, 'n');
    for (int i = 0; i < 1000; ++i) {
        PlanStep s = update(filler + std::to_string(i), "u-" + std::to_string(i), {});
        s.action = i % 2 ? ActionKind::Update : ActionKind::Create;
        plan.steps.push_back(s);
    }
    const auto md = render_markdown(plan);
    CHECK(md.size() <= 65'000);
    CHECK(md.find("more\n- `~` **update** (500): ") != std::string::npos);
    CHECK(md.find(" more\n\n") != std::string::npos);
}

TEST_CASE("any limit holds, down to a tiny one") {
    Plan plan;
    for (int i = 0; i < 50; ++i)
        plan.steps.push_back(update("Agent " + std::to_string(i), "u-" + std::to_string(i),
                                    {change("objective", json::value("old"), json::value("new"))}));
    for (std::size_t limit : {65'000u, 5'000u, 1'000u, 300u, 40u}) {
        MarkdownOptions o;
        o.max_chars = limit;
        CAPTURE(limit);
        const auto md = render_markdown(plan, o);
        CHECK(md.size() <= limit);
        CHECK(md.rfind("### reconcile plan", 0) == 0);
    }
}

TEST_CASE("assemble_markdown keeps details in order and says how many were left out") {
    std::vector<std::string> details = {std::string(100, 'a') + "\n", std::string(100, 'b') + "\n",
                                        std::string(100, 'c') + "\n"};
    auto md = assemble_markdown("# S\n", details, "agent", "agents", "see it all", 400);
    CHECK(md.size() <= 400);
    CHECK(md == "# S\n\n" + std::string(100, 'a') + "\n" + std::string(100, 'b') + "\n" +
                    "_Left out to fit the comment size limit: the details of 1 agent. To see everything, see it all._\n");
    auto all = assemble_markdown("# S\n", details, "agent", "agents", "see it all", 10'000);
    CHECK(all.find("Left out") == std::string::npos);
}

}  // TEST_SUITE
