#pragma once
// Line diff of two texts (prompts): Myers' algorithm, unified-style hunks with context.
#include <string>
#include <string_view>
#include <vector>

namespace reconcile {

// "-"/"+"/" " prefixed lines, with `context_lines` around each change and "..." between hunks.
std::vector<std::string> line_diff(std::string_view before, std::string_view after,
                                   std::size_t context_lines);

}  // namespace reconcile
