// FieldChange -> diff lines ("- path: old" / "+ path: new", line diffs of multi-line texts,
// lists item by item).
#include "reconcile/report/change_lines.hpp"

#include <algorithm>

#include "reconcile/engine/normalize.hpp"
#include "reconcile/report/line_diff.hpp"
#include "reconcile/report/value_lines.hpp"
#include "reconcile/util/text.hpp"
#include "reconcile/util/utf8.hpp"

namespace reconcile {

namespace {

constexpr std::size_t kMaxLine = 2'000;  // one line of a diff listing
constexpr std::string_view kEllipsis = "…";

bool multiline(const json::value& v) { return v.is_string() && v.get_string().find('\n') != json::string::npos; }

std::string text_of(const json::value& v) {
    if (v.is_null()) return {};
    if (v.is_string()) return std::string(v.get_string());
    return json::serialize(v);
}

// A value on one line: strings quoted, 1.0 as 1, objects and lists as compact JSON.
std::string one_line(const json::value& v) {
    if (v.is_double()) return short_value(v, 64);
    return cut_utf8(json::serialize(v), kMaxLine);
}

std::string items_count(const json::value& v) {
    if (!v.is_array()) return one_line(v);
    return count_of(v.get_array().size(), "item", "items");
}

// One leaf of a collection item that differs: the value each side holds.
struct Leaf {
    std::string path;
    json::value live;
    json::value desired;
};

// The fields a desired item gives that the live item does not hold, depth first.
void differing_leaves(const json::value& desired, const json::value& live, const std::string& path,
                      std::vector<Leaf>& out) {
    const bool descend = desired.is_object() && !desired.get_object().empty() && (live.is_object() || live.is_null());
    if (!descend) {
        if (!desired_matches(desired, live)) out.push_back(Leaf{path, live, desired});
        return;
    }
    static const json::value kAbsent;
    for (const auto& kv : desired.get_object()) {
        const json::value* l = live.is_object() ? live.get_object().if_contains(kv.key()) : nullptr;
        differing_leaves(kv.value(), l ? *l : kAbsent, path + "." + std::string(kv.key()), out);
    }
}

class DiffLines {
public:
    DiffLines(std::vector<std::string>& out, std::size_t context) : out_(out), context_(context) {}

    // "- path: minus" / "+ path: plus", or a line diff of multi-line texts.
    void pair(const std::string& path, const json::value& minus, const json::value& plus) {
        if (multiline(minus) || multiline(plus)) {
            out_.push_back("@@ " + path + " @@");
            for (const auto& l : line_diff(text_of(minus), text_of(plus), context_)) out_.push_back(nested(l));
            return;
        }
        out_.push_back("- " + path + ": " + one_line(minus));
        out_.push_back("+ " + path + ": " + one_line(plus));
    }

    // A new field: only "+" lines.
    void added(const std::string& path, const json::value& v) {
        if (multiline(v)) {
            out_.push_back("+ " + path + ": |");
            std::string_view s = v.get_string();
            for (std::size_t pos = 0;;) {
                auto nl = s.find('\n', pos);
                const auto line = s.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
                out_.push_back(cut_utf8("+    " + std::string(line), kMaxLine));
                if (nl == std::string_view::npos) break;
                pos = nl + 1;
            }
        } else if (v.is_array()) {
            out_.push_back("+ " + path + ": " + (v.get_array().empty() ? std::string("[]") : items_count(v)));
            const auto& a = v.get_array();
            for (std::size_t i = 0; i < a.size(); ++i) item('+', "   [" + std::to_string(i) + "]", a[i]);
        } else {
            out_.push_back("+ " + path + ": " + one_line(v));
        }
    }

    // A replaced list: the count, then per index what differs (`live_first`: "-" is live).
    void collection(const FieldChange& c, bool live_first) {
        static const json::array kNone;
        const auto& live = c.before.is_array() ? c.before.get_array() : kNone;
        const auto& desired = c.after.is_array() ? c.after.get_array() : kNone;
        const json::value& minus = live_first ? c.before : c.after;
        const json::value& plus = live_first ? c.after : c.before;
        out_.push_back("@@ " + c.path + ": " + items_count(minus) + " -> " + items_count(plus) + " @@");
        for (std::size_t i = 0; i < std::max(live.size(), desired.size()); ++i) {
            const std::string index = "[" + std::to_string(i) + "]";
            if (i >= desired.size() || i >= live.size()) {
                // An item only one side has: "-" or "+" depending on which side shows first.
                const bool only_live = i >= desired.size();
                const char sign = only_live == live_first ? '-' : '+';
                const json::value& value = only_live ? live[i] : desired[i];
                if (sign == '+') item(sign, index, value);
                else out_.push_back(std::string(1, sign) + " " + index + " " + one_line(value));
                continue;
            }
            std::vector<Leaf> leaves;
            differing_leaves(desired[i], live[i], index, leaves);
            for (const auto& leaf : leaves) {
                if (live_first) pair(leaf.path, leaf.live, leaf.desired);
                else pair(leaf.path, leaf.desired, leaf.live);
            }
        }
    }

private:
    // A whole item under `sign`: every field, each line a "+" line so a diff block colours it.
    void item(char sign, const std::string& index, const json::value& v) {
        const auto lines = value_lines(v);
        const std::string under(index.size() + 1, ' ');
        for (std::size_t i = 0; i < lines.size(); ++i)
            out_.push_back(cut_utf8(std::string(1, sign) + " " + (i == 0 ? index + " " : under) + lines[i], kMaxLine));
    }

    // line_diff's "- text" / "+ text" / "  text" / "..." indented under their "@@" header.
    static std::string nested(const std::string& l) {
        if (l.empty()) return l;
        if (l == "...") return "     ...";
        return cut_utf8(std::string(1, l[0]) + "   " + (l.size() > 1 ? l.substr(1) : std::string()), kMaxLine);
    }

    std::vector<std::string>& out_;
    std::size_t context_;
};

}  // namespace

std::vector<std::string> change_diff_lines(const FieldChange& change, DiffDirection direction,
                                           std::size_t context_lines, bool created) {
    std::vector<std::string> out;
    DiffLines d(out, context_lines);
    const bool live_first = direction == DiffDirection::LiveToDesired;
    if (created) d.added(change.path, change.after);
    else if (change.collection || change.before.is_array() || change.after.is_array()) d.collection(change, live_first);
    else if (live_first) d.pair(change.path, change.before, change.after);
    else d.pair(change.path, change.after, change.before);
    return out;
}

}  // namespace reconcile
