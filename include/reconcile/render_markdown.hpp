#pragma once
// A plan as Markdown for a pull-request comment: a summary first (counts, then agents by name
// grouped by action), then each agent's changes in a collapsible block with a ```diff listing.
// A GitHub comment holds at most 65,536 characters, so the output is cut to fit: per-agent
// details go first, each with a line saying how to see the full plan; the summary last.
#include <string>
#include <string_view>
#include <vector>

#include "reconcile/plan.hpp"

namespace reconcile {

struct MarkdownOptions {
    std::size_t max_chars = 65'000;         // hard limit of the whole comment (bytes, so that
                                            // multi-byte characters never push it over)
    std::size_t max_names = 300;            // names listed per group in the summary
    std::size_t max_detail_chars = 20'000;  // one agent's block; longer ones are cut
    std::size_t context_lines = 3;          // around changed lines of multi-line texts
};

std::string render_markdown(const Plan& plan, const MarkdownOptions& options = {});

// --- building blocks, shared with the drift report --------------------------------------------

// Text safe in Markdown and in HTML (<summary>): HTML-special and Markdown-special characters
// (& < > | ` * _ [ ] \ # ~ @) become character references, line breaks become spaces.
std::string markdown_escape(std::string_view text);

// 9700 -> "9,700".
std::string format_count(std::size_t n);
// (9700, "agent", "agents") -> "9,700 agents"; (1, ...) -> "1 agent".
std::string count_of(std::size_t n, std::string_view one, std::string_view many);
// "file:line" (the column left out), or just "file" when the line is unknown.
std::string file_and_line(const SourceLocation& where);

// "A, B, C … and 9,700 more": names escaped (and cut at 200 bytes), at most `max_names` of them
// and about `max_chars` characters.
std::string markdown_name_list(const std::vector<std::string>& names, std::size_t max_names,
                               std::size_t max_chars);

// Which side of a FieldChange the "-" lines show.
enum class DiffDirection {
    LiveToDesired,  // a plan: "-" live (before), "+" desired (after)
    DesiredToLive,  // drift: "-" git (after), "+" live (before)
};

// Lines of a diff listing for one change: "- path: old" / "+ path: new"; multi-line texts as a
// line diff under "@@ path @@"; lists item by item (only the fields the desired items give).
// `created`: the field is new (a create), so only "+" lines.
std::vector<std::string> change_diff_lines(const FieldChange& change, DiffDirection direction,
                                           std::size_t context_lines, bool created = false);

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
