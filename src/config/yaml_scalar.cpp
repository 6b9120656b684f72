#include "reconcile/config/yaml_scalar.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <system_error>
#include <vector>

#include "reconcile/util/text.hpp"

namespace reconcile {

bool ScalarText::is_null() const {
    return !quoted && (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL");
}

std::optional<bool> parse_bool(std::string_view s) {
    if (s.size() > 5) return std::nullopt;
    auto l = ascii_lower(s);
    if (l == "true" || l == "yes" || l == "on") return true;
    if (l == "false" || l == "no" || l == "off") return false;
    return std::nullopt;
}

bool is_yaml11_only_bool(std::string_view s) {
    if (s.size() > 3) return false;
    auto l = ascii_lower(s);
    return l == "yes" || l == "no" || l == "on" || l == "off" || l == "y" || l == "n";
}

bool looks_integer(std::string_view s) {
    std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (i >= s.size()) return false;
    return std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i), s.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
}

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

std::string describe_scalar(const ScalarText& s) {
    if (s.is_null()) return "null";
    if (!s.quoted) {
        if (parse_bool(s.text)) return "boolean " + std::string(s.text);
        if (looks_integer(s.text)) return "integer " + std::string(s.text);
        if (looks_decimal(s.text)) return "number " + std::string(s.text);
    }
    return "string " + quote_for_message(s.text);
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

json::value core_schema_value(const ScalarText& s, json::storage_ptr sp) {
    if (s.is_null()) return nullptr;
    const std::string_view text = s.text;
    if (s.quoted) return json::string(text, sp);
    if (text.size() == 4 || text.size() == 5) {
        auto l = ascii_lower(text);
        if (l == "true") return true;
        if (l == "false") return false;
    }
    std::string_view digits = text;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
    const bool leading_zero = digits.size() > 1 && digits[0] == '0' && looks_integer(digits);
    if (!leading_zero && looks_integer(text)) {
        if (auto v = parse_int(text)) return *v;
    }
    if (!leading_zero && looks_decimal(text)) {
        if (auto v = parse_double(text)) return *v;
    }
    return json::string(text, sp);
}

TypedScalar schema_value(const ScalarText& s, const SchemaNode& schema, json::storage_ptr sp) {
    const std::string_view text = s.text;
    // The schema says string: the source text is the value, whatever YAML 1.1 would say.
    if (schema.allows(JsonType::String)) return {json::string(text, std::move(sp)), ScalarProblem::None};
    if (s.quoted) return {nullptr, ScalarProblem::WrongType};  // quoted scalars are always strings
    if (schema.allows(JsonType::Boolean)) {
        if (auto b = parse_bool(text)) return {*b, ScalarProblem::None};
    }
    if (schema.allows(JsonType::Integer) && looks_integer(text)) {
        if (auto v = parse_int(text)) return {*v, ScalarProblem::None};
        if (schema.allows(JsonType::Number)) {
            if (auto d = parse_double(text)) return {*d, ScalarProblem::None};
        }
        return {nullptr, ScalarProblem::IntegerOutOfRange};
    }
    if (schema.allows(JsonType::Number) && looks_decimal(text)) {
        if (auto d = parse_double(text)) return {*d, ScalarProblem::None};
        return {nullptr, ScalarProblem::NumberOutOfRange};
    }
    return {nullptr, ScalarProblem::WrongType};
}

bool quotes_hide_a_value(const ScalarText& s, const SchemaNode& schema) {
    if (!s.quoted) return false;
    return (schema.allows(JsonType::Boolean) && parse_bool(s.text)) ||
           (schema.allows(JsonType::Integer) && looks_integer(s.text)) ||
           (schema.allows(JsonType::Number) && looks_decimal(s.text));
}

}  // namespace reconcile
