#pragma once
// A field path the dashboard owns, as written in `ignore:` lists: "status",
// "settings.voice.voice_profile.voice_name", "routing_rules[*].is_active". Parsed in the model so
// the loader can report a bad path where it is written; the engine does the matching.
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/model/schema.hpp"

namespace reconcile {

struct FieldPattern {
    std::string text;                 // as written
    std::vector<std::string> tokens;  // member names; "*" stands for every item of a list
};

// Parses "a.b[*].c"; the error says what is wrong with the path.
std::expected<FieldPattern, std::string> parse_field_pattern(std::string_view text);
// The patterns that parse; the others are reported by the loader.
std::vector<FieldPattern> parse_field_patterns(const std::vector<std::string>& texts);
// Why `text` is not a usable path of an agent in `schema` (parse error, or a member the schema
// does not have, with the nearest name), so a typo does not silently ignore nothing.
std::optional<std::string> field_path_problem(std::string_view text, const Schema& schema);

}  // namespace reconcile
