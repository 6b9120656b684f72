#pragma once
// Building blocks of the Markdown renderings (plan and drift comments). A GitHub comment holds
// at most 65,536 characters, so a comment is a summary that is never cut plus collapsible
// blocks that are dropped from the end when they do not fit.
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/util/text.hpp"

namespace reconcile {

struct MarkdownOptions {
    std::size_t max_chars = 65'000;         // hard limit of the whole comment (bytes, so that
                                            // multi-byte characters never push it over)
    std::size_t max_names = 300;            // names listed per group in the summary
    std::size_t max_detail_chars = 20'000;  // one agent's block; longer ones are cut
    std::size_t context_lines = 3;          // around changed lines of multi-line texts
};

// Text safe in Markdown and in HTML (<summary>): HTML-special and Markdown-special characters
// (& < > | ` * _ [ ] \ # ~ @) become character references, line breaks become spaces.
std::string markdown_escape(std::string_view text);

// "A, B, C … and 9,700 more": names escaped (and cut at 200 bytes), at most `max_names` of them
// and about `max_chars` characters.
std::string markdown_name_list(const std::vector<std::string>& names, std::size_t max_names,
                               std::size_t max_chars);

// One collapsible block:
//   <details><summary>SUMMARY_HTML</summary>\n\nINTRO\n\n```diff ... ```\n\nnotes\n</details>
// `summary_html` and `intro` are used as given (escape what they quote). The diff is cut to
// keep the block within `max_chars`.
std::string markdown_details(std::string_view summary_html, std::string_view intro,
                             const std::vector<std::string>& diff_lines, const std::vector<std::string>& notes,
                             std::size_t max_chars);

// The comment: `summary`, then as many `details` blocks (in order) as fit in `max_chars`, then
// a line saying how many were left out ("the details of 3 agents", from `what_one` /
// `what_many`) and `see_all` (how to see everything). The summary is cut only when it alone
// does not fit.
std::string assemble_markdown(std::string_view summary, const std::vector<std::string>& details,
                              std::string_view what_one, std::string_view what_many, std::string_view see_all,
                              std::size_t max_chars);

}  // namespace reconcile
