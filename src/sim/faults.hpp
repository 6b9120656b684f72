#pragma once
// Fault injection rules for the simulator (set with POST /_sim/faults).
//
// A rule: {"method": "PATCH" | "*", "path_prefix": "/api/v1/agents", "times": N, "action": ...}
// Actions: status, latency, drop_after_commit, drop_before, stall, malformed_json,
// wrong_content_type, rate_limit. Rules are tried in order; the first matching rule with
// remaining "times" applies (a rate_limit rule that lets a request through passes it on to the
// rules after it).
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim_state.hpp"

namespace mihu_sim {

enum class FaultAction {
    Status,
    Latency,
    DropAfterCommit,
    DropBefore,
    Stall,
    MalformedJson,
    WrongContentType,
    RateLimit,
};

std::string_view to_string(FaultAction a);
std::optional<FaultAction> parse_fault_action(std::string_view name);

struct FaultRule {
    std::string method = "*";
    std::string path_prefix;             // matched against the path (no query string)
    std::optional<std::int64_t> times;   // nullopt = unlimited
    FaultAction action = FaultAction::Status;
    int status = 503;                    // status
    std::optional<std::string> retry_after_value;  // status: Retry-After header value
    std::optional<json::value> body;     // status: response body (object/array or raw string)
    int ms = 0;                          // latency, stall
    double per_second = 1.0;             // rate_limit
    bool retry_after = false;            // rate_limit: send Retry-After

    json::object to_json() const;
};

std::expected<FaultRule, std::string> parse_fault_rule(const json::value& v);

// What the server must do for one API request.
struct FaultDecision {
    FaultAction action;
    int ms = 0;
    // For actions answered without touching state (status, rate_limit, wrong_content_type).
    std::optional<HttpResponse> response;
};

class FaultEngine {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    explicit FaultEngine(Clock clock = [] { return std::chrono::steady_clock::now(); });

    // Replaces the rules with {"faults": [rule...]} (or a bare array).
    std::expected<std::size_t, std::string> set_rules(const json::value& doc);
    void clear();
    json::array rules_json() const;

    // Consumes one "times" slot / one rate token of the rule that applies, if any.
    std::optional<FaultDecision> decide(std::string_view method, std::string_view path);

private:
    struct Active {
        FaultRule rule;
        std::int64_t used = 0;
        double tokens = 0;
        std::chrono::steady_clock::time_point last{};
        bool started = false;
    };
    Clock clock_;
    std::vector<Active> rules_;
};

// Cuts a JSON text so that it no longer parses.
std::string truncate_json(std::string_view body);

}  // namespace mihu_sim
