// Plan (and drift) as Markdown for GitHub comments, cut to fit the comment size limit.
#include "reconcile/render_markdown.hpp"

#include <algorithm>
#include <unordered_map>

#include "reconcile/normalize.hpp"
#include "reconcile/render.hpp"

namespace reconcile {

namespace {

constexpr std::size_t kMaxLine = 2'000;          // one line of a diff listing
constexpr std::size_t kMaxListedName = 200;      // one name in a summary list
constexpr std::string_view kSeeAll = "run `reconcile plan` or download the plan artifact";

// Cuts `s` to at most `n` bytes on a UTF-8 boundary, marking the cut with "…".
std::string cut_utf8(std::string_view s, std::size_t n) {
    if (s.size() <= n) return std::string(s);
    constexpr std::string_view kEllipsis = "…";
    std::size_t keep = n > kEllipsis.size() ? n - kEllipsis.size() : 0;
    while (keep > 0 && (static_cast<unsigned char>(s[keep]) & 0xC0) == 0x80) --keep;
    return std::string(s.substr(0, keep)) + (n >= kEllipsis.size() ? std::string(kEllipsis) : std::string());
}

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
            for (std::size_t i = 0; i < a.size(); ++i) out_.push_back("+    [" + std::to_string(i) + "] " + one_line(a[i]));
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
                out_.push_back(std::string(1, sign) + " " + index + " " + one_line(only_live ? live[i] : desired[i]));
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
    // line_diff's "- text" / "+ text" / "  text" / "..." indented under their "@@" header.
    static std::string nested(const std::string& l) {
        if (l.empty()) return l;
        if (l == "...") return "     ...";
        return cut_utf8(std::string(1, l[0]) + "   " + (l.size() > 1 ? l.substr(1) : std::string()), kMaxLine);
    }

    std::vector<std::string>& out_;
    std::size_t context_;
};

// The longest run of backticks in the lines, so the fence can be longer.
std::size_t longest_backtick_run(const std::vector<std::string>& lines) {
    std::size_t best = 0;
    for (const auto& l : lines) {
        std::size_t run = 0;
        for (char c : l) {
            run = c == '`' ? run + 1 : 0;
            best = std::max(best, run);
        }
    }
    return best;
}

// --- the plan comment --------------------------------------------------------------------------

// The steps of one agent (its create or update, then its provisioning), in plan order.
struct AgentSteps {
    std::string name;
    std::vector<const PlanStep*> steps;
};

std::vector<AgentSteps> group_by_agent(const Plan& plan) {
    std::vector<AgentSteps> groups;
    std::unordered_map<std::string, std::size_t> index;  // agent key -> group
    for (const auto& s : plan.steps) {
        const std::string key = s.agent_uuid.empty() ? "name:" + s.agent_name : "uuid:" + s.agent_uuid;
        auto [it, inserted] = index.emplace(key, groups.size());
        if (inserted) groups.push_back(AgentSteps{s.agent_name, {}});
        groups[it->second].steps.push_back(&s);
    }
    return groups;
}

std::string_view action_sign(ActionKind a) {
    switch (a) {
        case ActionKind::Create: return "+";
        case ActionKind::Update: return "~";
        case ActionKind::ProvisionCall: return "+";
        case ActionKind::Delete: return "-";
    }
    return "?";
}

std::string agent_details(const AgentSteps& agent, const MarkdownOptions& options) {
    std::string summary;
    std::vector<std::string> lines, notes, origin;
    for (const PlanStep* s : agent.steps) {
        if (!summary.empty()) summary += " and ";
        const std::string name = "<b>" + markdown_escape(agent.name) + "</b>";
        switch (s->action) {
            case ActionKind::Create:
            case ActionKind::Update:
                summary += std::string(action_sign(s->action)) + " " + std::string(to_string(s->action)) + " " + name +
                           " (" + count_of(s->changes.size(), "field", "fields") + ")";
                break;
            case ActionKind::ProvisionCall:
                summary += (summary.empty() ? "+ provision call channel " + markdown_escape(s->phone_number) + " for " + name
                                            : "provision call channel " + markdown_escape(s->phone_number));
                lines.push_back("+ channels.call: " + s->phone_number);
                break;
            case ActionKind::Delete: summary += "- delete " + name; break;
        }
        for (const auto& c : s->changes) {
            auto more = change_diff_lines(c, DiffDirection::LiveToDesired, options.context_lines,
                                          s->action == ActionKind::Create);
            lines.insert(lines.end(), more.begin(), more.end());
        }
        notes.insert(notes.end(), s->notes.begin(), s->notes.end());
        std::string where = file_and_line(s->source);
        if (!s->agent_uuid.empty() && s->action != ActionKind::ProvisionCall) where += " · " + s->agent_uuid;
        if (!where.empty() && std::find(origin.begin(), origin.end(), where) == origin.end()) origin.push_back(where);
    }
    std::string intro;
    for (const auto& o : origin) intro += (intro.empty() ? "" : "<br>") + ("<sub>" + markdown_escape(o) + "</sub>");
    return markdown_details(summary, intro, lines, notes, std::min(options.max_detail_chars, options.max_chars / 2));
}

std::string plan_summary(const Plan& plan, const MarkdownOptions& options) {
    const auto c = plan.counts();
    std::string out = "### reconcile plan\n\n";
    std::string line = "**Plan:** " + format_count(c.create) + " to create, " + format_count(c.update) + " to update, " +
                       count_of(c.provision, "call channel", "call channels") + " to provision";
    if (c.remove > 0) line += ", " + format_count(c.remove) + " to delete";
    out += line + ".";
    if (!plan.unchanged_agents.empty())
        out += " " + count_of(plan.unchanged_agents.size(), "agent", "agents") + " unchanged.";
    out += "\n\n";

    struct Group {
        ActionKind action;
        std::string_view title;
        std::vector<std::string> names;
    };
    std::vector<Group> groups = {{ActionKind::Create, "create", {}},
                                 {ActionKind::Update, "update", {}},
                                 {ActionKind::ProvisionCall, "provision call channel", {}},
                                 {ActionKind::Delete, "delete", {}}};
    for (const auto& s : plan.steps)
        for (auto& g : groups)
            if (g.action == s.action) g.names.push_back(s.agent_name);
    // The names may take about a third of the comment, shared by the groups that have any.
    const auto used = static_cast<std::size_t>(
        std::count_if(groups.begin(), groups.end(), [](const Group& g) { return !g.names.empty(); }));
    const std::size_t budget = used == 0 ? 0 : options.max_chars / 3 / used;
    for (const auto& g : groups) {
        if (g.names.empty()) continue;
        out += "- `" + std::string(action_sign(g.action)) + "` **" + std::string(g.title) + "** (" +
               format_count(g.names.size()) + "): " + markdown_name_list(g.names, options.max_names, budget) + "\n";
    }
    return out;
}

}  // namespace

std::string markdown_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '|': out += "&#124;"; break;
            case '`': out += "&#96;"; break;
            case '*': out += "&#42;"; break;
            case '_': out += "&#95;"; break;
            case '[': out += "&#91;"; break;
            case ']': out += "&#93;"; break;
            case '\\': out += "&#92;"; break;
            case '#': out += "&#35;"; break;
            case '~': out += "&#126;"; break;
            case '@': out += "&#64;"; break;  // no @mentions from agent names
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) out += ' ';
                else out += c;
        }
    }
    return out;
}

std::string format_count(std::size_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string count_of(std::size_t n, std::string_view one, std::string_view many) {
    return format_count(n) + " " + std::string(n == 1 ? one : many);
}

std::string file_and_line(const SourceLocation& where) {
    return where.line > 0 ? where.file + ":" + std::to_string(where.line) : where.file;
}

std::string markdown_name_list(const std::vector<std::string>& names, std::size_t max_names, std::size_t max_chars) {
    std::string out;
    std::size_t shown = 0;
    for (const auto& n : names) {
        std::string item = markdown_escape(cut_utf8(n, kMaxListedName));
        if (shown == max_names || (shown > 0 && out.size() + item.size() + 2 > max_chars)) break;
        if (shown > 0) out += ", ";
        out += item;
        ++shown;
    }
    if (shown < names.size()) out += " … and " + format_count(names.size() - shown) + " more";
    return out;
}

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

std::string markdown_details(std::string_view summary_html, std::string_view intro,
                             const std::vector<std::string>& diff_lines, const std::vector<std::string>& notes,
                             std::size_t max_chars) {
    std::string head = "<details><summary>" + std::string(summary_html) + "</summary>\n\n";
    if (!intro.empty()) head += std::string(intro) + "\n\n";
    std::string tail;
    for (const auto& n : notes) tail += "- " + markdown_escape(n) + "\n";
    if (!tail.empty()) tail = "\n" + tail;
    tail += "\n</details>\n\n";

    const std::string fence(std::max<std::size_t>(3, longest_backtick_run(diff_lines) + 1), '`');
    std::string body;
    if (!diff_lines.empty()) {
        // Room for the fences, and for the line saying what was cut.
        const std::size_t overhead = head.size() + tail.size() + 2 * fence.size() + 16 + 120;
        const std::size_t room = max_chars > overhead ? max_chars - overhead : 0;
        std::size_t used = 0, shown = 0;
        for (const auto& l : diff_lines) {
            if (used + l.size() + 1 > room) break;
            body += l;
            body += '\n';
            used += l.size() + 1;
            ++shown;
        }
        if (shown < diff_lines.size())
            body += "… " + count_of(diff_lines.size() - shown, "more line", "more lines") + " (" +
                    std::string(kSeeAll) + ")\n";
        body = fence + "diff\n" + body + fence + "\n";
    }
    return head + body + tail;
}

std::string assemble_markdown(std::string_view summary, const std::vector<std::string>& details,
                              std::string_view what_one, std::string_view what_many, std::string_view see_all,
                              std::size_t max_chars) {
    auto left_out_line = [&](std::size_t n) {
        return "_Left out to fit the comment size limit: the details of " + count_of(n, what_one, what_many) +
               ". To see everything, " + std::string(see_all) + "._\n";
    };
    // Room for that line in the worst case.
    const std::size_t reserve = left_out_line(details.size()).size() + 1;
    constexpr std::string_view kSummaryCut = "_… the summary is cut to fit the comment size limit._\n";

    std::string out;
    if (summary.size() + reserve <= max_chars) {
        out = summary;
    } else if (max_chars >= reserve + kSummaryCut.size() + 1) {
        // Keep the summary's first lines.
        std::string_view cut = summary.substr(0, max_chars - reserve - kSummaryCut.size() - 1);
        if (auto nl = cut.rfind('\n'); nl != std::string_view::npos) cut = cut.substr(0, nl + 1);
        out = std::string(cut) + "\n" + std::string(kSummaryCut);
    } else {
        return cut_utf8(summary, max_chars);  // a limit too small for anything else
    }

    std::size_t shown = 0;
    for (const auto& d : details) {
        const std::size_t separator = shown == 0 ? 1 : 0;
        if (out.size() + separator + d.size() + reserve > max_chars) break;
        if (separator) out += '\n';
        out += d;
        ++shown;
    }
    if (shown < details.size()) out += (shown == 0 ? "\n" : "") + left_out_line(details.size() - shown);
    return out;
}

std::string render_markdown(const Plan& plan, const MarkdownOptions& options) {
    if (!plan.has_changes()) {
        std::string out = "### reconcile plan\n\n**No changes.** Live agents match the configuration";
        if (!plan.unchanged_agents.empty())
            out += " (" + count_of(plan.unchanged_agents.size(), "agent", "agents") + " checked)";
        return cut_utf8(out + ".\n", options.max_chars);
    }
    std::vector<std::string> details;
    for (const auto& agent : group_by_agent(plan)) details.push_back(agent_details(agent, options));
    return assemble_markdown(plan_summary(plan, options), details, "agent", "agents", kSeeAll, options.max_chars);
}

}  // namespace reconcile
