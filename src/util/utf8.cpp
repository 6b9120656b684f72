#include "reconcile/util/utf8.hpp"

namespace reconcile {

namespace {

bool continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// Length of the well-formed sequence at s[i] (RFC 3629 table), or 0.
std::size_t sequence_length(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return 1;
    auto at = [&](std::size_t k) -> int {
        return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : -1;
    };
    const int b1 = at(1);
    if (b0 >= 0xC2 && b0 <= 0xDF) return (b1 >= 0x80 && b1 <= 0xBF) ? 2 : 0;
    if (b0 >= 0xE0 && b0 <= 0xEF) {
        const int lo = b0 == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
        const int hi = b0 == 0xED ? 0x9F : 0xBF;  // no surrogates
        const int b2 = at(2);
        return (b1 >= lo && b1 <= hi && b2 >= 0x80 && b2 <= 0xBF) ? 3 : 0;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
        const int lo = b0 == 0xF0 ? 0x90 : 0x80;
        const int hi = b0 == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
        const int b2 = at(2), b3 = at(3);
        return (b1 >= lo && b1 <= hi && b2 >= 0x80 && b2 <= 0xBF && b3 >= 0x80 && b3 <= 0xBF) ? 4 : 0;
    }
    return 0;
}

}  // namespace

char32_t next_code_point(std::string_view s, std::size_t& i) {
    const std::size_t len = sequence_length(s, i);
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (len == 0) {
        ++i;
        return 0xFFFD;
    }
    char32_t cp = len == 1 ? b0 : b0 & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    return cp;
}

std::optional<std::size_t> invalid_utf8_offset(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t len = sequence_length(s, i);
        if (len == 0) return i;
        i += len;
    }
    return std::nullopt;
}

std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) {
    if (s.size() <= max_bytes) return s;
    std::size_t keep = max_bytes;
    while (keep > 0 && continuation(static_cast<unsigned char>(s[keep]))) --keep;
    return s.substr(0, keep);
}

std::string cut_utf8(std::string_view s, std::size_t max_bytes, std::string_view marker) {
    if (s.size() <= max_bytes) return std::string(s);
    if (max_bytes < marker.size()) return std::string(utf8_prefix(s, max_bytes));
    return std::string(utf8_prefix(s, max_bytes - marker.size())) + std::string(marker);
}

namespace {

// Characters that can move the cursor, clear lines, ring the bell, or reorder text.
bool unsafe(char32_t cp, bool keep_newlines) {
    if (cp == '\n' || cp == '\t') return !keep_newlines;
    if (cp < 0x20 || cp == 0x7F) return true;                 // C0, DEL
    if (cp >= 0x80 && cp <= 0x9F) return true;                // C1 (CSI is U+009B)
    if (cp == 0x2028 || cp == 0x2029) return true;            // line / paragraph separators
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
        cp == 0x200F || cp == 0x061C)
        return true;                                          // bidi controls
    return false;
}

}  // namespace

std::string printable(std::string_view s, bool keep_newlines) {
    static constexpr char kHex[] = "0123456789abcdef";
    bool clean = true;
    for (std::size_t i = 0; i < s.size() && clean;) {
        const std::size_t start = i;
        const char32_t cp = next_code_point(s, i);
        if (unsafe(cp, keep_newlines) || (cp == 0xFFFD && s.substr(start, i - start) != "\xEF\xBF\xBD")) clean = false;
    }
    if (clean) return std::string(s);
    std::string out;
    out.reserve(s.size() + 16);
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t start = i;
        const char32_t cp = next_code_point(s, i);
        const bool invalid = cp == 0xFFFD && s.substr(start, i - start) != "\xEF\xBF\xBD";
        if (invalid) {
            const auto b = static_cast<unsigned char>(s[start]);
            out += "\\x";
            out += kHex[b >> 4];
            out += kHex[b & 15];
        } else if (cp == '\n' && !keep_newlines) {
            out += "\\n";
        } else if (cp == '\t' && !keep_newlines) {
            out += "\\t";
        } else if (unsafe(cp, keep_newlines) && cp < 0x100) {
            out += "\\x";
            out += kHex[(cp >> 4) & 15];
            out += kHex[cp & 15];
        } else if (unsafe(cp, keep_newlines)) {
            out += "\\u{";
            for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 15];
            out += '}';
        } else {
            out.append(s.substr(start, i - start));
        }
    }
    return out;
}

namespace {

std::string& marker_storage() {
    static std::string marker = "\xF3\xB0\x80\x80";  // U+F0000 until the program draws its own
    return marker;
}

}  // namespace

void set_trusted_sgr_marker(std::string marker) { marker_storage() = std::move(marker); }

std::string trusted_sgr(std::string_view params) {
    return marker_storage() + "\x1b[" + std::string(params) + "m";
}

std::string printable_output(std::string_view s, bool keep_colors) {
    const std::string& marker = marker_storage();
    std::string out;
    out.reserve(s.size());
    std::size_t start = 0;
    for (std::size_t i = s.find(marker); i != std::string_view::npos; i = s.find(marker, i)) {
        std::size_t j = i + marker.size();
        if (j + 1 >= s.size() || s[j] != '\x1b' || s[j + 1] != '[') {
            i = j;
            continue;
        }
        j += 2;
        while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';')) ++j;
        if (j >= s.size() || s[j] != 'm') {
            i = j;
            continue;
        }
        out += printable(s.substr(start, i - start));
        if (keep_colors) out.append(s.substr(i + marker.size(), j + 1 - i - marker.size()));
        start = j + 1;
        i = start;
    }
    out += printable(s.substr(start));
    return out;
}

std::string terminal_safe_json(std::string_view json_text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(json_text.size());
    for (std::size_t i = 0; i < json_text.size();) {
        const std::size_t start = i;
        const char32_t cp = next_code_point(json_text, i);
        if (cp >= 0x80 && unsafe(cp, true)) {
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 15];
        } else {
            out.append(json_text.substr(start, i - start));
        }
    }
    return out;
}

}  // namespace reconcile
