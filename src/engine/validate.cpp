#include "reconcile/engine/validate.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "reconcile/engine/value_names.hpp"
#include "reconcile/util/text.hpp"
#include "reconcile/util/utf8.hpp"

namespace reconcile {

namespace {

// Shortest text of a number: 1 not 1E0, 0.05 not 5E-2.
std::string number_text(double d) {
    if (whole_in_int64(d)) return std::to_string(static_cast<std::int64_t>(d));
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
    return ec == std::errc() ? std::string(buf, end) : std::to_string(d);
}

// "a number from 0 to 1", "an integer >= 0", "a number > 0".
std::string allowed_range(const SchemaNode& node) {
    const bool integer = node.allows(JsonType::Integer) && !node.allows(JsonType::Number);
    std::string out = integer ? "an integer" : "a number";
    if (node.minimum && node.maximum && !node.exclusive_minimum && !node.exclusive_maximum)
        return out + " from " + number_text(*node.minimum) + " to " + number_text(*node.maximum);
    std::vector<std::string> parts;
    if (node.minimum) parts.push_back(">= " + number_text(*node.minimum));
    if (node.exclusive_minimum) parts.push_back("> " + number_text(*node.exclusive_minimum));
    if (node.maximum) parts.push_back("<= " + number_text(*node.maximum));
    if (node.exclusive_maximum) parts.push_back("< " + number_text(*node.exclusive_maximum));
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? " " : " and ") + parts[i];
    return out;
}

bool in_range(double v, const SchemaNode& node) {
    if (node.minimum && v < *node.minimum) return false;
    if (node.maximum && v > *node.maximum) return false;
    if (node.exclusive_minimum && v <= *node.exclusive_minimum) return false;
    if (node.exclusive_maximum && v >= *node.exclusive_maximum) return false;
    return true;
}

std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++n) next_code_point(s, i);
    return n;
}

std::string field(const std::string& pointer) { return "`" + pointer_to_display(pointer) + "`"; }

class ConstraintCheck {
public:
    ConstraintCheck(const DesiredAgent& agent, Diagnostics& out) : agent_(agent), out_(out) {
        for (const auto& s : agent.secrets) secret_pointers_.insert(s.pointer);
    }

    void walk(const json::value& v, const SchemaNode& node, const std::string& pointer, bool in_undocumented) {
        if (node.undocumented && !in_undocumented) {
            warn(pointer, field(pointer) +
                              " is not in the documented PATCH body; the service may ignore it (other API "
                              "pages mention it)");
            in_undocumented = true;
        }
        if (v.is_number() && node.has_number_bounds()) number(v.to_number<double>(), node, pointer);
        else if (v.is_string()) string(v.get_string(), node, pointer);
        else if (v.is_object()) {
            for (const auto& kv : v.get_object())
                if (const auto* child = node.property(kv.key()))
                    walk(kv.value(), *child, pointer_append(pointer, kv.key()), in_undocumented);
        } else if (v.is_array() && node.items) {
            const auto& items = v.get_array();
            for (std::size_t i = 0; i < items.size(); ++i)
                walk(items[i], *node.items, pointer_append(pointer, i), in_undocumented);
        }
    }

private:
    void number(double v, const SchemaNode& node, const std::string& pointer) {
        if (in_range(v, node)) return;
        error(pointer, field(pointer) + ": " + number_text(v) + " is out of range; expected " + allowed_range(node));
    }

    void string(std::string_view s, const SchemaNode& node, const std::string& pointer) {
        // A template's value is unknown here, and a value read from the environment is never shown.
        if (secret_pointers_.count(pointer)) return;
        const std::size_t length = code_points(s);
        if (node.min_length && length < *node.min_length) {
            if (*node.min_length == 1) error(pointer, field(pointer) + " is empty; expected at least one character");
            else
                error(pointer, field(pointer) + ": " + quote_for_message(s) + " has " + std::to_string(length) +
                                   " characters; expected at least " + std::to_string(*node.min_length));
            return;
        }
        if (node.max_length && length > *node.max_length) {
            error(pointer, field(pointer) + " has " + std::to_string(length) + " characters; expected at most " +
                               std::to_string(*node.max_length));
            return;
        }
        if (node.format == "iso-639-1") return language(s, pointer);
        if (node.format == "iana-time-zone") return time_zone(s, pointer);
        if (!node.matches_pattern(s)) {
            std::string msg = field(pointer) + ": " + quote_for_message(s) + " does not have the expected form " +
                              node.pattern;
            for (const auto& e : node.examples)
                if (e.is_string()) {
                    msg += ", e.g. " + quote_for_message(e.get_string());
                    break;
                }
            error(pointer, std::move(msg));
        }
    }

    void language(std::string_view s, const std::string& pointer) {
        if (is_iso639_1(s)) return;
        std::string msg = field(pointer) + ": " + quote_for_message(s) + " is not an ISO 639-1 language code";
        if (auto lower = ascii_lower(s); lower != s && is_iso639_1(lower)) msg += " (did you mean " + lower + "?)";
        error(pointer, msg + "; expected an ISO 639-1 code such as en, it, de");
    }

    void time_zone(std::string_view s, const std::string& pointer) {
        if (is_iana_time_zone(s)) return;
        std::string msg = field(pointer) + ": " + quote_for_message(s) + " is not an IANA time zone name";
        if (auto spelled = iana_time_zone_spelled(s)) msg += " (did you mean " + *spelled + "?)";
        error(pointer, msg + "; expected a name such as Europe/Rome, America/New_York or UTC");
    }

    void error(const std::string& pointer, std::string message) {
        out_.push_back(make_error(agent_.location_of(pointer), std::move(message)));
    }
    void warn(const std::string& pointer, std::string message) {
        out_.push_back(make_warning(agent_.location_of(pointer), std::move(message)));
    }

    const DesiredAgent& agent_;
    Diagnostics& out_;
    std::set<std::string, std::less<>> secret_pointers_;
};

}  // namespace

Diagnostics check_constraints(const DesiredAgent& agent, const Schema& schema) {
    Diagnostics out;
    ConstraintCheck check(agent, out);
    const SchemaNode& root = schema.root();
    for (const auto& kv : agent.body)  // the root is an object: walk its members, no copy of the body
        if (const auto* child = root.property(kv.key()))
            check.walk(kv.value(), *child, pointer_append("", kv.key()), false);
    return out;
}

Diagnostics check_constraints(const DesiredState& state, const Schema& schema) {
    Diagnostics out;
    for (const auto& agent : state.agents) {
        auto found = check_constraints(agent, schema);
        out.insert(out.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    }
    return out;
}

}  // namespace reconcile
