// `reconcile apply [FILE]`: carry out a fresh plan after approval, or exactly a saved plan.
#include "commands.hpp"
#include "workspace.hpp"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "interrupts.hpp"
#include "reconcile/apply/apply.hpp"
#include "reconcile/apply/preconditions.hpp"
#include "reconcile/engine/fingerprint.hpp"
#include "reconcile/report/plan_json.hpp"
#include "reconcile/report/plan_text.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile::cli {

namespace {

bool confirm(Console& console) {
    if (!isatty(STDIN_FILENO)) {
        console.error("apply needs approval: pass --auto-approve, or run it on a terminal and answer yes");
        return false;
    }
    console.out("\nDo you want to perform these actions? Only 'yes' will be accepted.\n  Enter a value: ");
    std::string answer;
    std::getline(std::cin, answer);
    if (php_trim(answer) != "yes") {
        console.out("Apply cancelled.\n");
        return false;
    }
    return true;
}

int execute(Console& console, const Plan& plan, Connection& conn, int parallelism) {
    ApplyOptions options;
    options.cancel = &interrupt_flag();
    auto report = apply_plan(plan, conn.workers(parallelism), options, [&](const PlanStep& step, const StepOutcome& out) {
        std::string what = std::string(to_string(step.action)) + " agent \"" + step.agent_name + "\"";
        if (step.action == ActionKind::ProvisionCall) what = "provision call channel " + step.phone_number + " -> agent \"" + step.agent_name + "\"";
        console.out(std::string(out.status == StepStatus::Applied ? "  ok      " : out.status == StepStatus::Failed ? "  FAILED  " : "  skipped ") +
                    what + ": " + out.detail + "\n");
    });
    auto applied = report.count(StepStatus::Applied);
    auto failed = report.count(StepStatus::Failed);
    auto skipped = report.count(StepStatus::Skipped);
    console.out("\nApply " + std::string(report.ok() ? "complete" : "incomplete") + ": " + std::to_string(applied) +
                " applied, " + std::to_string(failed) + " failed, " + std::to_string(skipped) + " skipped.\n");
    if (!report.ok()) {
        if (report.token_refused)
            console.err("The API token was refused (401/403): the run stopped. Check MIHU_API_TOKEN or --token-file.\n");
        else if (failed) console.err("Some steps failed; fix the cause and run apply again: it converges.\n");
        if (report.interrupted) return kExitInterrupted;
        return kExitError;
    }
    return kExitOk;
}

}  // namespace

int cmd_apply(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    if (!c.plan_file.empty()) {
        // A saved plan was the review: no re-diff, no prompt. Refuse it if anything it was
        // computed from has changed.
        std::ifstream in(c.plan_file);
        if (!in) {
            console.error(c.plan_file + ": cannot read the plan file");
            return kExitError;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        boost::system::error_code ec;
        auto doc = json::parse(ss.str(), ec);
        if (ec) {
            console.error(c.plan_file + ": not a JSON plan file: " + ec.message());
            return kExitError;
        }
        auto plan = plan_from_json(doc);
        if (!plan) {
            console.error(c.plan_file + ": " + plan.error());
            return kExitError;
        }
        auto conn = connect(console, g, std::nullopt);
        if (!conn) return kExitError;
        if (plan->api_url != conn->endpoint.url()) {
            console.error("plan is stale: it was made for " + plan->api_url + ", not " + conn->endpoint.url());
            return kExitError;
        }
        if (!plan->has_changes()) {
            console.out("No changes. The saved plan has nothing to apply.\n");
            return kExitOk;
        }
        if (!unseal(console, *plan, conn->token)) return kExitError;
        auto stale = check_preconditions(*plan, *conn->api, [](const json::object& body) {
            return agent_fingerprint(body, Schema::agent());
        });
        if (!stale.empty()) {
            for (const auto& s : stale) console.error(s);
            console.err("Nothing was changed. Make a new plan.\n");
            return kExitError;
        }
        console.out(render_text(*plan, TextRenderOptions{console.color, 3}));
        console.out("\n");
        return execute(console, *plan, *conn, g.parallelism);
    }
    auto run = make_planned_run(console, g, c);
    if (!run) return kExitError;
    console.out(render_text(run->plan, TextRenderOptions{console.color, 3}));
    if (!run->plan.has_changes()) return kExitOk;
    if (!c.auto_approve && !confirm(console)) return kExitError;
    console.out("\n");
    if (!unseal(console, run->plan, run->conn.token)) return kExitError;
    return execute(console, run->plan, run->conn, g.parallelism);
}

}  // namespace reconcile::cli
