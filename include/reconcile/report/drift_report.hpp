#pragma once
// A DriftReport as text (terminal), JSON and Markdown (an issue or PR comment).
#include <string>

#include "reconcile/engine/drift.hpp"
#include "reconcile/report/markdown.hpp"

namespace reconcile {

struct DriftRenderOptions {
    std::size_t context_lines = 3;          // around changed lines of multi-line texts
};

// Plain text for a terminal: one block per drifted agent (`live` vs `git` per field, multi-line
// texts as a line diff from git to live), then missing, unmanaged and channel drift, and a
// closing summary line.
std::string render_drift_text(const DriftReport& report, const DriftRenderOptions& options = {});
// {"format_version", "has_drift", "summary", "drifted", "missing", "unmanaged", "channels",
//  "in_sync", "diagnostics"}.
json::value drift_to_json(const DriftReport& report);
// For an issue or PR comment: a summary, then each drifted agent in a collapsible block with a
// ```diff listing ("-" git, "+" live); fits options.max_chars like the plan comment.
std::string render_drift_markdown(const DriftReport& report, const MarkdownOptions& options = {});

}  // namespace reconcile
