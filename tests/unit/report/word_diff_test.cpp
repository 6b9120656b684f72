// Word marks inside changed lines, and new collection items shown whole.
#include <doctest/doctest.h>

#include "reconcile/report/change_lines.hpp"
#include "reconcile/report/value_lines.hpp"
#include "reconcile/report/word_diff.hpp"
#include "reconcile/util/utf8.hpp"

using namespace reconcile;

namespace {

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

std::string plain(const std::vector<WordSpan>& spans, bool removed) {
    std::string out;
    for (const auto& s : spans) out += s.changed ? (removed ? "[-" : "{+") + s.text + (removed ? "-]" : "+}") : s.text;
    return out;
}

}  // namespace

TEST_SUITE("word diff") {

TEST_CASE("the changed words of similar lines are marked, a changed phrase once") {
    auto d = word_diff("Greet the caller by name and smile.", "Greet the caller politely and smile.");
    CHECK(d.similar);
    CHECK(plain(d.before, true) == "Greet the caller [-by name-] and smile.");
    CHECK(plain(d.after, false) == "Greet the caller {+politely+} and smile.");

    d = word_diff("the quick brown fox", "the slow red fox");
    CHECK(plain(d.before, true) == "the [-quick brown-] fox");
    CHECK(plain(d.after, false) == "the {+slow red+} fox");
}

TEST_CASE("lines with little in common are not marked word by word") {
    CHECK_FALSE(word_diff("Never promise prices.", "Book a callback for tomorrow morning.").similar);
    CHECK_FALSE(word_diff("", "something").similar);
}

TEST_CASE("punctuation and multi-byte words are words of their own") {
    auto d = word_diff("Prezzo: 10 €, città Milano.", "Prezzo: 12 €, città Roma.");
    CHECK(plain(d.after, false) == "Prezzo: {+12+} €, città {+Roma+}.");
}

TEST_CASE("a diff listing marks removed lines paired with the added lines after them") {
    std::vector<std::string> lines = {"  context", "- Be brief.", "- Say goodbye.", "+ Be very brief.",
                                      "+ Say goodbye warmly.", "+ A new line", "  end"};
    mark_changed_words(lines, 2, WordMarks::Plain);
    CHECK(joined(lines) ==
          "  context\n"
          "- Be brief.\n"
          "- Say goodbye.\n"
          "+ Be {+very +}brief.\n"
          "+ Say goodbye{+ warmly+}.\n"
          "+ A new line\n"
          "  end\n");

    std::vector<std::string> ansi = {"- a b c", "+ a X c"};
    mark_changed_words(ansi, 2, WordMarks::Ansi);
    CHECK(printable_output(ansi[0], true) == "- a \x1b[7mb\x1b[27m c");
    CHECK(printable_output(ansi[1], true) == "+ a \x1b[7mX\x1b[27m c");
    CHECK(printable_output(ansi[0], false) == "- a b c");
}

TEST_CASE("a new item is shown whole, every field, within a line limit") {
    json::value item = json::parse(R"({"name":"Billing","rules":{"priority":2,"phrases":["invoice","refund"]},)"
                                   R"("text":"line one\nline two","empty":[]})");
    CHECK(joined(value_lines(item)) ==
          "name: \"Billing\"\n"
          "rules:\n"
          "  priority: 2\n"
          "  phrases:\n"
          "    - \"invoice\"\n"
          "    - \"refund\"\n"
          "text: |\n"
          "  line one\n"
          "  line two\n"
          "empty: []\n");

    json::value list = json::parse(R"([{"a":1,"b":2},{"a":3}])");
    CHECK(joined(value_lines(list)) == "- a: 1\n  b: 2\n- a: 3\n");

    json::array many;
    for (int i = 0; i < 100; ++i) many.push_back(i);
    const auto cut = value_lines(json::value(many), 40);
    REQUIRE(cut.size() == 40);
    CHECK(cut[38] == "- 38");
    CHECK(cut[39] == "… 61 more lines");

    const std::string long_text(300, 'x');
    CHECK(value_lines(json::value(long_text)).front() == "\"" + long_text + "\"");  // not cut at 100
}

TEST_CASE("diff listings show a new collection item whole") {
    FieldChange c;
    c.path = "guidelines";
    c.collection = true;
    c.before = json::parse(R"([{"content":"Be nice","order":0}])");
    c.after = json::parse(R"([{"content":"Be nice","order":0},{"content":"Smile","order":1}])");
    CHECK(joined(change_diff_lines(c, DiffDirection::LiveToDesired, 3)) ==
          "@@ guidelines: 1 item -> 2 items @@\n"
          "+ [1] content: \"Smile\"\n"
          "+     order: 1\n");
}

}  // TEST_SUITE
