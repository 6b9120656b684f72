// Plan (and drift) as Markdown for GitHub comments, cut to fit the comment size limit.
#include "reconcile/report/markdown.hpp"

#include <algorithm>
#include <unordered_map>

#include "reconcile/util/utf8.hpp"

namespace reconcile {

namespace {

constexpr std::size_t kMaxLine = 2'000;          // one line of a diff listing
constexpr std::size_t kMaxListedName = 200;      // one name in a summary list
constexpr std::string_view kSeeAll = "run `reconcile plan` or download the plan artifact";

// The longest run of backticks in the lines, so the fence can be longer.
std::size_t longest_backtick_run(const std::vector<std::string>& lines) {
    std::size_t best = 0;
    for (const auto& l : lines) {
        std::size_t run = 0;
        for (char c : l) {
            run = c == '`' ? run + 1 : 0;
            best = std::max(best, run);
        }
    }
    return best;
}

}  // namespace

std::string markdown_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '|': out += "&#124;"; break;
            case '`': out += "&#96;"; break;
            case '*': out += "&#42;"; break;
            case '_': out += "&#95;"; break;
            case '[': out += "&#91;"; break;
            case ']': out += "&#93;"; break;
            case '\\': out += "&#92;"; break;
            case '#': out += "&#35;"; break;
            case '~': out += "&#126;"; break;
            case '@': out += "&#64;"; break;  // no @mentions from agent names
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) out += ' ';
                else out += c;
        }
    }
    return out;
}

std::string markdown_name_list(const std::vector<std::string>& names, std::size_t max_names, std::size_t max_chars) {
    std::string out;
    std::size_t shown = 0;
    for (const auto& n : names) {
        std::string item = markdown_escape(cut_utf8(n, kMaxListedName));
        if (shown == max_names || (shown > 0 && out.size() + item.size() + 2 > max_chars)) break;
        if (shown > 0) out += ", ";
        out += item;
        ++shown;
    }
    if (shown < names.size()) out += " … and " + format_count(names.size() - shown) + " more";
    return out;
}

std::string markdown_details(std::string_view summary_html, std::string_view intro,
                             const std::vector<std::string>& diff_lines, const std::vector<std::string>& notes,
                             std::size_t max_chars) {
    std::string head = "<details><summary>" + std::string(summary_html) + "</summary>\n\n";
    if (!intro.empty()) head += std::string(intro) + "\n\n";
    std::string tail;
    for (const auto& n : notes) tail += "- " + markdown_escape(n) + "\n";
    if (!tail.empty()) tail = "\n" + tail;
    tail += "\n</details>\n\n";

    const std::string fence(std::max<std::size_t>(3, longest_backtick_run(diff_lines) + 1), '`');
    std::string body;
    if (!diff_lines.empty()) {
        // Room for the fences, and for the line saying what was cut.
        const std::size_t overhead = head.size() + tail.size() + 2 * fence.size() + 16 + 120;
        const std::size_t room = max_chars > overhead ? max_chars - overhead : 0;
        std::size_t used = 0, shown = 0;
        for (const auto& l : diff_lines) {
            if (used + l.size() + 1 > room) break;
            body += l;
            body += '\n';
            used += l.size() + 1;
            ++shown;
        }
        if (shown < diff_lines.size())
            body += "… " + count_of(diff_lines.size() - shown, "more line", "more lines") + " (" +
                    std::string(kSeeAll) + ")\n";
        body = fence + "diff\n" + body + fence + "\n";
    }
    return head + body + tail;
}

std::string assemble_markdown(std::string_view summary, const std::vector<std::string>& details,
                              std::string_view what_one, std::string_view what_many, std::string_view see_all,
                              std::size_t max_chars) {
    auto left_out_line = [&](std::size_t n) {
        return "_Left out to fit the comment size limit: the details of " + count_of(n, what_one, what_many) +
               ". To see everything, " + std::string(see_all) + "._\n";
    };
    // Room for that line in the worst case.
    const std::size_t reserve = left_out_line(details.size()).size() + 1;
    constexpr std::string_view kSummaryCut = "_… the summary is cut to fit the comment size limit._\n";

    std::string out;
    if (summary.size() + reserve <= max_chars) {
        out = summary;
    } else if (max_chars >= reserve + kSummaryCut.size() + 1) {
        // Keep the summary's first lines.
        std::string_view cut = summary.substr(0, max_chars - reserve - kSummaryCut.size() - 1);
        if (auto nl = cut.rfind('\n'); nl != std::string_view::npos) cut = cut.substr(0, nl + 1);
        out = std::string(cut) + "\n" + std::string(kSummaryCut);
    } else {
        return cut_utf8(summary, max_chars);  // a limit too small for anything else
    }

    std::size_t shown = 0;
    for (const auto& d : details) {
        const std::size_t separator = shown == 0 ? 1 : 0;
        if (out.size() + separator + d.size() + reserve > max_chars) break;
        if (separator) out += '\n';
        out += d;
        ++shown;
    }
    if (shown < details.size()) out += (shown == 0 ? "\n" : "") + left_out_line(details.size() - shown);
    return out;
}

}  // namespace reconcile
