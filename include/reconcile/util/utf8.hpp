#pragma once
// UTF-8: decoding, validation, cutting on character boundaries, and making text safe to show.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace reconcile {

// Decodes one UTF-8 sequence at s[i] and advances i; a malformed byte gives U+FFFD and
// advances by one.
char32_t next_code_point(std::string_view s, std::size_t& i);

// Byte offset of the first byte that is not part of well-formed UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF included), or nullopt.
std::optional<std::size_t> invalid_utf8_offset(std::string_view s);

// The longest prefix of at most `max_bytes` bytes that does not end inside a sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);
// `s` cut to at most `max_bytes` bytes (the marker included), ending with `marker` when cut.
std::string cut_utf8(std::string_view s, std::size_t max_bytes, std::string_view marker = "…");

// Text safe to print on a terminal or in a CI log: C0 and C1 control characters (escape
// sequences, BEL, carriage return...) and Unicode line/paragraph separators and bidi controls
// are written as \xNN or \u{NNNN}; tab and newline are kept when `keep_newlines`, else escaped.
// Invalid UTF-8 bytes are written as \xNN. Text that needs none of this is returned as is.
std::string printable(std::string_view s, bool keep_newlines = true);

// The colour codes this program emits: an SGR sequence (ESC [ params m) preceded by a marker.
// Only marked sequences survive printable_output(), so a value that carries its own escape
// sequence (a hostile live prompt, a server message) is shown escaped even when colours are on.
// The program draws the marker at random at start-up (set_trusted_sgr_marker, before anything is
// rendered), so no value can guess it; it must be valid UTF-8 (e.g. private-use code points).
std::string trusted_sgr(std::string_view params);
void set_trusted_sgr_marker(std::string marker);

// printable() for a whole screen of output that may hold this program's own colour codes: with
// `keep_colors` each trusted_sgr() becomes its plain SGR sequence; every other control character,
// ESC included, is escaped (and without `keep_colors` trusted codes are dropped). Used at the last
// step before the terminal.
std::string printable_output(std::string_view s, bool keep_colors);

// Serialized JSON made safe for a terminal without changing what it means: C1 controls, line and
// paragraph separators and bidi controls inside strings become \uXXXX escapes (JSON already
// escapes C0).
std::string terminal_safe_json(std::string_view json_text);

}  // namespace reconcile
