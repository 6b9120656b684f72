#pragma once
// Command-line options shared by the commands, and the exit codes.
#include <string>
#include <vector>

namespace reconcile::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitChanges = 2;
inline constexpr int kExitInterrupted = 130;

struct GlobalOptions {
    std::string repo = ".";
    std::string env;  // --env: an environment of reconcile.yaml (default: $RECONCILE_ENV)
    std::string api_url;
    std::string token_file;
    std::string ca_file;
    int verbosity = 0;
    std::string log_level;
    bool no_color = false;
    std::string color = "auto";  // always, never, auto (a terminal, TERM not dumb, NO_COLOR unset)
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
    bool prune = false;              // plan/apply: delete live agents no document manages
    bool allow_mass_delete = false;  // ... even more than 30% of a workspace
    std::string out_file;
    std::string format = "text";
    std::vector<std::string> agents;
    std::string plan_file;
    std::string out_dir;
    std::string init_dir;           // init: where to write (default: the current directory)
    std::string init_ci = "github";  // init: github, gitlab or none
};

}  // namespace reconcile::cli
