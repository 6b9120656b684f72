// `reconcile plan`: what apply would change, as text, JSON or Markdown; optionally saved.
#include "commands.hpp"
#include "workspace.hpp"

#include "reconcile/report/plan_json.hpp"
#include "reconcile/report/plan_markdown.hpp"
#include "reconcile/report/plan_text.hpp"

namespace reconcile::cli {

int cmd_plan(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    auto run = make_planned_run(console, g, c);
    if (!run) return kExitError;
    if (!c.out_file.empty() && !write_file(console, c.out_file, to_pretty_json(plan_to_json(run->plan))))
        return kExitError;
    if (c.format == "json") {
        console.out(to_pretty_json(plan_to_json(run->plan)));
    } else if (c.format == "markdown") {
        console.out(render_markdown(run->plan));
    } else {
        TextRenderOptions ro;
        ro.color = console.color;
        console.out(render_text(run->plan, ro));
        if (!c.out_file.empty())
            console.out("\nSaved the plan to " + c.out_file + "; `reconcile apply " + c.out_file +
                        "` carries out exactly these steps.\n");
    }
    if (c.detailed_exitcode) return run->plan.has_changes() ? kExitChanges : kExitOk;
    return kExitOk;
}

}  // namespace reconcile::cli
