// The command line: options, subcommands, dispatch.
#include "reconcile/cli/cli.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "console.hpp"
#include "interrupts.hpp"
#include "options.hpp"
#include "reconcile/config/process_env.hpp"

namespace reconcile {

using namespace cli;

int run_cli(int argc, char** argv) {
    Console console;
    GlobalOptions g;
    CommandOptions c;

    CLI::App app{"reconcile: GitOps for Mihu AI agents. Plans and applies the agent definitions in a git "
                 "repository against a Mihu workspace.",
                 "reconcile"};
    app.fallthrough();  // global options are accepted after the command too
    app.require_subcommand(1);
    app.set_version_flag("--version", "reconcile 0.1.0");
    app.add_option("--repo", g.repo, "Repository directory holding agents/ and reconcile.yaml")->capture_default_str();
    app.add_option("--api-url", g.api_url, "Workspace URL, e.g. https://acme.mihu.ai (default: $MIHU_API_URL)");
    app.add_option("--token-file", g.token_file, "File holding the API token (default: $MIHU_API_TOKEN)");
    app.add_option("--ca-file", g.ca_file, "PEM file of extra CA certificates to trust (a private CA)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_flag("-v,--verbose", g.verbosity, "More output (-v info, -vv debug)");
    app.add_option("--log-level", g.log_level, "Log level: trace, debug, info, warn, error, off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
    app.add_flag("--no-color", g.no_color, "Never use colors");
    app.add_option("--timeout", g.timeout_s, "Seconds allowed for each request")->capture_default_str();
    app.add_option("--connect-timeout", g.connect_timeout_s, "Seconds allowed to connect and finish the TLS handshake")
        ->capture_default_str();
    app.add_option("--max-attempts", g.max_attempts, "Attempts per request before giving up")->capture_default_str();
    app.add_option("--max-retry-time", g.max_retry_time_s, "Seconds a request may spend retrying")->capture_default_str();
    app.add_option("--parallelism", g.parallelism, "Agents applied at once (each agent's steps stay in order)")
        ->check(CLI::Range(1, 64))->capture_default_str();
    app.add_option("--connections", g.connections,
                   "Kept-alive connections for reading the live agents' pages at once (after the first page "
                   "gives the page count)")
        ->check(CLI::Range(1, 32))->capture_default_str();

    static constexpr const char* kShardHelp =
        "Only the K-th of N shards of the agents, e.g. 2/4 (an agent's shard: 1 + FNV-1a-64 of its trimmed "
        "name mod N); every shard reads the whole workspace and changes only its own agents";

    auto* validate = app.add_subcommand("validate", "Check every agent file offline (no token needed)");
    validate->add_flag("--strict", c.strict, "Treat warnings as errors");

    auto* plan = app.add_subcommand("plan", "Show what apply would change (sends only GET requests)");
    plan->add_flag("--detailed-exitcode", c.detailed_exitcode, "Exit 0 for no changes, 2 for changes, 1 for errors");
    plan->add_option("--out", c.out_file, "Save the plan as JSON for `reconcile apply FILE`");
    plan->add_option("--format", c.format, "Output format: text, json (the saved-plan document) or markdown (a PR comment)")
        ->check(CLI::IsMember({"text", "json", "markdown"}))->capture_default_str();
    plan->add_option("--agent", c.agents, "Only this agent (repeatable)");
    plan->add_flag("--prune", c.prune, "Also delete live agents no document manages (prune.ignore keeps some)");
    plan->add_flag("--allow-mass-delete", c.allow_mass_delete, "Let --prune delete more than 30% of the workspace");
    plan->add_option("--shard", c.shard_text, kShardHelp);

    auto* apply = app.add_subcommand("apply", "Carry out the plan (or a saved plan FILE)");
    apply->add_option("plan_file", c.plan_file, "A plan saved with `reconcile plan --out FILE`");
    apply->add_flag("--auto-approve", c.auto_approve, "Do not ask for confirmation");
    apply->add_option("--agent", c.agents, "Only this agent (repeatable)");
    apply->add_flag("--prune", c.prune, "Also delete live agents no document manages (prune.ignore keeps some)");
    apply->add_flag("--allow-mass-delete", c.allow_mass_delete, "Let --prune delete more than 30% of the workspace");
    apply->add_option("--shard", c.shard_text, kShardHelp);

    auto* drift = app.add_subcommand("drift", "Report what differs between git and the workspace (read-only)");
    drift->add_option("--format", c.format, "Output format: text, json or markdown")
        ->check(CLI::IsMember({"text", "json", "markdown"}))->capture_default_str();
    drift->add_option("--agent", c.agents, "Only this agent (repeatable)");
    drift->add_option("--shard", c.shard_text, kShardHelp);

    auto* exp = app.add_subcommand("export", "Write the live agents as YAML documents (DIR/agents/<slug>.yaml)");
    exp->add_option("--out-dir", c.out_dir, "Directory to write into")->required();
    exp->add_option("--agent", c.agents, "Only this live agent (repeatable)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? kExitOk : kExitError;  // 2 is reserved for "changes"
    }

    console.color = !g.no_color && isatty(STDOUT_FILENO) && !process_setting("NO_COLOR");
    setup_logging(g, console.redactor);
    install_interrupt_handlers();

    if (!c.shard_text.empty()) {
        auto shard = parse_shard(c.shard_text);
        if (!shard) {
            console.error("--shard \"" + c.shard_text + "\": " + shard.error());
            return kExitError;
        }
        c.shard = *shard;
    }
    if (c.prune && !c.agents.empty()) {
        console.error("--prune deletes every agent no document manages; it cannot be combined with --agent");
        return kExitError;
    }
    if (c.prune && !c.plan_file.empty()) {
        console.error("--prune belongs to the plan: make the plan with `reconcile plan --prune --out FILE`");
        return kExitError;
    }
    // Interrupted (Ctrl-C) and not finished cleanly: 130, whatever the command made of it.
    auto finish = [](int rc) { return rc != kExitOk && interrupt_flag().load() ? kExitInterrupted : rc; };
    try {
        if (validate->parsed()) return finish(cmd_validate(console, g, c));
        if (plan->parsed()) return finish(cmd_plan(console, g, c));
        if (drift->parsed()) return finish(cmd_drift(console, g, c));
        if (exp->parsed()) return finish(cmd_export(console, g, c));
        if (apply->parsed()) {
            if (!c.plan_file.empty() && !c.agents.empty()) {
                console.error("--agent cannot narrow a saved plan; make a new plan with --agent instead");
                return kExitError;
            }
            return finish(cmd_apply(console, g, c));
        }
    } catch (const std::exception& e) {
        console.error(std::string("internal error: ") + e.what());
        return kExitError;
    }
    return kExitError;
}

}  // namespace reconcile
