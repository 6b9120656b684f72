// The command line: options, subcommands, dispatch.
#include "reconcile/cli/cli.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <optional>

#include "build_info.hpp"
#include "commands.hpp"
#include "console.hpp"
#include "interrupts.hpp"
#include "options.hpp"
#include "reconcile/config/process_env.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

using namespace cli;

namespace {

// The first word that is neither an option nor an option's value: the command the user typed.
std::optional<std::string> command_word(const CLI::App& app, int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (word == "--") return std::nullopt;
        if (word.size() > 1 && word[0] == '-') {
            if (word.find('=') != std::string::npos) continue;
            const CLI::Option* o = app.get_option_no_throw(word);
            if (o != nullptr && o->get_type_size() != 0) ++i;  // its value is the next word
            continue;
        }
        return word;
    }
    return std::nullopt;
}

// The global options as a help section, for each command's --help (CLI11 lists only the
// command's own options there).
std::string global_options_help(const CLI::App& app) {
    std::string out = "Global options (before or after the command):\n";
    for (const CLI::Option* o : app.get_options()) {
        if (o == app.get_help_ptr()) continue;
        std::string name = o->get_name(false, true);
        if (o->get_type_size() != 0) name += " " + o->get_type_name();
        std::string row = "  " + name;
        row += row.size() < 30 ? std::string(30 - row.size(), ' ') : "\n" + std::string(30, ' ');
        out += row + o->get_description() + "\n";
    }
    return out;
}

// Colour when asked, or (auto) when standard output is a terminal that is not `dumb` and
// NO_COLOR is unset (https://no-color.org). --no-color is --color never.
bool use_color(const GlobalOptions& g) {
    if (g.no_color || g.color == "never") return false;
    if (g.color == "always") return true;
    const auto term = process_setting("TERM");
    return isatty(STDOUT_FILENO) && !(term && *term == "dumb") && !process_setting("NO_COLOR");
}

}  // namespace

int run_cli(int argc, char** argv) {
    draw_color_marker();
    Console console;
    GlobalOptions g;
    CommandOptions c;

    CLI::App app{"reconcile: GitOps for Mihu AI agents. Plans and applies the agent definitions in a git "
                 "repository against a Mihu workspace.",
                 "reconcile"};
    app.fallthrough();  // global options are accepted after the command too
    app.require_subcommand(1);
    std::string version_flag_text = version_text();
    version_flag_text.pop_back();  // CLI11 ends it with its own newline
    app.set_version_flag("--version", version_flag_text, "Print the version and the libraries of this build");
    app.add_option("--repo", g.repo, "Repository directory holding agents/ and reconcile.yaml")->capture_default_str();
    app.add_option("--env", g.env,
                   "Environment of reconcile.yaml to work on: its agent files and vars (default: $RECONCILE_ENV)");
    app.add_option("--api-url", g.api_url, "Workspace URL, e.g. https://acme.mihu.ai (default: $MIHU_API_URL)");
    app.add_option("--token-file", g.token_file, "File holding the API token (default: $MIHU_API_TOKEN)");
    app.add_option("--ca-file", g.ca_file, "PEM file of extra CA certificates to trust (a private CA)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_flag("-v,--verbose", g.verbosity, "More output (-v info, -vv debug)");
    app.add_option("--log-level", g.log_level, "Log level: trace, debug, info, warn, error, off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
    app.add_option("--color", g.color, "Colours: always, never or auto (a terminal, TERM not dumb, NO_COLOR unset)")
        ->check(CLI::IsMember({"always", "never", "auto"}))->capture_default_str();
    app.add_flag("--no-color", g.no_color, "Never use colours (--color never)");
    app.add_option("--timeout", g.timeout_s, "Seconds allowed for each request")->capture_default_str();
    app.add_option("--connect-timeout", g.connect_timeout_s, "Seconds allowed to connect and finish the TLS handshake")
        ->capture_default_str();
    app.add_option("--max-attempts", g.max_attempts, "Attempts per request before giving up")->capture_default_str();
    app.add_option("--max-retry-time", g.max_retry_time_s, "Seconds a request may spend retrying")->capture_default_str();
    app.add_option("--parallelism", g.parallelism, "Agents applied at once (each agent's steps stay in order)")
        ->check(CLI::Range(1, 64))->capture_default_str();

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

    auto* apply = app.add_subcommand("apply", "Carry out the plan (or a saved plan FILE)");
    apply->add_option("plan_file", c.plan_file, "A plan saved with `reconcile plan --out FILE`");
    apply->add_flag("--auto-approve", c.auto_approve, "Do not ask for confirmation");
    apply->add_option("--agent", c.agents, "Only this agent (repeatable)");
    apply->add_flag("--prune", c.prune, "Also delete live agents no document manages (prune.ignore keeps some)");
    apply->add_flag("--allow-mass-delete", c.allow_mass_delete, "Let --prune delete more than 30% of the workspace");

    auto* drift = app.add_subcommand("drift", "Report what differs between git and the workspace (read-only)");
    drift->add_option("--format", c.format, "Output format: text, json or markdown")
        ->check(CLI::IsMember({"text", "json", "markdown"}))->capture_default_str();
    drift->add_option("--agent", c.agents, "Only this agent (repeatable)");

    auto* exp = app.add_subcommand("export", "Write the live agents as YAML documents (DIR/agents/<slug>.yaml)");
    exp->add_option("--out-dir", c.out_dir, "Directory to write into")->required();
    exp->add_option("--agent", c.agents, "Only this live agent (repeatable)");

    auto* init = app.add_subcommand("init", "Start an agents repository in DIR: reconcile.yaml, an example agent, "
                                            "the schema for editors and CI workflows");
    init->add_option("dir", c.init_dir, "Directory to write into (default: --repo, the current directory)");
    init->add_option("--ci", c.init_ci, "CI workflows to write: github, gitlab or none")
        ->check(CLI::IsMember({"github", "gitlab", "none"}))->capture_default_str();

    auto* version = app.add_subcommand("version", "Print the version and the libraries of this build");

    // Every command's --help lists the global options too, and ends with an example.
    const std::string globals = global_options_help(app);
    const std::pair<CLI::App*, std::string_view> examples[] = {
        {validate, "reconcile validate --strict"},
        {plan, "reconcile plan --out plan.json        then: reconcile apply plan.json"},
        {apply, "reconcile apply plan.json --auto-approve"},
        {drift, "reconcile drift --format markdown     (exit 2 when the workspace drifted)"},
        {exp, "reconcile export --out-dir exported --agent \"Reception\""},
        {init, "reconcile init my-agents && cd my-agents && reconcile validate"},
        {version, "reconcile version"},
    };
    for (const auto& [sub, example] : examples) sub->footer(globals + "\nExample:\n  " + std::string(example) + "\n");
    app.footer("Example:\n  reconcile validate && reconcile plan --out plan.json && reconcile apply plan.json\n"
               "Run `reconcile COMMAND --help` for a command's options.\n");

    // `reconcile help [COMMAND]` is `reconcile [COMMAND] --help`.
    if (argc >= 2 && std::string_view(argv[1]) == "help") {
        CLI::App* about = &app;
        if (argc >= 3) {
            for (CLI::App* sub : app.get_subcommands({}))
                if (sub->get_name() == argv[2]) about = sub;
        }
        console.out(about == &app ? app.help() : about->help("reconcile"));
        return kExitOk;
    }

    // A mistyped command is named, with the nearest command when one is close.
    if (auto word = command_word(app, argc, argv)) {
        std::vector<std::string> names;
        for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
        if (std::find(names.begin(), names.end(), *word) == names.end()) {
            std::string msg = "unknown command \"" + *word + "\"";
            if (auto near = nearest_name(*word, names); !near.empty()) msg += "; did you mean \"" + near + "\"?";
            else {
                msg += "; the commands are ";
                for (std::size_t i = 0; i < names.size(); ++i) msg += (i ? ", " : "") + names[i];
            }
            console.error(msg + "\nRun `reconcile --help` for usage.");
            return kExitError;  // as every usage error: 2 is reserved for "changes"
        }
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? kExitOk : kExitError;  // 2 is reserved for "changes"
    }

    console.color = use_color(g);
    if (version->parsed()) {
        console.out(version_text());
        return kExitOk;
    }
    if (init->parsed()) return cmd_init(console, g, c);
    setup_logging(g, console.redactor);
    install_interrupt_handlers();

    if (c.prune && !c.agents.empty()) {
        console.error("--prune deletes every agent no document manages; it cannot be combined with --agent");
        return kExitError;
    }
    if (c.prune && !c.plan_file.empty()) {
        console.error("--prune belongs to the plan: make the plan with `reconcile plan --prune --out FILE`");
        return kExitError;
    }
    try {
        if (validate->parsed()) return cmd_validate(console, g, c);
        if (plan->parsed()) return cmd_plan(console, g, c);
        if (drift->parsed()) return cmd_drift(console, g, c);
        if (exp->parsed()) return cmd_export(console, g, c);
        if (apply->parsed()) {
            if (!c.plan_file.empty() && !c.agents.empty()) {
                console.error("--agent cannot narrow a saved plan; make a new plan with --agent instead");
                return kExitError;
            }
            return cmd_apply(console, g, c);
        }
    } catch (const std::exception& e) {
        console.error(std::string("internal error: ") + e.what());
        return kExitError;
    }
    return kExitError;
}

}  // namespace reconcile
