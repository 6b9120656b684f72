#include "reconcile/util/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <boost/json.hpp>

#include "reconcile/util/utf8.hpp"

namespace reconcile {

std::string_view php_trim(std::string_view s) {
    constexpr std::string_view kSpace{" \t\n\r\0\x0B", 6};
    const auto first = s.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(kSpace);
    return s.substr(first, last - first + 1);
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

std::string quote_for_message(std::string_view s, std::size_t max_chars) {
    const bool truncated = s.size() > max_chars;
    std::string out = boost::json::serialize(boost::json::value(boost::json::string(utf8_prefix(s, max_chars))));
    if (truncated) out.insert(out.size() - 1, "...");
    return out;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string format_count(std::size_t n) {
    const std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string count_of(std::size_t n, std::string_view one, std::string_view many) {
    return format_count(n) + " " + std::string(n == 1 ? one : many);
}

std::string format_size(std::size_t bytes) {
    auto fmt = [](double v, const char* unit) {
        char buf[64];
        if (std::fabs(v - std::round(v)) < 0.05) std::snprintf(buf, sizeof buf, "%.0f %s", v, unit);
        else std::snprintf(buf, sizeof buf, "%.1f %s", v, unit);
        return std::string(buf);
    };
    if (bytes >= 1024 * 1024) return fmt(static_cast<double>(bytes) / (1024.0 * 1024.0), "MiB");
    if (bytes >= 1024) return fmt(static_cast<double>(bytes) / 1024.0, "KiB");
    return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

bool glob_match_text(std::string_view pat, std::string_view s) {
    std::size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
    while (i < s.size()) {
        if (p < pat.size() && (pat[p] == '?' || pat[p] == s[i])) {
            ++p;
            ++i;
        } else if (p < pat.size() && pat[p] == '*') {
            star = p++;
            mark = i;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            i = ++mark;
        } else {
            return false;
        }
    }
    while (p < pat.size() && pat[p] == '*') ++p;
    return p == pat.size();
}

std::vector<std::string_view> split_path_segments(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (true) {
        auto next = s.find('/', pos);
        out.push_back(s.substr(pos, next == std::string_view::npos ? next : next - pos));
        if (next == std::string_view::npos) break;
        pos = next + 1;
    }
    return out;
}

bool glob_match_path(std::string_view pattern, std::string_view path) {
    auto segs = split_path_segments(path);
    // Consecutive `**` are one `**`.
    std::vector<std::string_view> p;
    for (auto s : split_path_segments(pattern))
        if (!(s == "**" && !p.empty() && p.back() == "**")) p.push_back(s);
    // ok[i][j]: p[i..] matches segs[j..]
    const std::size_t P = p.size(), S = segs.size();
    std::vector<std::vector<char>> ok(P + 1, std::vector<char>(S + 1, 0));
    ok[P][S] = 1;
    for (std::size_t i = P; i-- > 0;) {
        for (std::size_t j = S + 1; j-- > 0;) {
            if (p[i] == "**") ok[i][j] = ok[i + 1][j] || (j < S && ok[i][j + 1]);
            else ok[i][j] = j < S && glob_match_text(p[i], segs[j]) && ok[i + 1][j + 1];
        }
    }
    return ok[0][0];
}

std::string nearest_name(std::string_view word, const std::vector<std::string>& candidates) {
    auto distance = [](std::string_view a, std::string_view b) {
        std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
        for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
        for (std::size_t i = 1; i <= a.size(); ++i) {
            cur[0] = i;
            for (std::size_t j = 1; j <= b.size(); ++j) {
                const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
            }
            std::swap(prev, cur);
        }
        return prev[b.size()];
    };
    std::string best;
    std::size_t best_d = std::string::npos;
    for (const auto& c : candidates) {
        const auto d = distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    // Close enough to be a typo: at most a third of the word, and at least two edits allowed.
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    return best_d <= limit ? best : std::string{};
}

}  // namespace reconcile
