#pragma once
// The Mihu agents API over HTTPS: the AgentApi port implemented with an HttpTransport, the
// envelope parser and pagination.
#include <string>

#include "reconcile/apply/agent_api.hpp"
#include "reconcile/remote/https_transport.hpp"

namespace reconcile {

class Retrier;  // reconcile/remote/retry.hpp

class HttpAgentApi final : public AgentApi {
public:
    // per_page is 100, the API's maximum. With a retrier, every HTTP request (each page of a
    // listing on its own) is retried and paced by it; it may be shared by all workers.
    HttpAgentApi(HttpTransport& transport, Retrier* retrier = nullptr, int per_page = 100);
    ApiResult<std::vector<LiveAgent>> list_agents() override;
    ApiResult<std::vector<PhoneNumber>> list_phone_numbers() override;
    ApiResult<json::value> send(const HttpCall& call) override;

private:
    ApiResult<json::value> call(const std::string& method, const std::string& path, const json::value* body);
    HttpTransport& transport_;
    Retrier* retrier_;
    int per_page_;
};

}  // namespace reconcile
