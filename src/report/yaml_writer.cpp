// Block-style YAML for exported documents, spelled so that the schema-typed loader reads back
// exactly the value written.
#include "reconcile/report/yaml_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <regex>
#include <set>

#include "reconcile/util/text.hpp"
#include "reconcile/util/utf8.hpp"

namespace reconcile {

namespace {

// Characters a YAML reader treats as line breaks or byte-order marks, or that are not
// printable: they are written as escapes in a double-quoted scalar.
bool needs_escape(char32_t cp) {
    return (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F || cp == 0x85 || cp == 0x2028 ||
           cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFD;
}

bool has_unprintable(std::string_view s, bool allow_tab_newline) {
    for (std::size_t i = 0; i < s.size();) {
        const char32_t cp = next_code_point(s, i);
        if (needs_escape(cp)) return true;
        if (!allow_tab_newline && (cp == '\t' || cp == '\n')) return true;
    }
    return false;
}

std::string double_quoted(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t start = i;
        const char32_t cp = next_code_point(s, i);
        switch (cp) {
            case '"': out += "\\\""; continue;
            case '\\': out += "\\\\"; continue;
            case '\n': out += "\\n"; continue;
            case '\t': out += "\\t"; continue;
            case '\r': out += "\\r"; continue;
            case 0: out += "\\0"; continue;
            default: break;
        }
        if (cp < 0x20 || cp == 0x7F) {
            out += "\\x";
            out += kHex[cp >> 4];
            out += kHex[cp & 0xF];
        } else if (needs_escape(cp) && (cp != 0xFFFD || s.substr(start, i - start) != "\xEF\xBF\xBD")) {
            // Line separators, BOM, and bytes that are not UTF-8 (written as U+FFFD: the text
            // was not valid UTF-8, and a YAML file must be).
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xF];
        } else {
            out.append(s.substr(start, i - start));
        }
    }
    out += '"';
    return out;
}

// Would a YAML 1.1 or 1.2 reader resolve this plain scalar to something other than a string:
// null, a boolean, a number in any base or notation (underscores, sexagesimal 1:20, .inf),
// a date or timestamp, the merge key? Then it is quoted. "9 AM", "3_hours" and uuids such as
// "9d7c3b21-4e5f-..." stay plain; "0101", "1_000", "12:30" and "2024-01-01" do not.
bool resolves_to_non_string(std::string_view s) {
    static const std::set<std::string, std::less<>> kWords = {
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", "<<", "=",
        ".inf", "-.inf", "+.inf", ".nan"};
    if (kWords.count(ascii_lower(s))) return true;
    static const std::regex kNumberOrTime(
        "[-+]?(\\.[0-9][0-9_.]*|[0-9][0-9_]*(\\.[0-9_.]*)?)([eE][-+]?[0-9]+)?"  // decimal
        "|[-+]?0[xX][0-9a-fA-F_]+|[-+]?0[oO][0-7_]+|[-+]?0[bB][01_]+"            // other bases
        "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?"                        // sexagesimal
        "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt \\t].*)?");                        // dates, times
    return std::regex_match(s.begin(), s.end(), kNumberOrTime);
}

// --- numbers -----------------------------------------------------------------------------------


std::string number_text(const json::value& v) {
    if (v.is_int64()) return std::to_string(v.get_int64());
    if (v.is_uint64()) return std::to_string(v.get_uint64());
    const double d = v.get_double();
    if (whole_in_int64(d)) return std::to_string(static_cast<std::int64_t>(d));
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);  // shortest form that reads back
    return ec == std::errc() ? std::string(buf, end) : json::serialize(v);
}

// --- YAML text ---------------------------------------------------------------------------------

// A literal block scalar keeps a multi-line text readable; it cannot hold escapes, nor a text
// made only of line breaks (those are all "trailing" lines, which chomping drops).
bool fits_block_scalar(std::string_view s) {
    return s.find('\n') != std::string_view::npos && s.find_first_not_of('\n') != std::string_view::npos &&
           !has_unprintable(s, true);
}

class YamlWriter {
public:
    std::string& out;

    // "key: value" lines of an object, at `indent`.
    void entries(const json::object& o, std::size_t indent) {
        for (const auto& kv : o) {
            out.append(indent, ' ');
            out += yaml_scalar(kv.key());
            out += ':';
            after_key(kv.value(), indent);
        }
    }

    // "- item" lines of an array, at `indent`.
    void items(const json::array& a, std::size_t indent) {
        for (const auto& e : a) {
            const bool nested = (e.is_object() && !e.get_object().empty()) || (e.is_array() && !e.get_array().empty());
            if (!nested) {
                out.append(indent, ' ');
                out += '-';
                after_key(e, indent);
                continue;
            }
            // The item's first line shares the dash's line: "- key: value" / "- - value".
            const std::size_t start = out.size();
            if (e.is_object()) entries(e.get_object(), indent + 2);
            else items(e.get_array(), indent + 2);
            out[start + indent] = '-';
        }
    }

private:
    // Everything after "key:" or "-": a scalar on the same line, or the nested block.
    void after_key(const json::value& v, std::size_t indent) {
        switch (v.kind()) {
            case json::kind::object:
                if (v.get_object().empty()) {
                    out += " {}\n";
                } else {
                    out += '\n';
                    entries(v.get_object(), indent + 2);
                }
                return;
            case json::kind::array:
                if (v.get_array().empty()) {
                    out += " []\n";
                } else {
                    out += '\n';
                    items(v.get_array(), indent + 2);
                }
                return;
            case json::kind::string: {
                std::string_view s = v.get_string();
                if (fits_block_scalar(s)) block_scalar(s, indent + 2);
                else out += " " + yaml_scalar(s) + "\n";
                return;
            }
            case json::kind::null: out += " null\n"; return;
            case json::kind::bool_: out += v.get_bool() ? " true\n" : " false\n"; return;
            default: out += " " + number_text(v) + "\n"; return;
        }
    }

    // `|` keeps one final newline, `|-` none, `|+` all of them. The indentation indicator is
    // needed when the first line that is not empty starts with a space.
    void block_scalar(std::string_view s, std::size_t content_indent) {
        std::size_t trailing = 0;
        while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
        std::string_view body = trailing == 0 ? s : s.substr(0, s.size() - 1);
        const auto first = s.find_first_not_of('\n');
        out += " |";
        if (first != std::string_view::npos && s[first] == ' ') out += '2';
        out += trailing == 0 ? "-" : trailing == 1 ? "" : "+";
        out += '\n';
        std::size_t pos = 0;
        while (true) {
            const auto nl = body.find('\n', pos);
            const auto line = body.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
            if (!line.empty()) {
                out.append(content_indent, ' ');
                out += line;
            }
            out += '\n';
            if (nl == std::string_view::npos) break;
            pos = nl + 1;
        }
    }
};

}  // namespace

std::string yaml_scalar(std::string_view s) {
    constexpr std::string_view kIndicators = "-?:,[]{}#&*!|>'\"%@`";
    const bool plain = !s.empty() && s.front() != ' ' && s.back() != ' ' && !has_unprintable(s, false) &&
                       kIndicators.find(s.front()) == std::string_view::npos && s.back() != ':' &&
                       s.find(": ") == std::string_view::npos && s.find('#') == std::string_view::npos &&
                       s.substr(0, 3) != "..." && !resolves_to_non_string(s);
    return plain ? std::string(s) : double_quoted(s);
}

std::string yaml_document(const json::object& doc) {
    std::string out;
    YamlWriter{out}.entries(doc, 0);
    return out;
}

}  // namespace reconcile
