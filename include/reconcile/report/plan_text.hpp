#pragma once
// A plan as text for a terminal or a CI log.
#include <string>
#include <vector>

#include "reconcile/model/plan.hpp"

namespace reconcile {

struct TextRenderOptions {
    bool color = false;
    std::size_t context_lines = 3;   // for multi-line string diffs
};

// Terraform-like: `+` create, `~` update, provisioning, old -> new, line diffs for prompts,
// closing "Plan: N to create, N to update, N call channels to provision." or "No changes. …".
std::string render_text(const Plan& plan, const TextRenderOptions& options = {});

}  // namespace reconcile
