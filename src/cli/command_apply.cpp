// `reconcile apply [FILE]`: carry out a fresh plan after approval, or exactly a saved plan.
#include "commands.hpp"
#include "kept_until_exit.hpp"
#include "workspace.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "apply_progress.hpp"
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
    ApplyReport report;
    {
        ApplyProgressReporter progress(console, plan.steps.size(), [&conn] {
            const auto stats = conn.retrier->stats();
            if (stats.retries == 0 && stats.rate_limited == 0) return std::string();
            return count_of(stats.retries, "retry", "retries") + " and " +
                   count_of(stats.rate_limited, "answer", "answers") + " 429 (rate limited) so far";
        });
        report = apply_plan(plan, conn.workers(parallelism), options,
                            [&](const PlanStep& step, const StepOutcome& out) { progress.step_done(step, out); });
    }
    auto applied = report.count(StepStatus::Applied);
    auto failed = report.count(StepStatus::Failed);
    auto skipped = report.count(StepStatus::Skipped);
    console.out("\nApply " + std::string(report.ok() ? "complete" : "incomplete") + ": " + std::to_string(applied) +
                " applied, " + std::to_string(failed) + " failed, " + std::to_string(skipped) + " skipped.\n");
    if (report.interrupted) {
        // What was not done, by name: the next apply (or plan) picks these up.
        std::string names;
        std::size_t listed = 0;
        for (const auto& o : report.outcomes) {
            if (o.status != StepStatus::Skipped) continue;
            if (listed++ < 20) {
                const auto& step = plan.steps[o.step];
                names += "\n  - " + std::string(to_string(step.action)) + " agent \"" + step.agent_name + "\"";
            }
        }
        if (listed > 20) names += "\n  - and " + std::to_string(listed - 20) + " more";
        console.err("Interrupted: no new step was started; " + std::to_string(skipped) + " skipped" +
                    (skipped ? ":" + names : std::string()) + "\n");
    }
    if (!report.ok()) {
        if (report.token_refused)
            console.err("The API token was refused (401/403): the run stopped. Check MIHU_API_TOKEN or --token-file.\n");
        else if (failed) console.err("Some steps failed; fix the cause and run apply again: it converges.\n");
        if (report.interrupted) return kExitInterrupted;
        return kExitError;
    }
    return kExitOk;
}

// Reads a saved plan and checks it before anything else: its MAC (only a holder of this
// workspace's token can make or edit one), then its structure.
std::optional<Plan> read_saved_plan(Console& console, const std::string& path, const std::string& token) {
    constexpr std::size_t kMaxPlanBytes = 256 * 1024 * 1024;
    std::error_code size_error;
    const auto size = std::filesystem::file_size(path, size_error);
    std::ifstream in(path, std::ios::binary);
    if (size_error || !in) {
        console.error(path + ": cannot read the plan file");
        return std::nullopt;
    }
    if (size > kMaxPlanBytes) {
        console.error(path + ": the plan file is " + format_size(size) + ", over the " + format_size(kMaxPlanBytes) +
                      " limit");
        return std::nullopt;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    auto doc = json::parse(ss.str(), ec);
    if (ec || !doc.is_object()) {
        console.error(path + ": not a JSON plan file" + (ec ? ": " + ec.message() : std::string()));
        return std::nullopt;
    }
    if (!plan_document_signed_by(doc.get_object(), token)) {
        console.error(path + ": the plan was edited after it was made, or was made with another workspace's "
                             "token (its MAC does not match); it is refused whole. Make a new plan.");
        return std::nullopt;
    }
    auto plan = plan_from_json(doc);
    if (!plan) {
        console.error(path + ": " + plan.error());
        return std::nullopt;
    }
    return std::move(*plan);
}

// The plan with its ${env:} templates resolved, for sending only: the sealed plan is what is shown.
std::optional<Plan> resolved_for_sending(Console& console, const Plan& plan, const std::string& token) {
    Plan resolved = plan;
    if (!unseal(console, resolved, token)) return std::nullopt;
    return resolved;
}

}  // namespace

int cmd_apply(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    if (!c.plan_file.empty()) {
        // A saved plan was the review: no re-diff, no prompt. Refuse it if it was edited, or if
        // anything it was computed from has changed.
        auto conn = connect(console, g, std::nullopt);
        const KeptUntilExit keep_conn(conn);
        if (!conn) return kExitError;
        auto plan = read_saved_plan(console, c.plan_file, conn->token);
        const KeptUntilExit keep_plan(plan);
        if (!plan) return kExitError;
        if (!c.shard.whole() && c.shard != plan->shard) {
            console.error("--shard " + c.shard.text() + " does not match the saved plan, which was made for " +
                          (plan->shard.whole() ? std::string("the whole repository") : "shard " + plan->shard.text()));
            return kExitError;
        }
        if (!plan->shard.whole())
            console.out("Shard " + plan->shard.text() + ": this plan changes only the agents of that shard.\n");
        if (plan->api_url != conn->endpoint.url()) {
            console.error("plan is stale: it was made for " + plan->api_url + ", not " + conn->endpoint.url());
            return kExitError;
        }
        if (!plan->has_changes()) {
            console.out("No changes. The saved plan has nothing to apply.\n");
            return kExitOk;
        }
        auto resolved = resolved_for_sending(console, *plan, conn->token);
        const KeptUntilExit keep_resolved(resolved);
        if (!resolved) return kExitError;
        auto stale = check_preconditions(*plan, *conn->api, [](const json::object& body, const std::vector<std::string>& ignored) {
            return agent_fingerprint(body, Schema::agent(), ignored);
        });
        if (!stale.empty()) {
            for (const auto& s : stale) console.error(s);
            console.err("Nothing was changed. Make a new plan.\n");
            return kExitError;
        }
        console.out(render_text(*plan, TextRenderOptions{console.color, 3}));
        console.out("\n");
        return execute(console, *resolved, *conn, g.parallelism);
    }
    auto run = make_planned_run(console, g, c);
    const KeptUntilExit keep_run(run);
    if (!run) return kExitError;
    console.out(render_text(run->plan, TextRenderOptions{console.color, 3}));
    if (!run->plan.has_changes()) return kExitOk;
    if (!c.auto_approve && !confirm(console)) return kExitError;
    console.out("\n");
    auto resolved = resolved_for_sending(console, run->plan, run->conn.token);
    const KeptUntilExit keep_resolved(resolved);
    if (!resolved) return kExitError;
    return execute(console, *resolved, run->conn, g.parallelism);
}

}  // namespace reconcile::cli
