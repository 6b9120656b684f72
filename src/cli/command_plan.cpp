// `reconcile plan`: what apply would change, as text, JSON or Markdown; optionally saved.
#include "commands.hpp"
#include "kept_until_exit.hpp"
#include "workspace.hpp"

#include "reconcile/report/plan_json.hpp"
#include "reconcile/report/plan_markdown.hpp"
#include "reconcile/report/plan_text.hpp"
#include "reconcile/util/utf8.hpp"

namespace reconcile::cli {

int cmd_plan(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    auto run = make_planned_run(console, g, c);
    const KeptUntilExit keep_run(run);
    if (!run) return kExitError;
    // The saved document carries a MAC keyed from the token: apply refuses an edited plan.
    json::value document = plan_to_json(run->plan);
    sign_plan_document(document.as_object(), run->conn.token);
    if (!c.out_file.empty() && !write_file(console, c.out_file, terminal_safe_json(to_pretty_json(document)))) return kExitError;
    if (c.format == "json") {
        console.out_json(document);
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
