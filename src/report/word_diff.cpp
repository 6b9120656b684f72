// Word diff of two lines: the longest common subsequence of their words, then marks.
#include "reconcile/report/word_diff.hpp"

#include "reconcile/util/utf8.hpp"

#include <algorithm>
#include <cstdint>

namespace reconcile {

namespace {

// Beyond this many words a side, lines are compared whole (the table grows with the product).
constexpr std::size_t kMaxWords = 600;


bool word_char(unsigned char c) { return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
bool space_char(char c) { return c == ' ' || c == '\t'; }

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t j = i + 1;
        if (word_char(static_cast<unsigned char>(s[i])))
            while (j < s.size() && word_char(static_cast<unsigned char>(s[j]))) ++j;
        else if (space_char(s[i]))
            while (j < s.size() && space_char(s[j])) ++j;
        out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

bool blank(std::string_view w) { return std::all_of(w.begin(), w.end(), space_char); }

// Consecutive words of the same kind become one span; unchanged spaces between two changed
// spans join them.
std::vector<WordSpan> spans(const std::vector<std::string_view>& w, const std::vector<bool>& changed) {
    std::vector<bool> mark = changed;
    for (std::size_t i = 1; i + 1 < w.size(); ++i)
        if (!mark[i] && blank(w[i]) && mark[i - 1] && mark[i + 1]) mark[i] = true;
    std::vector<WordSpan> out;
    for (std::size_t i = 0; i < w.size(); ++i) {
        if (!out.empty() && out.back().changed == mark[i]) out.back().text += w[i];
        else out.push_back(WordSpan{std::string(w[i]), static_cast<bool>(mark[i])});
    }
    return out;
}

std::size_t visible_size(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return !space_char(c); }));
}

std::string render(const std::vector<WordSpan>& spans, bool removed, WordMarks marks) {
    std::string out;
    for (const auto& s : spans) {
        if (!s.changed) {
            out += s.text;
        } else if (marks == WordMarks::Ansi) {
            out += trusted_sgr("7");  // reverse video
            out += s.text;
            out += trusted_sgr("27");
        } else {
            out += removed ? "[-" : "{+";
            out += s.text;
            out += removed ? "-]" : "+}";
        }
    }
    return out;
}

}  // namespace

WordDiff word_diff(std::string_view before, std::string_view after) {
    WordDiff d;
    const auto a = words(before);
    const auto b = words(after);
    if (a.size() > kMaxWords || b.size() > kMaxWords || a.empty() || b.empty()) {
        if (!before.empty()) d.before.push_back(WordSpan{std::string(before), true});
        if (!after.empty()) d.after.push_back(WordSpan{std::string(after), true});
        return d;
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return lcs[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            at(i, j) = a[i] == b[j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    std::vector<bool> ca(n, true), cb(m, true);
    std::size_t common = 0;
    for (std::size_t i = 0, j = 0; i < n && j < m;) {
        if (a[i] == b[j]) {
            ca[i] = cb[j] = false;
            common += visible_size(a[i]);
            ++i, ++j;
        } else if (at(i + 1, j) >= at(i, j + 1)) {
            ++i;
        } else {
            ++j;
        }
    }
    d.before = spans(a, ca);
    d.after = spans(b, cb);
    // Similar: at least 40% of the longer line's visible characters are common.
    const std::size_t longer = std::max(visible_size(before), visible_size(after));
    d.similar = common > 0 && common * 5 >= longer * 2;
    return d;
}

void mark_changed_words(std::vector<std::string>& lines, std::size_t prefix, WordMarks marks) {
    for (std::size_t i = 0; i < lines.size();) {
        if (lines[i].empty() || lines[i][0] != '-') {
            ++i;
            continue;
        }
        std::size_t removed_end = i;
        while (removed_end < lines.size() && !lines[removed_end].empty() && lines[removed_end][0] == '-') ++removed_end;
        std::size_t added_end = removed_end;
        while (added_end < lines.size() && !lines[added_end].empty() && lines[added_end][0] == '+') ++added_end;
        const std::size_t pairs = std::min(removed_end - i, added_end - removed_end);
        for (std::size_t k = 0; k < pairs; ++k) {
            std::string& minus = lines[i + k];
            std::string& plus = lines[removed_end + k];
            const std::size_t pm = std::min(prefix, minus.size());
            const std::size_t pp = std::min(prefix, plus.size());
            const auto d = word_diff(std::string_view(minus).substr(pm), std::string_view(plus).substr(pp));
            if (!d.similar) continue;
            minus = minus.substr(0, pm) + render(d.before, true, marks);
            plus = plus.substr(0, pp) + render(d.after, false, marks);
        }
        i = added_end;
    }
}

}  // namespace reconcile
