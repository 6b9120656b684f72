#pragma once
// Human-readable renderings of a plan.
#include <string>
#include <vector>

#include "reconcile/plan.hpp"

namespace reconcile {

struct TextRenderOptions {
    bool color = false;
    std::size_t context_lines = 3;   // for multi-line string diffs
};

// Terraform-like: `+` create, `~` update, provisioning, old -> new, line diffs for prompts,
// closing "Plan: N to create, N to update, N call channels to provision." or "No changes. …".
std::string render_text(const Plan& plan, const TextRenderOptions& options = {});

// Unified-style line diff of two texts ("-"/"+"/" " prefixed lines, with context).
std::vector<std::string> line_diff(std::string_view before, std::string_view after,
                                   std::size_t context_lines);

}  // namespace reconcile
