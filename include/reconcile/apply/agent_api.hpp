#pragma once
// The port through which apply (and the commands) reach the Mihu workspace: a small interface,
// so apply can be tested with any implementation. remote/http_agent_api.hpp is the real one.
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/model/live_state.hpp"
#include "reconcile/model/plan.hpp"

namespace reconcile {

// Why a request got no HTTP answer.
// Cancelled: the run was interrupted (Ctrl-C) before an answer came.
enum class NetworkFailure { Resolve, Connect, Tls, Timeout, Reset, Protocol, TooLarge, Cancelled };

struct ApiError {
    enum class Kind { Transport, Http, Malformed, Auth };
    Kind kind = Kind::Http;
    std::string method;
    std::string path;          // e.g. "/api/v1/agents/abc"
    unsigned status = 0;       // 0 for transport errors
    std::string message;       // the API's `message`, or the transport's description
    std::string code;          // error.code
    std::string field;         // error.field
    bool maybe_committed = false;  // a write whose outcome is unknown (response lost)
    std::string details;       // error.details (or the first Laravel `errors` entry), if any
    std::optional<std::string> retry_after;  // the response's Retry-After header, raw
    std::optional<NetworkFailure> network;   // set when kind == Transport
    int attempts = 1;          // how many times the request was sent (retries included)
    // One line, never the token: "PATCH /api/v1/agents/x: HTTP 422 VALIDATION_ERROR
    // (field name): The given data was invalid."
    std::string describe() const;
};

// "not found" for 404, "too many requests" for 429...
std::string_view http_status_reason(unsigned status);

template <class T>
using ApiResult = std::expected<T, ApiError>;

class AgentApi {
public:
    virtual ~AgentApi() = default;
    virtual ApiResult<std::vector<LiveAgent>> list_agents() = 0;          // every page
    virtual ApiResult<std::vector<PhoneNumber>> list_phone_numbers() = 0; // every page
    // Sends one request exactly as a plan step records it (method, path under the API base,
    // body) and returns the response's `data`.
    virtual ApiResult<json::value> send(const HttpCall& call) = 0;
};

// The agent a create or update answered with (`data`, or `data.agent`). A 2xx whose data is not
// an agent is a Malformed error marked maybe_committed: the write happened.
ApiResult<LiveAgent> answered_agent(const HttpCall& call, const json::value& data);

// The provision endpoint's `data.provisioning` block.
struct ProvisionResult {
    bool reported = false;     // the answer had a `provisioning` block
    bool success = false;      // provisioning.success
    std::string message;
    std::string call_setting_uuid;
};
ProvisionResult provision_result(const json::value& data);

}  // namespace reconcile
