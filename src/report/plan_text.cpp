// Terraform-like text rendering of a plan.
#include <tuple>

#include "reconcile/engine/normalize.hpp"
#include "reconcile/report/plan_text.hpp"
#include "reconcile/report/line_diff.hpp"
#include "reconcile/report/value_lines.hpp"
#include "reconcile/report/word_diff.hpp"
#include "reconcile/util/utf8.hpp"

namespace reconcile {

namespace {

constexpr std::string_view kGreen = "32";  // SGR parameters
constexpr std::string_view kYellow = "33";  // SGR parameters
constexpr std::string_view kRed = "31";  // SGR parameters
constexpr std::string_view kCyan = "36";  // SGR parameters
constexpr std::string_view kDim = "2";  // SGR parameters
constexpr std::string_view kBold = "1";  // SGR parameters
constexpr std::string_view kReset = "0";  // SGR parameters

constexpr std::size_t kItemSummaryWidth = 100;
constexpr std::size_t kInlineListWidth = 100;
constexpr std::size_t kMaxNamesListed = 10;

const json::value kNull{};

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

bool is_multiline(const json::value& v) {
    return v.is_string() && v.get_string().find('\n') != json::string::npos;
}

std::vector<std::string_view> split_lines(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (true) {
        auto nl = s.find('\n', pos);
        auto line = s.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.push_back(line);
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return out;
}

// A value in full on one line: strings quoted and escaped, 1.0 shown as 1.
std::string value_text(const json::value& v) {
    switch (v.kind()) {
        case json::kind::double_: return short_value(v, 64);
        case json::kind::array: {
            // Short lists of scalars in full (phrases, channels); anything else as a count.
            std::string out = "[";
            for (const auto& e : v.get_array()) {
                if (e.is_object() || e.is_array() || out.size() > kInlineListWidth) return short_value(v);
                if (out.size() > 1) out += ", ";
                out += value_text(e);
            }
            out += "]";
            return out.size() > kInlineListWidth ? short_value(v) : out;
        }
        case json::kind::object: {
            std::string out = "{";
            bool first = true;
            for (const auto& kv : v.get_object()) {
                if (!first) out += ", ";
                first = false;
                out += std::string(kv.key()) + ": " + value_text(kv.value());
            }
            return out + "}";
        }
        default: return json::serialize(v);
    }
}

// A compact one-line summary of a collection item.
std::string item_text(const json::value& v) {
    std::string out;
    if (v.is_object()) {
        out = "{";
        bool first = true;
        for (const auto& kv : v.get_object()) {
            if (!first) out += ", ";
            first = false;
            out += std::string(kv.key()) + ": " + (kv.value().is_array() ? short_value(kv.value()) : item_text(kv.value()));
            if (out.size() > kItemSummaryWidth) break;
        }
        out += "}";
    } else {
        out = value_text(v);
    }
    if (out.size() > kItemSummaryWidth) {
        out = cut_utf8(out, kItemSummaryWidth, "...");
    }
    return out;
}

std::string count_text(const json::value& v) {
    if (v.is_array()) {
        if (v.get_array().empty()) return "[]";
        return plural(v.get_array().size(), "item", "items");
    }
    return value_text(v);
}

// The leaves of a collection item that differ: (path, before, after), desired order.
void item_differences(const json::value& after, const json::value& before, const std::string& path,
                      std::vector<std::tuple<std::string, json::value, json::value>>& out) {
    if (after.is_object() && (before.is_object() || before.is_null())) {
        for (const auto& kv : after.get_object()) {
            const json::value* b = before.is_object() ? before.get_object().if_contains(kv.key()) : nullptr;
            const json::value& bv = b ? *b : kNull;
            std::string sub = path + "." + std::string(kv.key());
            if (kv.value().is_object()) item_differences(kv.value(), bv, sub, out);
            else if (!desired_matches(kv.value(), bv)) out.emplace_back(sub, bv, kv.value());
        }
        return;
    }
    if (!desired_matches(after, before)) out.emplace_back(path, before, after);
}

class Renderer {
public:
    explicit Renderer(const TextRenderOptions& o) : opt_(o) {}

    std::string paint(std::string_view code, std::string_view text) const {
        if (!opt_.color) return std::string(text);
        return trusted_sgr(code) + std::string(text) + trusted_sgr(kReset);
    }

    void line(std::size_t indent, std::string_view text) {
        out_.append(indent, ' ');
        out_ += text;
        while (!out_.empty() && out_.back() == ' ') out_.pop_back();
        out_ += '\n';
    }

    // A line diff, the changed words of changed lines marked (reverse video, or [-old-]{+new+}).
    void diff_lines(std::size_t indent, std::vector<std::string> lines) {
        mark_changed_words(lines, 2, opt_.color ? WordMarks::Ansi : WordMarks::Plain);
        for (const auto& l : lines) {
            if (l.empty()) line(0, "");
            else if (l[0] == '-') line(indent, paint(kRed, l));
            else if (l[0] == '+') line(indent, paint(kGreen, l));
            else line(indent, l);
        }
    }

    void step(const PlanStep& s) {
        if (!s.source.file.empty()) line(0, paint(kDim, "# " + s.source.file_line()));
        const std::string name = "\"" + s.agent_name + "\"";
        switch (s.action) {
            case ActionKind::Create:
                line(0, paint(kGreen, "+") + " create agent " + name);
                for (const auto& c : s.changes) created_field(c);
                break;
            case ActionKind::Update:
                line(0, paint(kYellow, "~") + " update agent " + name + " (" + s.agent_uuid + ")");
                for (const auto& c : s.changes) changed_field(c);
                break;
            case ActionKind::ProvisionCall:
                line(0, paint(kGreen, "+") + " provision call channel " + s.phone_number + " -> agent " + name);
                break;
            case ActionKind::Delete:
                line(0, paint(kRed, "-") + " delete agent " + name + " (" + s.agent_uuid + ")");
                break;
        }
        for (const auto& n : s.notes) line(4, paint(kCyan, "note: ") + n);
    }

    void created_field(const FieldChange& c) {
        const std::string sign = paint(kGreen, "+");
        const auto& v = c.after;
        if (is_multiline(v)) {
            line(4, sign + " " + c.path + ": |");
            for (auto l : split_lines(v.get_string())) line(8, l);
        } else if (v.is_array()) {
            line(4, sign + " " + c.path + ": " + count_text(v));
            const auto& a = v.get_array();
            for (std::size_t i = 0; i < a.size(); ++i) new_item(8, "[" + std::to_string(i) + "]", a[i]);
        } else {
            line(4, sign + " " + c.path + ": " + value_text(v));
        }
    }

    // A new collection item whole: every field, up to kMaxItemLines lines.
    void new_item(std::size_t indent, const std::string& idx, const json::value& item) {
        const auto lines = value_lines(item);
        const std::size_t under = indent + 3 + idx.size();  // below the item's first field
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (i == 0) line(indent, paint(kGreen, "+") + " " + idx + " " + lines[0]);
            else line(under, lines[i]);
        }
    }

    void changed_field(const FieldChange& c) {
        const std::string sign = paint(kYellow, "~");
        if (c.before.is_array() || c.after.is_array()) {
            collection(c);
            return;
        }
        if (is_multiline(c.before) || is_multiline(c.after)) {
            std::string head = sign + " " + c.path + ":";
            if (c.before.is_null()) head += " (was null)";
            if (c.after.is_null()) head += " (becomes null)";
            line(4, head);
            auto text = [](const json::value& v) -> std::string {
                if (v.is_null()) return {};
                if (v.is_string()) return std::string(v.get_string());
                return value_text(v);
            };
            diff_lines(8, line_diff(text(c.before), text(c.after), opt_.context_lines));
            return;
        }
        line(4, sign + " " + c.path + ": " + value_text(c.before) + " -> " + value_text(c.after));
    }

    // A replaced collection: item counts, then the items that differ.
    void collection(const FieldChange& c) {
        line(4, paint(kYellow, "~") + " " + c.path + ": " + count_text(c.before) + " -> " + count_text(c.after));
        static const json::array kEmpty;
        const auto& b = c.before.is_array() ? c.before.get_array() : kEmpty;
        const auto& a = c.after.is_array() ? c.after.get_array() : kEmpty;
        const std::size_t n = std::max(a.size(), b.size());
        for (std::size_t i = 0; i < n; ++i) {
            const std::string idx = "[" + std::to_string(i) + "]";
            if (i >= b.size()) {
                new_item(8, idx, a[i]);
            } else if (i >= a.size()) {
                line(8, paint(kRed, "-") + " " + idx + " " + item_text(b[i]));
            } else if (!desired_matches(a[i], b[i])) {
                std::vector<std::tuple<std::string, json::value, json::value>> diffs;
                item_differences(a[i], b[i], idx, diffs);
                for (const auto& [path, before, after] : diffs) {
                    if (is_multiline(before) || is_multiline(after)) {
                        line(8, paint(kYellow, "~") + " " + path + ":");
                        auto text = [](const json::value& v) {
                            return v.is_string() ? std::string(v.get_string()) : v.is_null() ? std::string() : value_text(v);
                        };
                        diff_lines(12, line_diff(text(before), text(after), opt_.context_lines));
                    } else {
                        line(8, paint(kYellow, "~") + " " + path + ": " + value_text(before) + " -> " + value_text(after));
                    }
                }
            }
        }
    }

    void footer(const Plan& plan) {
        const auto& names = plan.unchanged_agents;
        if (!names.empty()) {
            std::string text = plural(names.size(), "agent", "agents") + " unchanged: ";
            for (std::size_t i = 0; i < names.size() && i < kMaxNamesListed; ++i) {
                if (i) text += ", ";
                text += "\"" + names[i] + "\"";
            }
            if (names.size() > kMaxNamesListed) text += " and " + std::to_string(names.size() - kMaxNamesListed) + " more";
            line(0, text + ".");
        }
        if (!plan.has_changes()) {
            line(0, paint(kBold, "No changes. Live agents match the configuration."));
            return;
        }
        auto c = plan.counts();
        std::string text = "Plan: " + std::to_string(c.create) + " to create, " + std::to_string(c.update) +
                           " to update, " + plural(c.provision, "call channel", "call channels") + " to provision";
        if (c.remove > 0) text += ", " + std::to_string(c.remove) + " to delete";
        line(0, paint(kBold, text + "."));
    }

    std::string render(const Plan& plan) {
        for (const auto& s : plan.steps) {
            step(s);
            out_ += '\n';
        }
        footer(plan);
        return std::move(out_);
    }

private:
    const TextRenderOptions& opt_;
    std::string out_;
};

}  // namespace

std::string render_text(const Plan& plan, const TextRenderOptions& options) {
    return Renderer(options).render(plan);
}

}  // namespace reconcile
