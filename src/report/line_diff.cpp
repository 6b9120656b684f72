// Line diff for multi-line strings (prompts): Myers' O(ND) algorithm on the part between the
// common prefix and suffix, then unified-style hunks with context.
#include <algorithm>
#include <cstdint>

#include "reconcile/report/line_diff.hpp"

namespace reconcile {

namespace {

enum class Op : std::uint8_t { Equal, Delete, Insert };

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    if (text.empty()) return lines;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) {
            if (pos < text.size()) lines.push_back(text.substr(pos));
            break;
        }
        auto line = text.substr(pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        pos = nl + 1;
    }
    if (!lines.empty() && !lines.back().empty() && lines.back().back() == '\r') lines.back().remove_suffix(1);
    return lines;
}

// Beyond this many differences the middle is shown as removed-then-added: the trace of the
// search grows with the square of the distance.
constexpr std::int64_t kMaxDistance = 2000;

// Shortest edit script from a to b (Myers 1986). Appends ops to `out`.
void myers(const std::string_view* a, std::int64_t n, const std::string_view* b, std::int64_t m,
           std::vector<Op>& out) {
    if (n == 0 && m == 0) return;
    const std::int64_t max = n + m;
    const std::int64_t limit = std::min(max, kMaxDistance);
    const std::int64_t offset = max + 1;
    std::vector<std::int64_t> v(static_cast<std::size_t>(2 * max + 3), 0);
    std::vector<std::vector<std::int32_t>> trace;  // trace[d][k + d] = furthest x on diagonal k
    std::int64_t found = -1;
    for (std::int64_t d = 0; d <= limit && found < 0; ++d) {
        for (std::int64_t k = -d; k <= d; k += 2) {
            std::int64_t x;
            if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) x = v[offset + k + 1];
            else x = v[offset + k - 1] + 1;
            std::int64_t y = x - k;
            while (x < n && y < m && a[x] == b[y]) ++x, ++y;
            v[offset + k] = x;
            if (x >= n && y >= m) found = d;
        }
        auto& row = trace.emplace_back(static_cast<std::size_t>(2 * d + 1));
        for (std::int64_t k = -d; k <= d; ++k) row[static_cast<std::size_t>(k + d)] = static_cast<std::int32_t>(v[offset + k]);
    }
    if (found < 0) {
        out.insert(out.end(), static_cast<std::size_t>(n), Op::Delete);
        out.insert(out.end(), static_cast<std::size_t>(m), Op::Insert);
        return;
    }
    std::vector<Op> rev;
    std::int64_t x = n, y = m;
    for (std::int64_t d = found; d > 0; --d) {
        const auto& prev = trace[static_cast<std::size_t>(d - 1)];
        auto at = [&](std::int64_t k) { return static_cast<std::int64_t>(prev[static_cast<std::size_t>(k + d - 1)]); };
        std::int64_t k = x - y;
        std::int64_t prev_k = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
        std::int64_t prev_x = at(prev_k);
        std::int64_t prev_y = prev_x - prev_k;
        while (x > prev_x && y > prev_y) {
            rev.push_back(Op::Equal);
            --x, --y;
        }
        if (prev_k == k + 1) {
            rev.push_back(Op::Insert);
            --y;
        } else {
            rev.push_back(Op::Delete);
            --x;
        }
    }
    while (x > 0 && y > 0) {
        rev.push_back(Op::Equal);
        --x, --y;
    }
    out.insert(out.end(), rev.rbegin(), rev.rend());
}

}  // namespace

std::vector<std::string> line_diff(std::string_view before, std::string_view after, std::size_t context_lines) {
    const auto a = split_lines(before);
    const auto b = split_lines(after);

    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
    std::size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix])
        ++suffix;

    std::vector<Op> ops(prefix, Op::Equal);
    myers(a.data() + prefix, static_cast<std::int64_t>(a.size() - prefix - suffix), b.data() + prefix,
          static_cast<std::int64_t>(b.size() - prefix - suffix), ops);
    ops.insert(ops.end(), suffix, Op::Equal);

    // Within each run of changes, removed lines first, then added ones.
    for (std::size_t i = 0; i < ops.size();) {
        if (ops[i] == Op::Equal) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < ops.size() && ops[j] != Op::Equal) ++j;
        std::stable_partition(ops.begin() + static_cast<std::ptrdiff_t>(i), ops.begin() + static_cast<std::ptrdiff_t>(j),
                              [](Op o) { return o == Op::Delete; });
        i = j;
    }

    // Which ops to show: every change, and equal lines within `context_lines` of one.
    const std::size_t count = ops.size();
    std::vector<bool> show(count, false);
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::size_t last_change = kNone;
    for (std::size_t i = 0; i < count; ++i) {
        if (ops[i] != Op::Equal) {
            show[i] = true;
            last_change = i;
        } else if (last_change != kNone && i - last_change <= context_lines) {
            show[i] = true;
        }
    }
    std::size_t next_change = kNone;
    for (std::size_t i = count; i-- > 0;) {
        if (ops[i] != Op::Equal) next_change = i;
        else if (next_change != kNone && next_change - i <= context_lines) show[i] = true;
    }

    std::vector<std::string> out;
    std::size_t ai = 0, bi = 0;
    bool gap = false;
    for (std::size_t i = 0; i < count; ++i) {
        std::string_view text;
        char sign = ' ';
        switch (ops[i]) {
            case Op::Equal: text = a[ai++]; ++bi; break;
            case Op::Delete: text = a[ai++]; sign = '-'; break;
            case Op::Insert: text = b[bi++]; sign = '+'; break;
        }
        if (!show[i]) {
            gap = true;
            continue;
        }
        if (gap && !out.empty()) out.emplace_back("...");
        gap = false;
        std::string line(1, sign);
        if (!text.empty()) {
            line += ' ';
            line += text;
        } else if (sign == ' ') {
            line.clear();
        }
        out.push_back(std::move(line));
    }
    // No change at all: nothing to show.
    if (std::none_of(ops.begin(), ops.end(), [](Op o) { return o != Op::Equal; })) out.clear();
    return out;
}

}  // namespace reconcile
