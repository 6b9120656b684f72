#include "workspace.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <functional>
#include <sstream>
#include <thread>

#include "interrupts.hpp"

#include "reconcile/config/parallel_for.hpp"
#include "reconcile/config/process_env.hpp"
#include "reconcile/engine/planner.hpp"
#include "reconcile/engine/secrets.hpp"
#include "reconcile/engine/validate.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile::cli {

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

// The schema's value constraints (ranges, lengths, patterns, language and time zone names) and
// undocumented fields, added to the loader's diagnostics so every command reports them alike.
void check_values(LoadResult& loaded) {
    auto found = check_constraints(loaded.state, Schema::agent());
    loaded.diagnostics.insert(loaded.diagnostics.end(), found.begin(), found.end());
}

std::optional<std::string> requested_environment(const GlobalOptions& g) {
    if (!g.env.empty()) return g.env;
    return process_setting("RECONCILE_ENV");
}

bool require_environment(Console& console, const GlobalOptions& g) {
    if (requested_environment(g)) return true;
    auto files = read_repository_config(std::filesystem::absolute(g.repo).lexically_normal());
    if (files.config.environments.empty()) return true;
    console.error("reconcile.yaml declares environments (" + environment_names(files.config.environments) +
                  "): choose one with --env NAME (or RECONCILE_ENV=NAME)");
    return false;
}

namespace {

void tag_diagnostics(Diagnostics& diags, const std::string& environment) {
    for (auto& d : diags) d.message += " [environment " + environment + "]";
}

RepoScope scope_of(const GlobalOptions& g, const RepoScope* scope) {
    if (scope) return *scope;
    return RepoScope{requested_environment(g), false};
}

}  // namespace

std::optional<RepositoryFiles> discover_repo(Console& console, const GlobalOptions& g, const RepoScope* scope_in) {
    const RepoScope scope = scope_of(g, scope_in);
    const auto& environment = scope.environment;
    auto files = discover_repository(std::filesystem::absolute(g.repo).lexically_normal(), environment);
    if (scope.tag && environment) tag_diagnostics(files.diagnostics, *environment);
    print_diagnostics(console, files.diagnostics);
    if (has_errors(files.diagnostics)) return std::nullopt;
    // An empty result is never a silent success: a wrong --repo or glob would otherwise plan
    // "No changes" (or, with --prune, delete the workspace).
    std::error_code ec;
    if (!std::filesystem::is_directory(files.config.root, ec)) {
        console.error("--repo " + g.repo + ": no such directory");
        return std::nullopt;
    }
    if (files.files.empty()) {
        std::string globs;
        for (const auto& p : files.config.include) globs += (globs.empty() ? "" : ", ") + p;
        console.error("no agent files under " + g.repo + (environment ? " for environment " + *environment : "") +
                      "; include globs: " + globs);
        return std::nullopt;
    }
    return files;
}

std::optional<LoadedRepo> load_repo(Console& console, const GlobalOptions& g, bool unset_env_is_error,
                                    bool warnings_are_errors, const RepoScope* scope) {
    auto files = discover_repo(console, g, scope);
    if (!files) return std::nullopt;
    return load_documents(console, std::move(*files), unset_env_is_error, warnings_are_errors, scope_of(g, scope));
}

std::optional<LoadedRepo> load_documents(Console& console, RepositoryFiles files, bool unset_env_is_error,
                                         bool warnings_are_errors, const RepoScope& scope) {
    const auto& environment = scope.environment;
    const bool tag = scope.tag && environment;
    LoadedRepo repo;
    repo.files = std::move(files);
    LoadOptions options;
    options.environment = repo.files.config.environment;
    if (environment)
        spdlog::info("environment {}: {} agent file(s)", *environment, repo.files.files.size());
    options.getenv = process_env;
    options.unset_env_is_error = unset_env_is_error;
    options.api_token = std::string(php_trim(process_setting("MIHU_API_TOKEN").value_or("")));
    repo.loaded = load_files(repo.files.files, repo.files.config.root, Schema::agent(), options);
    check_values(repo.loaded);
    spdlog::debug("documents: {} file(s) loaded and checked", repo.files.files.size());
    if (tag) tag_diagnostics(repo.loaded.diagnostics, *environment);
    for (const auto& s : repo.loaded.state.secret_values) console.redactor.add(s.reveal());
    print_diagnostics(console, repo.loaded.diagnostics);
    bool failed = has_errors(repo.loaded.diagnostics);
    if (warnings_are_errors && !repo.loaded.diagnostics.empty()) failed = true;
    if (failed) {
        std::size_t errors = 0, warnings = 0;
        for (const auto& d : repo.loaded.diagnostics) (d.severity == Severity::Error ? errors : warnings)++;
        console.err(std::to_string(errors) + " error(s), " + std::to_string(warnings) + " warning(s) in " +
                    std::to_string(repo.loaded.state.files.size()) + " file(s)" +
                    (environment ? " (environment " + *environment + ")" : std::string()) + "\n");
        return std::nullopt;
    }
    if (repo.loaded.state.agents.empty()) {
        console.error("no agent documents in the " + std::to_string(repo.files.files.size()) +
                      " agent file(s) under " + repo.files.config.root.string() + " (every document is empty)");
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

// The workspace the token goes to. A URL given outside the repository (--api-url, MIHU_API_URL)
// is the operator's word. A URL written in the repository comes from whoever wrote the pull
// request, so on its own it receives the token only when it is an official *.mihu.ai workspace.
std::optional<Endpoint> choose_endpoint(Console& console, const GlobalOptions& g,
                                        const std::optional<std::string>& config_url) {
    std::string url = g.api_url;
    if (url.empty()) url = process_setting("MIHU_API_URL").value_or("");
    const bool from_repository = url.empty() && config_url;
    if (from_repository) url = *config_url;
    if (url.empty()) {
        console.error("no API URL: set MIHU_API_URL to the workspace URL (e.g. https://acme.mihu.ai) or pass --api-url");
        return std::nullopt;
    }
    auto endpoint = Endpoint::parse(url);
    if (!endpoint) {
        console.error("API URL \"" + url + "\"" + (from_repository ? " (api_url in reconcile.yaml)" : "") + ": " +
                      endpoint.error());
        return std::nullopt;
    }
    if (from_repository && !endpoint->official_workspace()) {
        console.error("the API URL " + endpoint->url() +
                      " comes only from reconcile.yaml, which anyone who can open a pull request can edit; the API "
                      "token is sent there only when the same URL is also given outside the repository, or when it "
                      "is a https://<workspace>.mihu.ai address. To allow it, set MIHU_API_URL=" + endpoint->url() +
                      " or pass --api-url " + endpoint->url());
        return std::nullopt;
    }
    if (!from_repository && config_url) {
        if (auto repo = Endpoint::parse(*config_url); repo && repo->url() != endpoint->url())
            spdlog::warn("api_url in reconcile.yaml ({}) is not used: {} comes from outside the repository",
                         repo->url(), endpoint->url());
    }
    return std::move(*endpoint);
}

std::optional<Connection> connect(Console& console, const GlobalOptions& g,
                                  const std::optional<std::string>& config_url) {
    auto endpoint = choose_endpoint(console, g, config_url);
    if (!endpoint) return std::nullopt;
    std::string token;
    if (!g.token_file.empty()) {
        std::ifstream in(g.token_file);
        if (!in) {
            console.error("--token-file " + g.token_file + ": cannot read the file");
            return std::nullopt;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        token = std::string(php_trim(ss.str()));
        if (token.empty()) {
            console.error("--token-file " + g.token_file + ": the file is empty");
            return std::nullopt;
        }
    } else {
        token = std::string(php_trim(process_setting("MIHU_API_TOKEN").value_or("")));
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
    t.cancel = &interrupt_flag();
    c.transport_options = t;
    c.read_connections = g.connections;
    RetryPolicy policy;
    policy.max_attempts = g.max_attempts;
    policy.max_retry_time = std::chrono::milliseconds(static_cast<long>(g.max_retry_time_s * 1000));
    c.limiter = std::make_unique<AdaptiveRateLimiter>();
    c.retrier = std::make_unique<Retrier>(policy, c.limiter.get());
    c.retrier->set_cancel(&interrupt_flag());
    c.api = &c.add_worker();
    return c;
}

std::optional<LiveState> fetch_live(Console& console, Connection& conn, bool need_numbers,
                                    std::optional<ApiResult<std::vector<LiveAgent>>> prefetched) {
    // Up to read_connections kept-alive connections (each one TLS handshake, reused by apply's
    // workers afterwards): with numbers, one lists them while the others list the agents.
    const int connections = std::max(1, conn.read_connections);
    auto workers = conn.workers(connections);
    if (prefetched) {
        // The agents were read already (while the documents loaded): only the numbers are left.
        if (!*prefetched) {
            console.error(prefetched->error().describe());
            return std::nullopt;
        }
        LiveState live;
        live.agents = std::move(**prefetched);
        if (need_numbers) {
            // Their pages over the same connections, as the agents'.
            std::vector<HttpTransport*> extra;
            for (std::size_t i = 1; i < conn.transports.size() && i < static_cast<std::size_t>(connections); ++i)
                extra.push_back(conn.transports[i].get());
            conn.apis[0]->set_read_connections(extra);
            auto numbers = conn.apis[0]->list_phone_numbers();
            conn.apis[0]->set_read_connections({});
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
    const bool numbers_aside = need_numbers && connections >= 2;
    std::vector<HttpTransport*> extra;
    for (std::size_t i = numbers_aside ? 2 : 1; i < conn.transports.size() && i < static_cast<std::size_t>(connections); ++i)
        extra.push_back(conn.transports[i].get());
    conn.apis[0]->set_read_connections(extra);

    std::optional<ApiResult<std::vector<PhoneNumber>>> numbers;
    std::thread numbers_reader;
    if (numbers_aside) numbers_reader = std::thread([&] { numbers = workers[1]->list_phone_numbers(); });
    auto agents = conn.apis[0]->list_agents();
    if (numbers_reader.joinable()) numbers_reader.join();
    conn.apis[0]->set_read_connections({});
    if (!agents) {
        console.error(agents.error().describe());
        return std::nullopt;
    }
    LiveState live;
    live.agents = std::move(*agents);
    if (need_numbers) {
        if (!numbers) numbers = conn.apis[0]->list_phone_numbers();
        if (!*numbers) {
            console.error(numbers->error().describe());
            return std::nullopt;
        }
        live.phone_numbers = std::move(**numbers);
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

// validate + fetch + diff; prints errors. Used by plan and apply.
std::optional<LiveAgents> read_agents_while(Console& console, const GlobalOptions& g,
                                           const RepositoryFiles& files, std::optional<Connection>& conn,
                                           const std::function<void()>& work) {
    conn = connect(console, g, files.config.api_url);
    if (!conn) {
        work();  // its problems are reported too
        return std::nullopt;
    }
    // Read the live agents while `work` (loading the documents) runs: the two do not depend on
    // each other, and at fleet size each takes seconds.
    auto& c = *conn;
    std::vector<HttpTransport*> extra;
    c.workers(std::max(1, c.read_connections));
    for (std::size_t i = 1; i < c.transports.size() && i < static_cast<std::size_t>(c.read_connections); ++i)
        extra.push_back(c.transports[i].get());
    c.apis[0]->set_read_connections(extra);
    LiveAgents agents;
    std::thread reader([&] {
        agents = c.apis[0]->list_agents();
        spdlog::debug("live agents: listing done");
    });
    work();
    reader.join();
    c.apis[0]->set_read_connections({});
    return agents;
}

std::optional<PlannedRun> make_planned_run(Console& console, const GlobalOptions& g, const CommandOptions& c) {
    if (!require_environment(console, g)) return std::nullopt;
    auto files = discover_repo(console, g);
    if (!files) return std::nullopt;
    std::optional<Connection> conn;
    std::optional<LoadedRepo> repo;
    auto agents = read_agents_while(console, g, *files, conn, [&] {
        repo = load_documents(console, std::move(*files), /*unset_env_is_error=*/true, /*warnings_are_errors=*/false,
                              RepoScope{requested_environment(g), false});
    });
    if (!repo || !agents) return std::nullopt;
    if (!filter_agents(console, repo->loaded.state, c.agents)) return std::nullopt;
    bool need_numbers = false;
    for (const auto& a : repo->loaded.state.agents) need_numbers |= a.call.has_value();
    auto live = fetch_live(console, *conn, need_numbers, std::move(agents));
    if (!live) return std::nullopt;
    if (!c.shard.whole()) spdlog::info("shard {}: planning only the agents whose name hashes to it", c.shard.text());
    PlanOptions options;
    options.secret_key = conn->token;
    options.prune = c.prune;
    options.allow_mass_delete = c.allow_mass_delete;
    options.prune_ignore = repo->files.config.prune_ignore;
    options.ignore_fields = repo->files.config.ignore_fields;
    options.shard = c.shard;
    options.for_each_index = [](std::size_t count, const std::function<void(std::size_t)>& job) {
        parallel_for(count, 0, job);
    };
    auto result = make_plan(repo->loaded.state, *live, Schema::agent(), options);
    spdlog::debug("plan: {} step(s), {} agent(s) unchanged", result.plan.steps.size(), result.plan.unchanged_agents.size());
    print_diagnostics(console, result.diagnostics);
    if (has_errors(result.diagnostics)) return std::nullopt;
    result.plan.api_url = conn->endpoint.url();
    result.plan.inputs_digest = repo->loaded.state.inputs_digest;
    return PlannedRun{std::move(*repo), std::move(*conn), std::move(result.plan)};
}


}  // namespace reconcile::cli
