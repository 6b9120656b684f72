#pragma once
// What the commands share: loading the repository, connecting to the workspace, reading the
// live state, planning, writing files.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "console.hpp"
#include "options.hpp"
#include "reconcile/config/loader.hpp"
#include "reconcile/config/repository.hpp"
#include "reconcile/remote/http_agent_api.hpp"
#include "reconcile/remote/retry.hpp"

namespace reconcile::cli {

struct LoadedRepo {
    RepositoryFiles files;
    LoadResult loaded;
};

// The environment named by --env, else by RECONCILE_ENV; nullopt when neither names one.
std::optional<std::string> requested_environment(const GlobalOptions& g);

// In a repository whose reconcile.yaml declares environments, plan, apply, drift and export
// work on one: false (after printing the choices) when none is named.
bool require_environment(Console& console, const GlobalOptions& g);

// Which environment load_repo works on, when not the requested one; `tag` adds its name to
// every diagnostic (validate checks every environment in one run).
struct RepoScope {
    std::optional<std::string> environment;
    bool tag = false;
};

// Discover and load the repository. Returns nullopt (after printing) on errors.
std::optional<LoadedRepo> load_repo(Console& console, const GlobalOptions& g, bool unset_env_is_error,
                                    bool warnings_are_errors, const RepoScope* scope = nullptr);

// Keep only the named agents; an unknown name is an error.
bool filter_agents(Console& console, DesiredState& state, const std::vector<std::string>& names);

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
        apis.push_back(std::make_unique<HttpAgentApi>(*transports.back(), retrier.get()));
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
                                  const std::optional<std::string>& config_url);

std::optional<LiveState> fetch_live(Console& console, AgentApi& api, bool need_numbers);

// Writes `content` to `path` through a temporary file and a rename.
bool write_file(Console& console, const std::string& path, const std::string& content);

// Resolve the plan's ${env:} templates for execution; prints problems.
bool unseal(Console& console, Plan& plan, const std::string& key);

struct PlannedRun {
    LoadedRepo repo;
    Connection conn;
    Plan plan;
};

// validate + fetch + diff; prints errors. Used by plan and apply.
std::optional<PlannedRun> make_planned_run(Console& console, const GlobalOptions& g, const CommandOptions& c);

}  // namespace reconcile::cli
