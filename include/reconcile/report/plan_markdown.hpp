#pragma once
// A plan as Markdown for a pull-request comment: a summary first (counts, then agents by name
// grouped by action), then each agent's changes in a collapsible block with a ```diff listing,
// cut to fit the comment size limit (details first, the summary last). The diff listing keeps
// plain "-"/"+" lines without word markers: GitHub colours whole lines in a diff block, and
// [-old-]{+new+} markers there would read as part of the text (the text plan marks words).
#include <string>

#include "reconcile/model/plan.hpp"
#include "reconcile/report/markdown.hpp"

namespace reconcile {

std::string render_markdown(const Plan& plan, const MarkdownOptions& options = {});

}  // namespace reconcile
