#pragma once
// The Mihu agents API as the reconciler uses it, behind a small interface so that apply and
// the CLI can be tested with any implementation. HttpAgentApi is the real one.
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "reconcile/http_client.hpp"
#include "reconcile/live_state.hpp"

namespace reconcile {

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
    std::optional<TransportError::Kind> transport_kind;  // set when kind == Transport
    int attempts = 1;          // how many times the request was sent (retries included)
    // One line, never the token: "PATCH /api/v1/agents/x: HTTP 422 VALIDATION_ERROR
    // (field name): The given data was invalid."
    std::string describe() const;
};

template <class T>
using ApiResult = std::expected<T, ApiError>;

struct ProvisionResult {
    bool success = false;
    std::string message;
    std::string call_setting_uuid;
};

class AgentApi {
public:
    virtual ~AgentApi() = default;
    virtual ApiResult<std::vector<LiveAgent>> list_agents() = 0;          // every page
    virtual ApiResult<std::vector<PhoneNumber>> list_phone_numbers() = 0; // every page
    virtual ApiResult<LiveAgent> get_agent(const std::string& uuid) = 0;
    virtual ApiResult<LiveAgent> create_agent(const json::object& body) = 0;
    virtual ApiResult<LiveAgent> patch_agent(const std::string& uuid, const json::object& body) = 0;
    virtual ApiResult<ProvisionResult> provision_call(const std::string& agent_uuid,
                                                      const std::string& phone_number_uuid) = 0;
    // Request counters, for reports.
    virtual std::size_t requests_sent() const = 0;
};

class Retrier;  // reconcile/retry.hpp

class HttpAgentApi final : public AgentApi {
public:
    // per_page is 100, the API's maximum.
    HttpAgentApi(HttpTransport& transport, std::string base_path = "/api/v1", int per_page = 100);
    ApiResult<std::vector<LiveAgent>> list_agents() override;
    ApiResult<std::vector<PhoneNumber>> list_phone_numbers() override;
    ApiResult<LiveAgent> get_agent(const std::string& uuid) override;
    ApiResult<LiveAgent> create_agent(const json::object& body) override;
    ApiResult<LiveAgent> patch_agent(const std::string& uuid, const json::object& body) override;
    ApiResult<ProvisionResult> provision_call(const std::string& agent_uuid,
                                              const std::string& phone_number_uuid) override;
    std::size_t requests_sent() const override { return requests_; }

    // Optional: retry and pace every HTTP request (each page of a listing on its own) with
    // this retrier, which may be shared by all workers. Without one, each request is sent once.
    void set_retrier(Retrier* retrier) { retrier_ = retrier; }

private:
    ApiResult<json::value> call(const std::string& method, const std::string& path,
                                const json::value* body);
    HttpTransport& transport_;
    std::string base_;
    int per_page_;
    std::size_t requests_ = 0;
    Retrier* retrier_ = nullptr;
};

// Parses an API envelope: returns `data` on 2xx, or an ApiError built from
// {success:false, message, error:{code, details, field}} (or a Malformed error).
ApiResult<json::value> parse_envelope(const std::string& method, const std::string& path,
                                      const HttpResponse& response);

}  // namespace reconcile
