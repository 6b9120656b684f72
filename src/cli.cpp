#include "reconcile/cli.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "reconcile/agent_api.hpp"
#include "reconcile/apply.hpp"
#include "reconcile/drift.hpp"
#include "reconcile/export.hpp"
#include "reconcile/http_client.hpp"
#include "reconcile/loader.hpp"
#include "reconcile/planner.hpp"
#include "reconcile/redact.hpp"
#include "reconcile/render.hpp"
#include "reconcile/render_markdown.hpp"
#include "reconcile/repository.hpp"
#include "reconcile/retry.hpp"
#include "reconcile/secrets.hpp"

namespace reconcile {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitChanges = 2;
constexpr int kExitInterrupted = 130;

std::atomic<bool> g_cancel{false};

extern "C" void on_interrupt(int) { g_cancel.store(true); }

// Everything printed goes through the redactor: the token and ${env:} values never appear.
struct Console {
    Redactor redactor;
    bool color = false;
    void out(std::string_view text) {
        std::cout << redactor.apply(text);
        std::cout.flush();
    }
    void err(std::string_view text) {
        std::cerr << redactor.apply(text);
        std::cerr.flush();
    }
    void error(std::string_view message) { err("error: " + std::string(message) + "\n"); }
};

// spdlog sink that redacts before writing to stderr.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit RedactingSink(const Redactor& r) : redactor_(r) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(msg, formatted);
        std::cerr << redactor_.apply(std::string_view(formatted.data(), formatted.size()));
    }
    void flush_() override { std::cerr.flush(); }

private:
    const Redactor& redactor_;
};

struct GlobalOptions {
    std::string repo = ".";
    std::string api_url;
    std::string token_file;
    std::string ca_file;
    int verbosity = 0;
    std::string log_level;
    bool no_color = false;
    double timeout_s = 60;
    double connect_timeout_s = 10;
    int max_attempts = 5;
    double max_retry_time_s = 120;
    int parallelism = 4;
};

struct CommandOptions {
    bool strict = false;
    bool detailed_exitcode = false;
    bool auto_approve = false;
    std::string out_file;
    std::string format = "text";
    std::vector<std::string> agents;
    std::string plan_file;
    std::string out_dir;
};

std::optional<std::string> process_env(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
}

// Resolve the plan's ${env:} templates for execution; prints problems.
bool unseal(Console& console, Plan& plan, const std::string& key) {
    auto problems = unseal_secrets(plan, process_env, key);
    for (const auto& p : problems) console.error(p);
    if (!problems.empty()) console.err("Nothing was changed.\n");
    for (const auto& step : plan.steps)
        for (const auto& sec : step.secrets)
            if (auto* v = find_pointer(step.request.body, sec.pointer); v && v->is_string())
                console.redactor.add(v->get_string());
    return problems.empty();
}

// A connection setting: an empty variable counts as unset.
std::optional<std::string> env(const char* name) {
    auto v = process_env(name);
    if (v && v->empty()) return std::nullopt;
    return v;
}

std::string trim_copy(std::string s) {
    auto b = s.find_first_not_of(" \t\r\n");
    auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

void print_diagnostics(Console& console, const Diagnostics& diags) {
    for (const auto& d : diags) console.err(d.format() + "\n");
}

struct LoadedRepo {
    RepositoryFiles files;
    LoadResult loaded;
};

// Discover and load the repository. Returns nullopt (after printing) on errors.
std::optional<LoadedRepo> load_repo(Console& console, const GlobalOptions& g, bool unset_env_is_error,
                                    bool warnings_are_errors) {
    LoadedRepo repo;
    repo.files = discover_repository(std::filesystem::absolute(g.repo).lexically_normal());
    print_diagnostics(console, repo.files.diagnostics);
    if (has_errors(repo.files.diagnostics)) return std::nullopt;
    LoadOptions options;
    options.getenv = process_env;
    options.unset_env_is_error = unset_env_is_error;
    repo.loaded = load_files(repo.files.files, repo.files.config.root, Schema::agent(), options);
    for (const auto& s : repo.loaded.state.secret_values) console.redactor.add(s);
    print_diagnostics(console, repo.loaded.diagnostics);
    bool failed = has_errors(repo.loaded.diagnostics);
    if (warnings_are_errors && !repo.loaded.diagnostics.empty()) failed = true;
    if (failed) {
        std::size_t errors = 0, warnings = 0;
        for (const auto& d : repo.loaded.diagnostics) (d.severity == Severity::Error ? errors : warnings)++;
        console.err(std::to_string(errors) + " error(s), " + std::to_string(warnings) + " warning(s) in " +
                    std::to_string(repo.loaded.state.files.size()) + " file(s)\n");
        return std::nullopt;
    }
    return repo;
}

// Keep only the named agents; an unknown name is an error.
bool filter_agents(Console& console, DesiredState& state, const std::vector<std::string>& names) {
    if (names.empty()) return true;
    std::set<std::string> wanted(names.begin(), names.end());
    std::set<std::string> seen;
    std::vector<DesiredAgent> kept;
    for (auto& a : state.agents) {
        if (wanted.count(a.name)) {
            seen.insert(a.name);
            kept.push_back(std::move(a));
        }
    }
    bool ok = true;
    for (const auto& n : wanted) {
        if (!seen.count(n)) {
            console.error("--agent \"" + n + "\": no document in the repository defines an agent with that name");
            ok = false;
        }
    }
    state.agents = std::move(kept);
    return ok;
}

struct Connection {
    Endpoint endpoint;
    std::string token;  // also the key of secret fingerprints in plans
    TransportOptions transport_options;
    std::unique_ptr<AdaptiveRateLimiter> limiter;  // one request budget for the whole run
    std::unique_ptr<Retrier> retrier;
    std::vector<std::unique_ptr<HttpTransport>> transports;
    std::vector<std::unique_ptr<HttpAgentApi>> apis;  // one per worker; apis[0] for reads
    HttpAgentApi* api = nullptr;

    HttpAgentApi& add_worker() {
        transports.push_back(make_https_transport(transport_options));
        apis.push_back(std::make_unique<HttpAgentApi>(*transports.back(), endpoint.base_path));
        apis.back()->set_retrier(retrier.get());
        return *apis.back();
    }
    std::vector<AgentApi*> workers(int n) {
        while (static_cast<int>(apis.size()) < std::max(1, n)) add_worker();
        std::vector<AgentApi*> out;
        for (auto& a : apis) out.push_back(a.get());
        return out;
    }
};

std::optional<Connection> connect(Console& console, const GlobalOptions& g,
                                  const std::optional<std::string>& config_url) {
    std::string url = g.api_url;
    if (url.empty()) url = env("MIHU_API_URL").value_or("");
    if (url.empty() && config_url) url = *config_url;
    if (url.empty()) {
        console.error("no API URL: set MIHU_API_URL to the workspace URL (e.g. https://acme.mihu.ai) or pass --api-url");
        return std::nullopt;
    }
    auto endpoint = Endpoint::parse(url);
    if (!endpoint) {
        console.error("API URL \"" + url + "\": " + endpoint.error());
        return std::nullopt;
    }
    std::string token;
    if (!g.token_file.empty()) {
        std::ifstream in(g.token_file);
        if (!in) {
            console.error("--token-file " + g.token_file + ": cannot read the file");
            return std::nullopt;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        token = trim_copy(ss.str());
        if (token.empty()) {
            console.error("--token-file " + g.token_file + ": the file is empty");
            return std::nullopt;
        }
    } else {
        token = trim_copy(env("MIHU_API_TOKEN").value_or(""));
    }
    if (token.empty()) {
        console.error("no API token: set MIHU_API_TOKEN or pass --token-file FILE");
        return std::nullopt;
    }
    console.redactor.add(token);
    if (auto tls = check_tls_options(TlsOptions{g.ca_file}); !tls) {
        console.error(tls.error());
        return std::nullopt;
    }

    Connection c;
    c.endpoint = *endpoint;
    c.token = token;
    TransportOptions t;
    t.endpoint = *endpoint;
    t.tls.ca_file = g.ca_file;
    t.bearer_token = token;
    t.timeouts.connect = std::chrono::milliseconds(static_cast<long>(g.connect_timeout_s * 1000));
    t.timeouts.handshake = t.timeouts.connect;
    t.timeouts.request = std::chrono::milliseconds(static_cast<long>(g.timeout_s * 1000));
    c.transport_options = t;
    RetryPolicy policy;
    policy.max_attempts = g.max_attempts;
    policy.max_retry_time = std::chrono::milliseconds(static_cast<long>(g.max_retry_time_s * 1000));
    c.limiter = std::make_unique<AdaptiveRateLimiter>();
    c.retrier = std::make_unique<Retrier>(policy, c.limiter.get());
    c.api = &c.add_worker();
    return c;
}

std::optional<LiveState> fetch_live(Console& console, AgentApi& api, bool need_numbers) {
    LiveState live;
    auto agents = api.list_agents();
    if (!agents) {
        console.error(agents.error().describe());
        return std::nullopt;
    }
    live.agents = std::move(*agents);
    if (need_numbers) {
        auto numbers = api.list_phone_numbers();
        if (!numbers) {
            console.error(numbers.error().describe());
            return std::nullopt;
        }
        live.phone_numbers = std::move(*numbers);
        live.phone_numbers_loaded = true;
    }
    spdlog::info("read {} live agents{}", live.agents.size(),
                 need_numbers ? ", " + std::to_string(live.phone_numbers.size()) + " phone numbers" : "");
    return live;
}

bool write_file(Console& console, const std::string& path, const std::string& content) {
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            console.error("cannot write " + path);
            return false;
        }
        out << content;
        if (!out.flush()) {
            console.error("cannot write " + path);
            return false;
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        console.error("cannot write " + path);
        return false;
    }
    return true;
}

struct PlannedRun {
    LoadedRepo repo;
    Connection conn;
    Plan plan;
};

// validate + fetch + diff; prints errors. Used by plan and apply.
std::optional<PlannedRun> make_planned_run(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    auto repo = load_repo(console, g, /*unset_env_is_error=*/true, /*warnings_are_errors=*/false);
    if (!repo) return std::nullopt;
    if (!filter_agents(console, repo->loaded.state, c.agents)) return std::nullopt;
    auto conn = connect(console, g, repo->files.config.api_url);
    if (!conn) return std::nullopt;
    bool need_numbers = false;
    for (const auto& a : repo->loaded.state.agents) need_numbers |= a.call.has_value();
    auto live = fetch_live(console, *conn->api, need_numbers);
    if (!live) return std::nullopt;
    auto result = make_plan(repo->loaded.state, *live, Schema::agent());
    print_diagnostics(console, result.diagnostics);
    if (has_errors(result.diagnostics)) return std::nullopt;
    result.plan.api_url = conn->endpoint.url();
    result.plan.inputs_digest = repo->loaded.state.inputs_digest;
    // Printed and saved plans carry ${env:} templates, never the values.
    seal_secrets(result.plan, repo->loaded.state, conn->token);
    return PlannedRun{std::move(*repo), std::move(*conn), std::move(result.plan)};
}

int cmd_validate(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    // validate runs where secrets are not set (a pre-commit hook): unset variables warn.
    auto repo = load_repo(console, g, /*unset_env_is_error=*/false, c.strict);
    if (!repo) return kExitError;
    const auto& st = repo->loaded.state;
    console.out("Valid: " + std::to_string(st.agents.size()) + " agent(s) in " + std::to_string(st.files.size()) +
                " file(s).\n");
    return kExitOk;
}

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

bool confirm(Console& console) {
    if (!isatty(STDIN_FILENO)) {
        console.error("apply needs approval: pass --auto-approve, or run it on a terminal and answer yes");
        return false;
    }
    console.out("\nDo you want to perform these actions? Only 'yes' will be accepted.\n  Enter a value: ");
    std::string answer;
    std::getline(std::cin, answer);
    if (trim_copy(answer) != "yes") {
        console.out("Apply cancelled.\n");
        return false;
    }
    return true;
}

int execute(Console& console, const Plan& plan, Connection& conn, int parallelism) {
    ApplyOptions options;
    options.cancel = &g_cancel;
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

int cmd_drift(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    auto repo = load_repo(console, g, /*unset_env_is_error=*/true, /*warnings_are_errors=*/false);
    if (!repo) return kExitError;
    if (!filter_agents(console, repo->loaded.state, c.agents)) return kExitError;
    auto conn = connect(console, g, repo->files.config.api_url);
    if (!conn) return kExitError;
    bool need_numbers = false;
    for (const auto& a : repo->loaded.state.agents) need_numbers |= a.call.has_value();
    auto live = fetch_live(console, *conn->api, need_numbers);
    if (!live) return kExitError;
    auto report = detect_drift(repo->loaded.state, *live, Schema::agent());
    if (!c.agents.empty()) {
        // Targeted: report only the named agents, not every unmanaged one.
        std::set<std::string> wanted(c.agents.begin(), c.agents.end());
        std::erase_if(report.unmanaged, [&](const UnmanagedAgent& u) { return !wanted.count(u.name); });
    }
    print_diagnostics(console, report.diagnostics);
    if (has_errors(report.diagnostics)) return kExitError;
    if (c.format == "json") console.out(to_pretty_json(drift_to_json(report)));
    else if (c.format == "markdown") console.out(render_drift_markdown(report));
    else console.out(render_drift_text(report, DriftRenderOptions{}));
    return report.has_drift() ? kExitChanges : kExitOk;
}

int cmd_export(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    if (c.out_dir.empty()) {
        console.error("export needs --out-dir DIR");
        return kExitError;
    }
    std::optional<std::string> config_url;
    if (std::filesystem::exists(std::filesystem::path(g.repo) / "reconcile.yaml"))
        config_url = discover_repository(g.repo).config.api_url;
    auto conn = connect(console, g, config_url);
    if (!conn) return kExitError;
    auto live = fetch_live(console, *conn->api, /*need_numbers=*/true);
    if (!live) return kExitError;
    auto agents = live->agents;
    if (!c.agents.empty()) {
        std::set<std::string> wanted(c.agents.begin(), c.agents.end());
        std::set<std::string> found;
        std::erase_if(agents, [&](const LiveAgent& a) {
            if (!wanted.count(a.name)) return true;
            found.insert(a.name);
            return false;
        });
        bool ok = true;
        for (const auto& n : wanted) {
            if (!found.count(n)) {
                console.error("--agent \"" + n + "\": no live agent has that name");
                ok = false;
            }
        }
        if (!ok) return kExitError;
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path root(c.out_dir);
    fs::create_directories(root / "agents", ec);
    fs::create_directories(root / "schemas", ec);
    if (ec) {
        console.error("cannot create " + (root / "agents").string() + ": " + ec.message());
        return kExitError;
    }
    // The schema beside the export, so the editor line in each file resolves.
    if (!write_file(console, (root / "schemas" / "agent.schema.json").string(), std::string(Schema::agent_text())))
        return kExitError;
    auto files = plan_export_files(agents, live->phone_numbers, Schema::agent());
    for (const auto& f : files) {
        if (!write_file(console, (root / f.path).string(), f.document.yaml)) return kExitError;
        for (const auto& why : f.document.left_out)
            console.err("warning: " + f.path + ": left out " + why + "\n");
    }
    console.out("Exported " + std::to_string(files.size()) + " agent(s) to " + (root / "agents").string() + "\n");
    return kExitOk;
}

void setup_logging(const GlobalOptions& g, const Redactor& redactor) {
    auto sink = std::make_shared<RedactingSink>(redactor);
    auto logger = std::make_shared<spdlog::logger>("reconcile", sink);
    logger->set_pattern("%^%l%$: %v");
    auto level = spdlog::level::warn;
    if (g.verbosity == 1) level = spdlog::level::info;
    if (g.verbosity >= 2) level = spdlog::level::debug;
    if (!g.log_level.empty()) level = spdlog::level::from_str(g.log_level);
    logger->set_level(level);
    spdlog::set_default_logger(logger);
}

}  // namespace

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

    auto* validate = app.add_subcommand("validate", "Check every agent file offline (no token needed)");
    validate->add_flag("--strict", c.strict, "Treat warnings as errors");

    auto* plan = app.add_subcommand("plan", "Show what apply would change (sends only GET requests)");
    plan->add_flag("--detailed-exitcode", c.detailed_exitcode, "Exit 0 for no changes, 2 for changes, 1 for errors");
    plan->add_option("--out", c.out_file, "Save the plan as JSON for `reconcile apply FILE`");
    plan->add_option("--format", c.format, "Output format: text, json (the saved-plan document) or markdown (a PR comment)")
        ->check(CLI::IsMember({"text", "json", "markdown"}))->capture_default_str();
    plan->add_option("--agent", c.agents, "Only this agent (repeatable)");

    auto* apply = app.add_subcommand("apply", "Carry out the plan (or a saved plan FILE)");
    apply->add_option("plan_file", c.plan_file, "A plan saved with `reconcile plan --out FILE`");
    apply->add_flag("--auto-approve", c.auto_approve, "Do not ask for confirmation");
    apply->add_option("--agent", c.agents, "Only this agent (repeatable)");

    auto* drift = app.add_subcommand("drift", "Report what differs between git and the workspace (read-only)");
    drift->add_option("--format", c.format, "Output format: text, json or markdown")
        ->check(CLI::IsMember({"text", "json", "markdown"}))->capture_default_str();
    drift->add_option("--agent", c.agents, "Only this agent (repeatable)");

    auto* exp = app.add_subcommand("export", "Write the live agents as YAML documents (DIR/agents/<slug>.yaml)");
    exp->add_option("--out-dir", c.out_dir, "Directory to write into")->required();
    exp->add_option("--agent", c.agents, "Only this live agent (repeatable)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? kExitOk : kExitError;  // 2 is reserved for "changes"
    }

    console.color = !g.no_color && isatty(STDOUT_FILENO) && !env("NO_COLOR");
    setup_logging(g, console.redactor);
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);

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
