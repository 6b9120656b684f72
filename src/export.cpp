// `reconcile export`: live agents -> YAML documents that load cleanly and plan no change.
//
// Two passes: select() keeps what the loader accepts, in the schema's key order, with numbers
// in the form the schema wants; YamlWriter then spells the selected value as block YAML.
#include "reconcile/export.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <set>

namespace reconcile {

namespace {

// --- strings -----------------------------------------------------------------------------------

// Decodes one UTF-8 sequence at s[i]; advances i. Returns 0xFFFD for a malformed byte.
char32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) {
        ++i;
        return 0xFFFD;
    }
    char32_t cp = len == 1 ? b0 : b0 & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if ((b & 0xC0) != 0x80) {
            ++i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    i += static_cast<std::size_t>(len);
    return cp;
}

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

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Would a YAML 1.1 or 1.2 reader resolve this plain scalar to something other than a string:
// null, a boolean, a number in any base or notation (underscores, sexagesimal 1:20, .inf),
// a date or timestamp, the merge key? Then it is quoted. "9 AM", "3_hours" and uuids such as
// "9d7c3b21-4e5f-..." stay plain; "0101", "1_000", "12:30" and "2024-01-01" do not.
bool resolves_to_non_string(std::string_view s) {
    static const std::set<std::string, std::less<>> kWords = {
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", "<<", "=",
        ".inf", "-.inf", "+.inf", ".nan"};
    if (kWords.count(lower_ascii(s))) return true;
    static const std::regex kNumberOrTime(
        "[-+]?(\\.[0-9][0-9_.]*|[0-9][0-9_]*(\\.[0-9_.]*)?)([eE][-+]?[0-9]+)?"  // decimal
        "|[-+]?0[xX][0-9a-fA-F_]+|[-+]?0[oO][0-7_]+|[-+]?0[bB][01_]+"            // other bases
        "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?"                        // sexagesimal
        "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt \\t].*)?");                        // dates, times
    return std::regex_match(s.begin(), s.end(), kNumberOrTime);
}

// --- numbers -----------------------------------------------------------------------------------

constexpr double kTwo63 = 9223372036854775808.0;

bool whole_in_int64(double d) { return std::isfinite(d) && d == std::trunc(d) && d >= -kTwo63 && d < kTwo63; }

std::string number_text(const json::value& v) {
    if (v.is_int64()) return std::to_string(v.get_int64());
    if (v.is_uint64()) return std::to_string(v.get_uint64());
    const double d = v.get_double();
    if (whole_in_int64(d)) return std::to_string(static_cast<std::int64_t>(d));
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);  // shortest form that reads back
    return ec == std::errc() ? std::string(buf, end) : json::serialize(v);
}

// --- selection ---------------------------------------------------------------------------------

// What select() decided for one live value.
struct Selected {
    std::optional<json::value> value;   // what to write
    std::string reason;                 // why it is left out ("" and no value: silently)
    static Selected keep(json::value v) { return Selected{std::move(v), {}}; }
    static Selected drop(std::string why = {}) { return Selected{std::nullopt, std::move(why)}; }
};

std::string type_list(const SchemaNode& node) {
    std::string out;
    for (std::size_t i = 0; i < node.types.size(); ++i) {
        if (i > 0) out += i + 1 == node.types.size() ? " or " : ", ";
        out += to_string(node.types[i]);
    }
    return out;
}

class Selector {
public:
    explicit Selector(std::vector<std::string>& left_out) : left_out_(left_out) {}

    // `node` nullptr: free-form (no schema below this point): written as it is.
    Selected select(const json::value& v, const SchemaNode* node, const std::string& pointer) {
        if (!node || node->types.empty()) {
            if (node && node->is_object() && v.is_object()) return object(v.get_object(), *node, pointer);
            return Selected::keep(free_form(v));
        }
        const auto wrong = [&] {
            return Selected::drop("live value " + short_value(v, 40) + " is not " + type_list(*node));
        };
        switch (v.kind()) {
            case json::kind::null: return node->allows(JsonType::Null) ? Selected::keep(v) : wrong();
            case json::kind::bool_: return node->allows(JsonType::Boolean) ? Selected::keep(v) : wrong();
            case json::kind::int64:
                return node->allows(JsonType::Integer) ? Selected::keep(v) : wrong();
            case json::kind::uint64:
                if (!node->allows(JsonType::Integer)) return wrong();
                if (v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX) && !node->allows(JsonType::Number))
                    return Selected::drop("live value " + short_value(v) + " is out of the integer range");
                return Selected::keep(v);
            case json::kind::double_: {
                const double d = v.get_double();
                if (whole_in_int64(d) && node->allows(JsonType::Integer))
                    return Selected::keep(json::value(static_cast<std::int64_t>(d)));
                return node->allows(JsonType::Number) ? Selected::keep(v) : wrong();
            }
            case json::kind::string: {
                if (!node->allows(JsonType::String)) return wrong();
                const auto& e = node->enum_values;
                if (!e.empty() && std::find(e.begin(), e.end(), v.get_string()) == e.end())
                    return Selected::drop("live value " + short_value(v, 40) + " is not one of the schema's values");
                return Selected::keep(v);
            }
            case json::kind::object:
                if (!node->allows(JsonType::Object)) return wrong();
                if (node->properties.empty()) return Selected::keep(free_form(v));
                return object(v.get_object(), *node, pointer);
            case json::kind::array:
                return node->allows(JsonType::Array) ? array(v.get_array(), node->items.get(), pointer) : wrong();
        }
        return wrong();
    }

    // The members of a schema-described object, in the schema's order. Read-only members are
    // left out silently (a live agent always has them); others the loader would reject are
    // reported.
    Selected object(const json::object& live, const SchemaNode& node, const std::string& pointer) {
        json::object out;
        for (const auto& key : node.property_order) {
            const auto* v = live.if_contains(key);
            const SchemaNode* child = node.property(key);
            if (!v || !child || child->read_only) continue;
            add_member(out, key, *v, child, pointer);
        }
        for (const auto& kv : live) {
            if (node.property(kv.key())) continue;
            if (node.additional_properties) add_member(out, kv.key(), kv.value(), nullptr, pointer);
            else note(pointer_append(pointer, kv.key()), "not in the schema");
        }
        // An object all of whose members are read-only (settings.memorize ...) is not written.
        if (out.empty() && !live.empty()) return Selected::drop();
        return Selected::keep(std::move(out));
    }

    void note(const std::string& pointer, const std::string& why) {
        left_out_.push_back(pointer_to_display(pointer) + ": " + why);
    }

private:
    void add_member(json::object& out, std::string_view key, const json::value& v, const SchemaNode* child,
                    const std::string& pointer) {
        const std::string p = pointer_append(pointer, key);
        auto s = select(v, child, p);
        if (s.value) out.emplace(key, std::move(*s.value));
        else if (!s.reason.empty()) note(p, s.reason);
    }

    // Lists are written whole or not at all: leaving an item out would change the list.
    Selected array(const json::array& live, const SchemaNode* items, const std::string& pointer) {
        json::array out;
        for (std::size_t i = 0; i < live.size(); ++i) {
            auto s = select(live[i], items, pointer_append(pointer, i));
            if (!s.value && !s.reason.empty())
                return Selected::drop("item [" + std::to_string(i) + "]: " + s.reason + "; the list is left out");
            json::value item = s.value ? std::move(*s.value) : json::value(json::object{});
            if (item.is_object()) item.get_object().erase("uuid");  // the service's item ids
            out.push_back(std::move(item));
        }
        return Selected::keep(std::move(out));
    }

    static json::value free_form(const json::value& v) {
        if (!v.is_array()) return v;
        json::array out;
        for (const auto& e : v.get_array()) {
            json::value item = free_form(e);
            if (item.is_object()) item.get_object().erase("uuid");
            out.push_back(std::move(item));
        }
        return out;
    }

    std::vector<std::string>& left_out_;
};

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

// E.164 the way the loader checks it ("+" and 7 to 15 digits), after dropping the separators
// people write ("+39 (070) 123-4567"); nullopt for anything else.
std::optional<std::string> e164(std::string_view number) {
    std::string digits;
    for (std::size_t i = 0; i < number.size(); ++i) {
        const char c = number[i];
        if (is_digit(c) || (c == '+' && i == 0)) digits += c;
        else if (std::string_view(" -().").find(c) == std::string_view::npos) return std::nullopt;
    }
    const bool ok = digits.size() >= 8 && digits.size() <= 16 && digits[0] == '+' && digits[1] != '0';
    return ok ? std::optional<std::string>(digits) : std::nullopt;
}

// `channels: {call: ...}` for the number whose call binding holds the agent, if any.
std::optional<json::object> call_channel(const LiveAgent& agent, const std::vector<PhoneNumber>& numbers,
                                         Selector& selector) {
    std::optional<json::object> channels;
    for (const auto& n : numbers) {
        if (!n.call_bound || n.call_agent_uuid != agent.uuid) continue;
        if (channels) {
            selector.note("/channels/call", "the agent also holds the call channel of " + n.number +
                                                "; a document declares one number");
            continue;
        }
        json::object call;
        if (auto number = e164(n.number)) call.emplace("phone_number", *number);
        else call.emplace("phone_number_uuid", n.uuid);
        channels.emplace();
        channels->emplace("call", std::move(call));
    }
    return channels;
}

// --- slugs -------------------------------------------------------------------------------------

// ASCII spelling of an accented Latin letter, "" when there is none.
std::string_view latin_base(char32_t cp) {
    // U+00C0..U+00FF; "-" marks the two symbols of the block (multiplication, division).
    static constexpr std::string_view kLatin1[64] = {
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", "-", "o", "u", "u", "u", "u", "y", "th", "ss",
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
        "d", "n", "o", "o", "o", "o", "o", "-", "o", "u", "u", "u", "u", "y", "th", "y"};
    if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
    // Latin Extended-A, U+0100..U+017F: runs of one base letter.
    struct Run {
        char32_t last;
        std::string_view base;
    };
    static constexpr Run kExtendedA[] = {
        {0x105, "a"}, {0x10D, "c"}, {0x111, "d"}, {0x11B, "e"}, {0x123, "g"}, {0x127, "h"}, {0x131, "i"},
        {0x133, "ij"}, {0x135, "j"}, {0x138, "k"}, {0x142, "l"}, {0x14B, "n"}, {0x151, "o"}, {0x153, "oe"},
        {0x159, "r"}, {0x161, "s"}, {0x167, "t"}, {0x173, "u"}, {0x175, "w"}, {0x178, "y"}, {0x17E, "z"},
        {0x17F, "s"}};
    if (cp >= 0x100 && cp <= 0x17F)
        for (const auto& r : kExtendedA)
            if (cp <= r.last) return r.base;
    return {};
}

constexpr std::size_t kMaxSlug = 80;

std::string created_at(const LiveAgent& a) { return get_string(a.body, "created_at").value_or(""); }

}  // namespace

std::string yaml_scalar(std::string_view s) {
    constexpr std::string_view kIndicators = "-?:,[]{}#&*!|>'\"%@`";
    const bool plain = !s.empty() && s.front() != ' ' && s.back() != ' ' && !has_unprintable(s, false) &&
                       kIndicators.find(s.front()) == std::string_view::npos && s.back() != ':' &&
                       s.find(": ") == std::string_view::npos && s.find('#') == std::string_view::npos &&
                       s.substr(0, 3) != "..." && !resolves_to_non_string(s);
    return plain ? std::string(s) : double_quoted(s);
}

ExportedAgent export_agent(const LiveAgent& agent, const std::vector<PhoneNumber>& numbers, const Schema& schema,
                           const ExportOptions& options) {
    ExportedAgent result;
    Selector selector(result.left_out);
    const SchemaNode& root = schema.root();

    // The reconciler's keys are not the API's: the live `channels` is a read-only list, and
    // the document's `channels` comes from the phone numbers' bindings.
    json::object live = agent.body;
    live.erase("uuid");
    live.erase("channels");
    auto selected = selector.object(live, root, "");
    json::object fields = selected.value ? std::move(selected.value->get_object()) : json::object{};

    json::object doc;
    doc.emplace("uuid", agent.uuid);
    auto channels = call_channel(agent, numbers, selector);
    for (const auto& key : root.property_order) {
        if (key == "channels" && channels) doc.emplace("channels", std::exchange(*channels, {}));
        else if (auto* v = fields.if_contains(key)) doc.emplace(key, std::move(*v));
    }
    for (auto& kv : fields)  // free-form members of an open root schema
        if (!doc.contains(kv.key())) doc.emplace(kv.key(), std::move(kv.value()));
    if (channels && !doc.contains("channels")) doc.emplace("channels", std::move(*channels));

    if (!options.schema_path.empty()) result.yaml = "# yaml-language-server: $schema=" + options.schema_path + "\n";
    YamlWriter{result.yaml}.entries(doc, 0);
    return result;
}

std::string export_agent_yaml(const LiveAgent& agent, const std::vector<PhoneNumber>& numbers, const Schema& schema) {
    return export_agent(agent, numbers, schema).yaml;
}

std::string export_slug(std::string_view name) {
    std::string slug;
    bool pending_dash = false;
    auto put = [&](std::string_view text) {
        if (pending_dash && !slug.empty()) slug += '-';
        pending_dash = false;
        slug += text;
    };
    for (std::size_t i = 0; i < name.size();) {
        const char32_t cp = next_code_point(name, i);
        if (cp < 0x80) {
            const char c = static_cast<char>(std::tolower(static_cast<int>(cp)));
            if ((c >= 'a' && c <= 'z') || is_digit(c)) put(std::string_view(&c, 1));
            else pending_dash = true;
        } else if (auto base = latin_base(cp); base == "-") {
            pending_dash = true;
        } else if (!base.empty()) {
            put(base);
        }  // other non-ASCII characters are dropped
    }
    if (slug.size() > kMaxSlug) {
        slug.resize(kMaxSlug);
        while (!slug.empty() && slug.back() == '-') slug.pop_back();
    }
    return slug.empty() ? std::string("agent") : slug;
}

std::vector<ExportFile> plan_export_files(const std::vector<LiveAgent>& agents, const std::vector<PhoneNumber>& numbers,
                                          const Schema& schema, std::string_view directory,
                                          const ExportOptions& options) {
    // Group by slug; within a group, oldest first.
    std::map<std::string, std::vector<const LiveAgent*>> groups;
    for (const auto& a : agents) groups[export_slug(a.name)].push_back(&a);
    std::set<std::string> taken;
    for (auto& [slug, members] : groups) {
        std::sort(members.begin(), members.end(), [](const LiveAgent* x, const LiveAgent* y) {
            return std::pair(created_at(*x), x->uuid) < std::pair(created_at(*y), y->uuid);
        });
        taken.insert(slug);  // every group's first member keeps its own slug
    }

    std::string prefix(directory);
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    std::vector<ExportFile> files;
    files.reserve(agents.size());
    for (const auto& [slug, members] : groups) {
        int suffix = 2;
        for (std::size_t i = 0; i < members.size(); ++i) {
            std::string name = slug;
            if (i > 0) {
                while (taken.count(slug + "-" + std::to_string(suffix))) ++suffix;
                name = slug + "-" + std::to_string(suffix++);
                taken.insert(name);
            }
            const LiveAgent& a = *members[i];
            files.push_back(ExportFile{prefix + name + ".yaml", a.uuid, a.name, export_agent(a, numbers, schema, options)});
        }
    }
    std::sort(files.begin(), files.end(), [](const ExportFile& x, const ExportFile& y) { return x.path < y.path; });
    return files;
}

}  // namespace reconcile
