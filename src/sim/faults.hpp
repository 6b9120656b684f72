#pragma once
// Fault injection rules for the simulator (set with POST /_sim/faults).
//
// A rule: {"method": "PATCH" | "*", "path_prefix": "/api/v1/agents", "times": N, "action": ...}
// Actions and their options:
//   status              "status": 503, "retry_after": "2" (header value), "body": {...} or "raw"
//   latency             "ms": 700 (the request is then handled normally)
//   drop_after_commit   apply the request, then close the connection without answering
//   drop_before         close the connection without applying or answering
//   stall               "ms": 30000: hold the connection without answering, then close it
//   malformed_json      apply the request, answer 200 with truncated JSON
//   wrong_content_type  answer 200 with an HTML page
//   rate_limit          token bucket (see rate_limit.hpp): "per_second": 50 (refill rate,
//                       required), "burst": 5 (bucket size; default max(1, per_second)),
//                       "headers": true (X-RateLimit-Limit/-Remaining on every response it
//                       paces, default true), "retry_after": true (Retry-After on its 429s,
//                       default false)
// Rules are tried in order; the first matching rule with remaining "times" applies (a rate_limit
// rule that lets a request through passes it on to the rules after it, and its headers go on
// whatever response is then sent).
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_types.hpp"
#include "rate_limit.hpp"

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
    RateLimitOptions rate;               // rate_limit

    json::object to_json() const;
};

std::expected<FaultRule, std::string> parse_fault_rule(const json::value& v);

// What the server must do for one API request.
struct FaultDecision {
    std::optional<FaultAction> action;  // nullopt: no fault, handle the request normally
    int ms = 0;
    // For actions answered without touching state (status, rate_limit, wrong_content_type).
    std::optional<HttpResponse> response;
    // Headers for whatever response is sent (a rate_limit rule's X-RateLimit-*, Retry-After).
    Headers headers;
};

class FaultEngine {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    explicit FaultEngine(Clock clock = [] { return std::chrono::steady_clock::now(); });

    // Replaces the rules with {"faults": [rule...]} (or a bare array).
    std::expected<std::size_t, std::string> set_rules(const json::value& doc);
    void clear();
    json::array rules_json() const;

    // Consumes one "times" slot / one rate token of each rule it passes through.
    FaultDecision decide(std::string_view method, std::string_view path);

private:
    struct Active {
        FaultRule rule;
        std::int64_t used = 0;
        TokenBucket bucket;
    };
    Clock clock_;
    std::vector<Active> rules_;
};

// Cuts a JSON text so that it no longer parses.
std::string truncate_json(std::string_view body);

}  // namespace mihu_sim
