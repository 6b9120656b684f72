#include "reconcile/config/loader.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <system_error>
#include <tuple>

#include "reconcile/util/digest.hpp"
#include "reconcile/util/phone.hpp"
#include "reconcile/util/text.hpp"
#include "reconcile/model/env_template.hpp"
#include "reconcile/model/field_pattern.hpp"
#include "reconcile/config/bases.hpp"
#include "reconcile/config/vars.hpp"
#include "reconcile/config/yaml_location.hpp"

namespace reconcile {

namespace fs = std::filesystem;

namespace {

// More errors than this in one file are almost always one mistake repeated (often through a
// YAML alias); the rest are summarized in one line.
constexpr std::size_t kMaxErrorsPerFile = 200;

// PHP trim(): the service (Laravel) trims every string it receives with these characters.
// --- scalar classification -------------------------------------------------------------------

// Booleans in YAML 1.1 spelling (true/false/yes/no/on/off, any case), for boolean fields only.
// The one-letter y/n of YAML 1.1 are not accepted: too easy to write by accident.
std::optional<bool> parse_bool(std::string_view s) {
    auto l = ascii_lower(s);
    if (l == "true" || l == "yes" || l == "on") return true;
    if (l == "false" || l == "no" || l == "off") return false;
    return std::nullopt;
}

bool looks_integer(std::string_view s) {
    std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (i >= s.size()) return false;
    return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i), s.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
}

// [-+]? (digits [. digits?] | . digits) ([eE] [-+]? digits)?
bool looks_decimal(std::string_view s) {
    std::size_t i = 0, n = s.size();
    if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t int_digits = 0, frac_digits = 0;
    while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++int_digits;
    if (i < n && s[i] == '.') {
        ++i;
        while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac_digits;
    }
    if (int_digits + frac_digits == 0) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
        std::size_t exp_digits = 0;
        while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp_digits;
        if (exp_digits == 0) return false;
    }
    return i == n;
}

// Integer fields read decimal digits: a leading zero does not make a number octal (010 is 10).
std::optional<std::int64_t> parse_int(std::string_view s) {
    if (!s.empty() && s[0] == '+') s.remove_prefix(1);
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<double> parse_double(std::string_view s) {
    if (!s.empty() && s[0] == '+') s.remove_prefix(1);
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::string expected_types(const SchemaNode& s) {
    std::vector<std::string> names;
    for (auto t : s.types) names.emplace_back(to_string(t));
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
        out += names[i];
    }
    return out;
}

bool is_quoted(const YAML::Node& n) {
    // yaml-cpp gives "!" to quoted and block scalars, "?" to plain ones. `!!str` also forces a
    // string; any other explicit tag is ignored and the scalar is read as a plain one.
    const auto& tag = n.Tag();
    return tag == "!" || tag == "tag:yaml.org,2002:str";
}

// A few words on what a YAML node is, for "expected X, got Y".
std::string describe(const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Map: return "object";
        case YAML::NodeType::Sequence: return "array";
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined: return "null";
        case YAML::NodeType::Scalar: break;
    }
    const std::string& text = n.Scalar();
    if (!is_quoted(n)) {
        if (parse_bool(text)) return "boolean " + text;
        if (looks_integer(text)) return "integer " + text;
        if (looks_decimal(text)) return "number " + text;
    }
    return "string " + quote_for_message(text);
}

// --- alias expansion ---------------------------------------------------------------------------

// yaml-cpp shares an aliased node instead of copying it, so a small file can describe a huge
// tree ("billion laughs"). This counts the expanded size in time proportional to the distinct
// nodes, memoized by source position (an alias has the position of its anchor), and stops
// counting past the limit. A node that contains itself counts as infinite.
class ExpansionCounter {
public:
    explicit ExpansionCounter(std::size_t limit) : limit_(limit) {}

    // min(expanded size, limit + 1)
    std::size_t count(const YAML::Node& n) {
        if (!n.IsMap() && !n.IsSequence()) return 1;
        const auto key = std::pair(n.Mark().pos, static_cast<int>(n.Type()));
        if (auto it = memo_.find(key); it != memo_.end()) return it->second;
        if (!active_.insert(key).second) return limit_ + 1;  // cycle
        std::size_t total = 1;
        if (n.IsMap()) {
            for (auto it = n.begin(); it != n.end() && total <= limit_; ++it)
                total += count(it->first) + count(it->second);
        } else {
            for (auto it = n.begin(); it != n.end() && total <= limit_; ++it) total += count(*it);
        }
        active_.erase(key);
        total = std::min(total, limit_ + 1);
        memo_.emplace(key, total);
        return total;
    }

private:
    std::size_t limit_;
    std::map<std::pair<int, int>, std::size_t> memo_;
    std::set<std::pair<int, int>> active_;
};

// --- the converter ---------------------------------------------------------------------------

struct LimitExceeded {};

class Converter {
public:
    Converter(const std::string& file, const LoadOptions& options, LoadResult& out, DesiredAgent& agent,
              std::size_t& file_errors)
        : file_(file), options_(options), out_(out), agent_(agent), file_errors_(file_errors) {}

    // Converts `n` under schema node `s` (nullptr = free-form). nullopt after an error.
    // Throws LimitExceeded when the document is refused as a whole.
    std::optional<json::value> convert(const YAML::Node& n, const SchemaNode* s, const std::string& ptr,
                                       const SourceLocation& key_loc, std::size_t depth) {
        if (++nodes_ > options_.max_nodes) {
            error(agent_.where, "document expands to more than " + std::to_string(options_.max_nodes) +
                                    " nodes (YAML aliases?)");
            throw LimitExceeded{};
        }
        if (depth > options_.max_depth) {
            std::string field = display(ptr);
            if (field.size() > 60) field = field.substr(0, 57) + "...";
            error(key_loc, "`" + field + "`: nesting deeper than " + std::to_string(options_.max_depth) +
                               " levels");
            throw LimitExceeded{};
        }
        switch (n.Type()) {
            case YAML::NodeType::Map: return convert_map(n, s, ptr, key_loc, depth);
            case YAML::NodeType::Sequence: return convert_seq(n, s, ptr, key_loc, depth);
            default: return convert_scalar(n, s, ptr, key_loc);
        }
    }

    SourceLocation loc(const YAML::Node& n, const SourceLocation& fallback) const {
        if (!n.IsDefined() || n.IsNull()) return fallback;  // a null's mark points past it
        auto m = n.Mark();
        if (m.is_null() || m.line < 0) return fallback;
        return SourceLocation{file_, m.line + 1, m.column + 1};
    }

    void error(const SourceLocation& where, std::string message) {
        ++file_errors_;
        if (file_errors_ > kMaxErrorsPerFile) {
            if (file_errors_ == kMaxErrorsPerFile + 1)
                out_.diagnostics.push_back(
                    make_error(where, "too many errors; the rest of this file is not checked"));
            throw LimitExceeded{};
        }
        out_.diagnostics.push_back(make_error(where, std::move(message)));
    }

    static std::string display(const std::string& ptr) {
        return ptr.empty() ? std::string("(document)") : pointer_to_display(ptr);
    }
    // "`settings.voice`: " before a message about that field; nothing for the document itself.
    static std::string prefix(const std::string& ptr) {
        return ptr.empty() ? std::string() : "`" + pointer_to_display(ptr) + "`: ";
    }

private:
    std::optional<json::value> type_error(const YAML::Node& n, const SchemaNode& s, const std::string& ptr,
                                          const SourceLocation& key_loc) {
        std::string msg = prefix(ptr) + "expected " + expected_types(s) + ", got " + describe(n);
        if (n.IsScalar() && is_quoted(n)) {
            // `"true"` for a boolean, `"3"` for an integer: the quotes make it a string.
            const std::string& t = n.Scalar();
            if ((s.allows(JsonType::Boolean) && parse_bool(t)) ||
                (s.allows(JsonType::Integer) && looks_integer(t)) ||
                (s.allows(JsonType::Number) && looks_decimal(t)))
                msg += " (quoted values are strings; remove the quotes)";
        }
        error(loc(n, key_loc), std::move(msg));
        return std::nullopt;
    }

    std::optional<json::value> convert_map(const YAML::Node& n, const SchemaNode* s, const std::string& ptr,
                                           const SourceLocation& key_loc, std::size_t depth) {
        if (s && !s->allows(JsonType::Object)) return type_error(n, *s, ptr, key_loc);
        const bool closed = s && !s->additional_properties;
        json::object obj;
        std::map<std::string, SourceLocation> seen;
        for (auto it = n.begin(); it != n.end(); ++it) {
            // Copies: the iterator hands out a temporary pair.
            const YAML::Node k = it->first;
            const YAML::Node v = it->second;
            SourceLocation kloc = loc(k, loc(n, key_loc));
            if (!k.IsScalar()) {
                error(kloc, prefix(ptr) + "keys must be plain strings, got " + describe(k));
                continue;
            }
            const std::string& key = k.Scalar();
            std::string child_ptr = pointer_append(ptr, key);
            if (key == "<<" && !is_quoted(k)) {
                error(kloc, prefix(ptr) + "YAML merge keys (`<<`) are not supported; write the fields out");
                continue;
            }
            if (auto [prev, inserted] = seen.emplace(key, kloc); !inserted) {
                error(kloc, "duplicate key `" + display(child_ptr) + "`; first written at " +
                                prev->second.str());
                continue;
            }
            const SchemaNode* child = s ? s->property(key) : nullptr;
            if (s && !child && closed) {
                std::string msg = "unknown field `" + display(child_ptr) + "`";
                auto suggestion = nearest_name(key, s->property_names());
                // Never suggest a read-only field: it would only lead to the next error.
                if (!suggestion.empty()) {
                    auto* sn = s->property(suggestion);
                    if (sn && !sn->read_only) msg += "; did you mean `" + suggestion + "`?";
                }
                error(kloc, std::move(msg));
                continue;
            }
            if (child && child->read_only) {
                std::string msg = "`" + display(child_ptr) +
                                  "` is a read-only field (the service sets it); remove it";
                if (child_ptr == "/agent_uuid") msg += " (to pin this document to a live agent, use `uuid:`)";
                error(kloc, std::move(msg));
                continue;
            }
            agent_.locations[child_ptr] = kloc;
            if (auto value = convert(v, child, child_ptr, kloc, depth + 1))
                obj.emplace(key, std::move(*value));
        }
        if (s && !(options_.base_document && ptr.empty())) {  // a base needs no `name`
            for (const auto& r : s->required) {
                if (!seen.count(r)) {
                    error(loc(n, key_loc), prefix(ptr) + "missing required field `" + r + "`");
                }
            }
        }
        return json::value(std::move(obj));
    }

    std::optional<json::value> convert_seq(const YAML::Node& n, const SchemaNode* s, const std::string& ptr,
                                           const SourceLocation& key_loc, std::size_t depth) {
        if (s && !s->allows(JsonType::Array)) return type_error(n, *s, ptr, key_loc);
        const SchemaNode* items = s ? s->items.get() : nullptr;
        json::array arr;
        std::size_t i = 0;
        SourceLocation seq_loc = loc(n, key_loc);
        for (const auto& item : n) {
            std::string item_ptr = pointer_append(ptr, i++);
            SourceLocation item_loc = loc(item, seq_loc);
            agent_.locations[item_ptr] = item_loc;
            // Keep indices stable after an error: the document is rejected anyway.
            arr.push_back(convert(item, items, item_ptr, item_loc, depth + 1).value_or(nullptr));
        }
        return json::value(std::move(arr));
    }

    std::optional<json::value> convert_scalar(const YAML::Node& n, const SchemaNode* s, const std::string& ptr,
                                              const SourceLocation& key_loc) {
        const bool null_node = !n.IsDefined() || n.IsNull();
        if (!s || s->types.empty()) return free_form_scalar(n, ptr, key_loc);
        if (null_node) {
            if (s->allows(JsonType::Null)) return json::value(nullptr);
            return type_error(n, *s, ptr, key_loc);
        }
        const std::string& text = n.Scalar();
        std::optional<json::value> result;
        if (s->allows(JsonType::String)) {
            // The schema says string: the source text is the value, whatever YAML 1.1 would say.
            result = json::value(json::string(substitute(text, ptr, loc(n, key_loc))));
        } else if (is_quoted(n)) {
            return type_error(n, *s, ptr, key_loc);  // quoted scalars are always strings
        } else if (s->allows(JsonType::Boolean) && parse_bool(text)) {
            result = json::value(*parse_bool(text));
        } else if (s->allows(JsonType::Integer) && looks_integer(text)) {
            if (auto v = parse_int(text)) result = json::value(*v);
            else if (s->allows(JsonType::Number) && parse_double(text)) result = json::value(*parse_double(text));
            else {
                error(loc(n, key_loc), "`" + display(ptr) + "`: integer " + text + " is out of range");
                return std::nullopt;
            }
        } else if (s->allows(JsonType::Number) && looks_decimal(text)) {
            auto v = parse_double(text);
            if (!v) {
                error(loc(n, key_loc), "`" + display(ptr) + "`: number " + text + " is out of range");
                return std::nullopt;
            }
            result = json::value(*v);
        } else {
            return type_error(n, *s, ptr, key_loc);
        }
        // A `${var:}` is checked once substituted (config/vars.cpp).
        if (!s->enum_values.empty() && result->is_string() && !mentions_var_reference(text)) {
            std::string_view v = result->get_string();
            if (std::find(s->enum_values.begin(), s->enum_values.end(), v) == s->enum_values.end()) {
                std::string allowed;
                for (const auto& e : s->enum_values) allowed += (allowed.empty() ? "" : ", ") + e;
                // The source text, not the value: a substituted secret must not be printed.
                error(loc(n, key_loc), "`" + display(ptr) + "`: " + quote_for_message(text) +
                                           " is not an allowed value; expected one of: " + allowed);
                return std::nullopt;
            }
        }
        return result;
    }

    // Inside free-form objects (normalizers, transfer_config) there is no schema: plain scalars
    // follow the YAML 1.2 core schema (so `yes` stays the string "yes"), except that an integer
    // with a leading zero stays a string (`0101` is an extension, not 101).
    std::optional<json::value> free_form_scalar(const YAML::Node& n, const std::string& ptr,
                                                const SourceLocation& key_loc) {
        if (!n.IsDefined() || n.IsNull()) return json::value(nullptr);
        const std::string& text = n.Scalar();
        if (!is_quoted(n)) {
            auto l = ascii_lower(text);
            if (l == "true") return json::value(true);
            if (l == "false") return json::value(false);
            std::string_view digits(text);
            if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
            const bool leading_zero = digits.size() > 1 && digits[0] == '0' && looks_integer(digits);
            if (looks_integer(text) && !leading_zero) {
                if (auto v = parse_int(text)) return json::value(*v);
            }
            if (looks_decimal(text) && !leading_zero) {
                if (auto v = parse_double(text)) return json::value(*v);
            }
        }
        return json::value(json::string(substitute(text, ptr, loc(n, key_loc))));
    }

    // `${env:NAME}` -> the variable's value; `$${env:` -> the literal `${env:`.
    std::string substitute(const std::string& text, const std::string& ptr, const SourceLocation& where) {
        if (text.find("${env:") == std::string::npos) return text;
        auto e = expand_env_references(text, [this](const std::string& name) { return lookup(name); });
        if (e.malformed) {
            error(where, "`" + display(ptr) +
                             "`: malformed environment reference; write ${env:NAME} with NAME made of "
                             "letters, digits and _ (or $${env: for the literal text)");
            return text;
        }
        for (const auto& name : e.unset) {
            std::string msg = "environment variable " + name + " is not set (referenced by `" + display(ptr) + "`)";
            if (options_.unset_env_is_error) error(where, std::move(msg));
            else out_.diagnostics.push_back(make_warning(where, std::move(msg)));
        }
        if (e.variables.empty()) return std::move(e.text);  // only `$${env:` escapes: plain text
        for (const auto& name : e.variables) {
            if (std::find(options_.token_variables.begin(), options_.token_variables.end(), name) !=
                options_.token_variables.end()) {
                error(where, "`" + display(ptr) + "`: ${env:" + name +
                                 "} is the API token's variable; the token can never be part of an agent");
                return text;
            }
        }
        for (const auto& value : e.values) {
            if (!options_.api_token.empty() && value.find(options_.api_token) != std::string::npos) {
                error(where, "`" + display(ptr) + "`: the value of " + text +
                                 " contains the API token; the token can never be part of an agent");
                return text;
            }
        }
        auto& secrets = out_.state.secret_values;
        for (const auto& value : e.values) {
            SecretValue v(value);
            if (!value.empty() && std::find(secrets.begin(), secrets.end(), v) == secrets.end()) secrets.push_back(v);
        }
        SecretRef ref{ptr, text, e.variables, std::nullopt};
        if (e.unset.empty()) ref.value = SecretValue(std::move(e.text));
        agent_.secrets.push_back(std::move(ref));
        return text;  // the body keeps the template; the value lives only in the SecretRef
    }

    std::optional<std::string> lookup(const std::string& name) const {
        if (options_.getenv) return options_.getenv(name);
        if (const char* v = std::getenv(name.c_str())) return std::string(v);
        return std::nullopt;
    }

    const std::string& file_;
    const LoadOptions& options_;
    LoadResult& out_;
    DesiredAgent& agent_;
    std::size_t& file_errors_;
    std::size_t nodes_ = 0;
};

// Moves the reconciler keys (`uuid`, `ignore`, `channels`) out of the body and checks them.
void extract_reconciler_keys(DesiredAgent& agent, Converter& conv, const Schema& schema) {
    if (auto* ig = agent.body.if_contains("ignore")) {
        if (ig->is_array()) {
            const auto& items = ig->get_array();
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (!items[i].is_string()) continue;  // mistyped: reported by the converter
                std::string text(items[i].get_string());
                if (auto problem = field_path_problem(text, schema))
                    conv.error(agent.location_of("/ignore/" + std::to_string(i)), "`ignore`: " + *problem);
                else
                    agent.ignore_fields.push_back(std::move(text));
            }
        }
        agent.body.stable_erase("ignore");
    }
    if (auto* u = agent.body.if_contains("uuid")) {
        if (u->is_string()) {
            auto trimmed = php_trim(u->get_string());
            if (trimmed.empty()) conv.error(agent.location_of("/uuid"), "`uuid` is empty");
            else agent.uuid = std::string(trimmed);
        }
        agent.body.stable_erase("uuid");  // keeps the written key order
    }
    if (auto* ch = agent.body.if_contains("channels")) {
        if (ch->is_object()) {
            if (auto* call = ch->get_object().if_contains("call"); call && call->is_object()) {
                const auto& c = call->get_object();
                CallBinding binding;
                binding.where = agent.location_of("/channels/call");
                binding.phone_number = get_string(c, "phone_number");
                binding.phone_number_uuid = get_string(c, "phone_number_uuid");
                if (binding.phone_number && binding.phone_number_uuid) {
                    conv.error(binding.where,
                               "`channels.call`: give either `phone_number` or `phone_number_uuid`, not both");
                } else if (!binding.phone_number && !binding.phone_number_uuid) {
                    if (!c.contains("phone_number") && !c.contains("phone_number_uuid"))
                        conv.error(binding.where,
                                   "`channels.call`: give `phone_number` (E.164) or `phone_number_uuid`");
                } else if (binding.phone_number && !is_e164(*binding.phone_number)) {
                    conv.error(agent.location_of("/channels/call/phone_number"),
                               "`channels.call.phone_number`: " + quote_for_message(*binding.phone_number) +
                                   " is not an E.164 number (a + then 7 to 15 digits, e.g. +390701234567)");
                } else if (binding.phone_number_uuid && php_trim(*binding.phone_number_uuid).empty()) {
                    conv.error(agent.location_of("/channels/call/phone_number_uuid"),
                               "`channels.call.phone_number_uuid` is empty");
                } else {
                    agent.call = std::move(binding);
                }
            }
        }
        agent.body.stable_erase("channels");
    }
}

void load_document(const YAML::Node& doc, const std::string& file, const Schema& schema,
                   const LoadOptions& options, LoadResult& out, std::size_t& file_errors) {
    if (!doc.IsDefined() || doc.IsNull()) return;  // empty document (e.g. only comments)
    DesiredAgent agent;
    Converter conv(file, options, out, agent, file_errors);
    agent.where = conv.loc(doc, SourceLocation{file, 1, 1});
    agent.locations[""] = agent.where;
    try {
        if (!doc.IsMap()) {
            conv.error(agent.where, "an agent document must be a mapping of fields, got " + describe(doc));
            return;
        }
        if (ExpansionCounter(options.max_nodes).count(doc) > options.max_nodes) {
            conv.error(agent.where, "document expands to more than " + std::to_string(options.max_nodes) +
                                        " nodes (YAML aliases?)");
            return;
        }
        // The converter counts nodes again: the count above is a fast early refusal.
        auto body = conv.convert(doc, &schema.root(), "", agent.where, 0);
        if (!body || !body->is_object()) return;
        agent.body = std::move(body->get_object());
        if (options.base_document) {  // merged under agent documents by config/bases.cpp
            out.state.agents.push_back(std::move(agent));
            return;
        }
        compose_document(agent, schema, options, out);  // `extends`, then `${var:}`
        extract_reconciler_keys(agent, conv, schema);
        auto* name = agent.body.if_contains("name");
        if (!name || !name->is_string()) return;  // missing or mistyped: reported above
        agent.name = std::string(php_trim(name->get_string()));
        for (const auto& s : agent.secrets) {
            if (s.pointer == "/name") {
                conv.error(agent.location_of("/name"),
                           "`name` cannot reference ${env:}: the name is shown in every plan, log and "
                           "report; write it out");
                return;
            }
        }
        if (agent.name.empty()) {
            conv.error(agent.location_of("/name"), "`name` is empty");
            return;
        }
    } catch (const LimitExceeded&) {
        return;  // refused as a whole; the error is recorded
    }
    // A document with errors elsewhere is still kept when it has a name, so that the
    // cross-document checks see it; callers plan nothing while has_errors() holds.
    out.state.agents.push_back(std::move(agent));
}

std::string relative_display(const fs::path& file, const fs::path& root) {
    std::error_code ec;  // absolute() only fails without a current directory; then keep as given
    fs::path abs_file = fs::absolute(file, ec);
    if (ec) abs_file = file;
    fs::path abs_root = fs::absolute(root, ec);
    if (ec) abs_root = root;
    fs::path rel = abs_file.lexically_normal().lexically_relative(abs_root.lexically_normal());
    if (rel.empty() || *rel.begin() == "..") return file.generic_string();
    return rel.generic_string();
}

// YAML allows no C0 control character but tab, line feed and carriage return (nor DEL); a file
// with one is binary or damaged, and yaml-cpp mis-scans some of them. Returns line, column and
// the byte.
std::optional<std::tuple<int, int, unsigned char>> forbidden_control_character(std::string_view text) {
    int line = 1, column = 1;
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return std::tuple{line, column, c};
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++column;  // count characters, not UTF-8 continuation bytes
        }
    }
    return std::nullopt;
}

// yaml-cpp 0.7 never returns (allocating without bound) on some lines whose first token is a
// flow entry `,` outside [ ] or { } (the fuzzer found several shapes). Such a line is never what
// an agent file means, so it is refused before parsing. A light scan tracks what matters: flow
// depth, quoted strings that span lines, block scalars and comments.
// Returns the 1-based line and column of such a `,`.
std::optional<std::pair<int, int>> line_starting_with_comma(std::string_view text) {
    int flow_depth = 0;
    bool in_double = false, in_single = false;
    int block_parent_indent = -1;  // inside a block scalar: lines indented deeper are its content
    int line_no = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto end = text.find('\n', pos);
        std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        ++line_no;
        std::size_t offset = 0;
        if (line.substr(0, 3) == "\xEF\xBB\xBF") offset = 3;  // a byte order mark is not content
        std::size_t first = line.find_first_not_of(" \t\r", offset);
        const int indent = static_cast<int>(line.find_first_not_of(' ', offset) == std::string_view::npos
                                                ? line.size()
                                                : line.find_first_not_of(' ', offset) - offset);
        if (block_parent_indent >= 0) {
            if (first == std::string_view::npos || indent > block_parent_indent) goto next_line;
            block_parent_indent = -1;
        }
        if (first != std::string_view::npos && !in_double && !in_single && flow_depth == 0 &&
            line.substr(first, 3) == "---" && first == offset &&
            (line.size() == first + 3 || line[first + 3] == ' ' || line[first + 3] == '\t' || line[first + 3] == '\r'))
            first = line.find_first_not_of(" \t\r", first + 3);  // content may follow the marker
        if (first == std::string_view::npos) goto next_line;
        if (!in_double && !in_single && flow_depth == 0 && line[first] == ',')
            return std::pair<int, int>{line_no, static_cast<int>(first - offset) + 1};
        {
            auto token_start = [&](std::size_t i) {
                if (i == first) return true;
                char prev = line[i - 1];
                if (prev == '[' || prev == '{' || prev == ',') return true;
                if (prev != ' ' && prev != '\t') return false;
                auto k = line.find_last_not_of(" \t", i - 1);
                if (k == std::string_view::npos || k < first) return true;
                if (std::string_view(":-?,[{").find(line[k]) != std::string_view::npos) return true;
                // after an anchor or a tag (`&a [`, `!!str "`), a new token starts too
                auto w = line.find_last_of(" \t", k);
                char lead = line[w == std::string_view::npos ? first : w + 1];
                return lead == '&' || lead == '!';
            };
            // A quoted scalar closed outside [ ] or { } and followed by `,` (`'ha',`).
            auto comma_after_scalar = [&](std::size_t close) -> std::optional<std::pair<int, int>> {
                if (flow_depth != 0) return std::nullopt;
                auto k = line.find_first_not_of(" \t", close + 1);
                if (k != std::string_view::npos && line[k] == ',')
                    return std::pair<int, int>{line_no, static_cast<int>(k - offset) + 1};
                return std::nullopt;
            };
            for (std::size_t i = first; i < line.size(); ++i) {
                char c = line[i];
                if (in_double) {
                    if (c == '\\') ++i;
                    else if (c == '"') {
                        in_double = false;
                        if (auto bad = comma_after_scalar(i)) return bad;
                    }
                    continue;
                }
                if (in_single) {
                    if (c == '\'') {
                        if (i + 1 < line.size() && line[i + 1] == '\'') ++i;
                        else {
                            in_single = false;
                            if (auto bad = comma_after_scalar(i)) return bad;
                        }
                    }
                    continue;
                }
                if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) break;
                if ((c == '&' || c == '*' || c == '!') && flow_depth == 0 && token_start(i)) {
                    // An anchor, alias or tag ends at a flow indicator: `&x,` is a flow entry too.
                    auto k = line.find_first_of(" \t,[]{}", i + 1);
                    if (k != std::string_view::npos && line[k] == ',')
                        return std::pair<int, int>{line_no, static_cast<int>(k - offset) + 1};
                }
                if ((c == '"' || c == '\'') && token_start(i)) {
                    (c == '"' ? in_double : in_single) = true;
                } else if ((c == '[' || c == '{') && token_start(i)) {
                    ++flow_depth;
                } else if ((c == ']' || c == '}') && flow_depth > 0) {
                    --flow_depth;
                } else if ((c == '|' || c == '>') && flow_depth == 0 && token_start(i)) {
                    auto rest = line.substr(i + 1);
                    auto k = rest.find_first_not_of("+-0123456789");
                    auto tail = k == std::string_view::npos ? std::string_view{} : rest.substr(k);
                    auto t = tail.find_first_not_of(" \t\r");
                    if (t == std::string_view::npos || tail[t] == '#') block_parent_indent = indent;
                    break;
                }
            }
        }
    next_line:
        if (end == std::string_view::npos) break;
        pos = end + 1;
    }
    return std::nullopt;
}

}  // namespace

void load_yaml_text(std::string_view text, const std::string& display_name, const Schema& schema,
                    const LoadOptions& options, LoadResult& out) {
    if (text.size() > options.max_file_bytes) {
        out.diagnostics.push_back(make_error(SourceLocation{display_name},
                                             "file is " + format_size(text.size()) + ", over the " +
                                                 format_size(options.max_file_bytes) + " limit"));
        return;
    }
    if (auto bad = forbidden_control_character(text)) {
        auto [line, column, byte] = *bad;
        char code[8];
        std::snprintf(code, sizeof code, "U+%04X", byte);
        out.diagnostics.push_back(make_error(SourceLocation{display_name, line, column},
                                             std::string("malformed YAML: control character ") + code +
                                                 " is not allowed (is this a text file?)"));
        return;
    }
    if (auto comma = line_starting_with_comma(text)) {
        out.diagnostics.push_back(make_error(SourceLocation{display_name, comma->first, comma->second},
                                             "malformed YAML: a line cannot start with ',' outside [ ] or { } (quote the text)"));
        return;
    }
    std::vector<YAML::Node> docs;
    try {
        // yaml-cpp shares aliased nodes instead of copying them, so parsing stays linear; the
        // expansion is bounded while converting (max_nodes). Its own recursion guard turns very
        // deep nesting into a ParserException.
        docs = YAML::LoadAll(std::string(text));
    } catch (const YAML::DeepRecursion& e) {
        // yaml-cpp's own recursion guard (far above max_depth).
        SourceLocation where = yaml_location(display_name, e.mark);
                out.diagnostics.push_back(
            make_error(where, "nesting deeper than " + std::to_string(options.max_depth) + " levels"));
        return;
    } catch (const YAML::Exception& e) {
        SourceLocation where = yaml_location(display_name, e.mark);
                out.diagnostics.push_back(make_error(where, "malformed YAML: " + e.msg));
        return;
    }
    std::size_t file_errors = 0;
    const auto first = out.diagnostics.size();
    for (const auto& doc : docs) {
        if (file_errors > kMaxErrorsPerFile) break;
        load_document(doc, display_name, schema, options, out, file_errors);
    }
    // In source order (checks made after converting a document come out of order otherwise).
    std::stable_sort(out.diagnostics.begin() + static_cast<std::ptrdiff_t>(first), out.diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
                     });
}

void check_duplicates(LoadResult& result) {
    const auto& agents = result.state.agents;
    auto& diags = result.diagnostics;
    const auto first = diags.size();
    // Same uuid pinned twice.
    std::map<std::string, const DesiredAgent*> by_uuid;
    for (const auto& a : agents) {
        if (!a.uuid) continue;
        auto [it, inserted] = by_uuid.emplace(*a.uuid, &a);
        if (!inserted)
            diags.push_back(make_error(
                a.where, "uuid " + quote_for_message(*a.uuid) + " is pinned twice: " + it->second->where.str() +
                             " and " + a.where.str() + "; one live agent can be managed by one document only"));
    }
    // Same name, unless both documents pin (different) uuids.
    std::map<std::string, std::vector<const DesiredAgent*>> by_name;
    for (const auto& a : agents) {
        auto& group = by_name[a.name];
        for (const auto* other : group) {
            if (a.uuid && other->uuid) continue;  // distinct uuids; equal ones are reported above
            diags.push_back(make_error(a.where, "agent name " + quote_for_message(a.name) +
                                                    " is defined twice: " + other->where.str() + " and " +
                                                    a.where.str() +
                                                    "; give each a distinct `uuid:` or rename one"));
            break;
        }
        group.push_back(&a);
    }
    // A number's call channel holds one agent.
    std::map<std::string, const DesiredAgent*> by_number;
    for (const auto& a : agents) {
        if (!a.call) continue;
        std::string key = a.call->phone_number ? "number " + *a.call->phone_number
                                               : "number with uuid " + a.call->phone_number_uuid.value_or("");
        auto [it, inserted] = by_number.emplace(key, &a);
        if (!inserted)
            diags.push_back(make_error(a.call->where, "phone " + key + " is bound to the call channel of two agents: " +
                                                          it->second->call->where.str() + " and " +
                                                          a.call->where.str() +
                                                          "; a number's call channel holds one agent"));
    }
    // In file order, like the per-file diagnostics.
    std::stable_sort(diags.begin() + static_cast<std::ptrdiff_t>(first), diags.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         return std::tie(a.where.file, a.where.line, a.where.column) <
                                std::tie(b.where.file, b.where.line, b.where.column);
                     });
}

LoadResult load_files(const std::vector<fs::path>& files, const fs::path& repo_root, const Schema& schema,
                      const LoadOptions& options) {
    LoadResult result;
    std::map<std::string, fs::path> ordered;  // sorted by relative path, deduplicated
    for (const auto& f : files) ordered.emplace(relative_display(f, repo_root), f);

    std::string digest_input;
    BaseResolver bases(repo_root, schema, options, files);
    LoadOptions with_bases = options;
    if (!with_bases.bases) with_bases.bases = &bases;
    for (const auto& [rel, path] : ordered) {
        result.state.files.push_back(rel);
        digest_input += rel;
        digest_input += '\0';
        std::error_code ec;
        auto size = fs::file_size(path, ec);
        if (ec) {
            result.diagnostics.push_back(make_error(SourceLocation{rel}, "cannot read file: " + ec.message()));
            digest_input += "unreadable";
            digest_input += '\0';
            continue;
        }
        if (size > options.max_file_bytes) {
            // Refused before reading: a huge file is never loaded into memory.
            result.diagnostics.push_back(make_error(
                SourceLocation{rel}, "file is " + format_size(size) + ", over the " +
                                         format_size(options.max_file_bytes) + " limit"));
            digest_input += "size " + std::to_string(size);
            digest_input += '\0';
            continue;
        }
        std::ifstream in(path, std::ios::binary);
        if (!in.is_open()) {
            result.diagnostics.push_back(make_error(SourceLocation{rel}, "cannot read file"));
            digest_input += "unreadable";
            digest_input += '\0';
            continue;
        }
        std::string content(static_cast<std::size_t>(size), '\0');
        in.read(content.data(), static_cast<std::streamsize>(content.size()));
        content.resize(static_cast<std::size_t>(in.gcount()));
        digest_input += std::to_string(content.size());
        digest_input += '\0';
        digest_input += content;
        load_yaml_text(content, rel, schema, with_bases, result);
    }
    bases.finish(result, digest_input);
    check_duplicates(result);
    result.state.inputs_digest = sha256_hex(digest_input);
    return result;
}

}  // namespace reconcile
