#pragma once
// A whole value (a new collection item) as indented YAML-like lines, every field shown.
#include <string>
#include <vector>

#include "reconcile/util/json.hpp"

namespace reconcile {

inline constexpr std::size_t kMaxItemLines = 40;

// "key: value" per field, nested objects indented by two spaces, lists as "- item", multi-line
// texts as "key: |" blocks, strings quoted and escaped (as JSON). At most `max_lines` lines;
// past that the last line says "… N more lines". Lines are cut at 2,000 bytes.
std::vector<std::string> value_lines(const json::value& v, std::size_t max_lines = kMaxItemLines);

}  // namespace reconcile
