#pragma once
// Typing a YAML scalar: by the agent schema where a field has one (`language: no` is the string
// "no"), by the YAML 1.2 core schema inside free-form objects.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reconcile/model/schema.hpp"
#include "reconcile/util/json.hpp"

namespace reconcile {

// A scalar as the parser gave it. `quoted`: single or double quoted, a block scalar, or tagged
// `!!str` / `!`: always a string.
struct ScalarText {
    std::string_view text;
    bool quoted = false;
    // Plain `~`, `null` (Null, NULL) or nothing at all.
    bool is_null() const;
};

// Booleans in YAML 1.1 spelling (true/false/yes/no/on/off, any case), for boolean fields.
std::optional<bool> parse_bool(std::string_view s);
// `yes`, `no`, `on`, `off`, `y`, `n` in any case: booleans in YAML 1.1, strings in YAML 1.2.
bool is_yaml11_only_bool(std::string_view s);
// [-+]? digits
bool looks_integer(std::string_view s);
// [-+]? (digits [. digits?] | . digits) ([eE] [-+]? digits)?
bool looks_decimal(std::string_view s);
// Decimal digits: a leading zero does not make a number octal (010 is 10).
std::optional<std::int64_t> parse_int(std::string_view s);
std::optional<double> parse_double(std::string_view s);

// A few words on a scalar, for "expected X, got Y": `null`, `boolean yes`, `integer 3`,
// `number 1.5`, `string "text"`.
std::string describe_scalar(const ScalarText& s);
// "string or null", "integer", ...
std::string expected_types(const SchemaNode& s);

// Free-form objects: the YAML 1.2 core schema (true/false, integers, floats, null), except
// that an integer with a leading zero stays a string (`0101` is an extension, not 101).
json::value core_schema_value(const ScalarText& s, json::storage_ptr sp = {});

enum class ScalarProblem { None, WrongType, IntegerOutOfRange, NumberOutOfRange };

struct TypedScalar {
    json::value value;                          // null when problem != None
    ScalarProblem problem = ScalarProblem::None;
};

// The value the schema gives a (non-null) scalar: a string field keeps the source text, a
// boolean field reads true/false/yes/no/on/off, an integer field decimal digits. Enums are not
// checked here.
// Strings are allocated in `sp`.
TypedScalar schema_value(const ScalarText& s, const SchemaNode& schema, json::storage_ptr sp = {});

// For a quoted scalar refused by a boolean or numeric field: the quotes are the mistake.
bool quotes_hide_a_value(const ScalarText& s, const SchemaNode& schema);

}  // namespace reconcile
