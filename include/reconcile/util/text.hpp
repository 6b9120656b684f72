#pragma once
// Small text rules used across the program, each written once.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace reconcile {

// PHP trim() with its default characters " \t\n\r\0\x0B": the live service (Laravel's
// TrimStrings middleware) trims every string it receives this way.
std::string_view php_trim(std::string_view s);

// ASCII lower case; other bytes unchanged.
std::string ascii_lower(std::string_view s);
bool iequals_ascii(std::string_view a, std::string_view b);

// `"text"` with JSON escapes, cut to about `max_chars` bytes with "..." (messages quoting a value).
std::string quote_for_message(std::string_view s, std::size_t max_chars = 60);
// `"name"`: a name quoted as written (agent names in messages).
std::string quoted(std::string_view s);

// 9700 -> "9,700".
std::string format_count(std::size_t n);
// (9700, "agent", "agents") -> "9,700 agents"; (1, ...) -> "1 agent".
std::string count_of(std::size_t n, std::string_view one, std::string_view many);
// 1536 -> "1.5 KiB", 4194304 -> "4 MiB", 10 -> "10 bytes".
std::string format_size(std::size_t bytes);

// `*` (any run of characters) and `?` (one character) against a whole text: name globs such as
// "Legacy *". Linear-ish, with one backtrack point.
bool glob_match_text(std::string_view pattern, std::string_view text);
// Glob match on '/'-separated relative paths: glob_match_text within each segment, `**` for any
// number of segments (include patterns such as "teams/**/*.yaml").
bool glob_match_path(std::string_view pattern, std::string_view path);
// "a/b/c" -> {"a", "b", "c"}; "" -> {""}.
std::vector<std::string_view> split_path_segments(std::string_view path);

// Levenshtein-based suggestion among candidates ("" if nothing is close enough to be a typo).
std::string nearest_name(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace reconcile
