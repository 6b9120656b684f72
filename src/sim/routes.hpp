#pragma once
// The simulated API: authentication, then one handler per endpoint under /api/v1:
//
//   GET    /agents?page&per_page          list (Laravel paging, per_page <= 100)
//   POST   /agents                        create (contract-validated; defaults filled)
//   GET    /agents/{uuid}                 one agent
//   PATCH  /agents/{uuid}                 update (name required; settings deep-merge;
//                                         collections and appointments replaced)
//   DELETE /agents/{uuid}                 delete; the agent's number bindings are released
//   POST   /agents/{uuid}/channels/call/provision   bind a number's call channel
//   GET    /phone-numbers?page&per_page   numbers with their channel bindings
//
// No sockets, no wall clock, no randomness: everything is a function of the seed document and the
// requests received, so tests are reproducible.
#include <boost/json.hpp>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract.hpp"
#include "http_types.hpp"
#include "store.hpp"

namespace mihu_sim {

class SimApi {
public:
    explicit SimApi(std::string token = "sim-token",
                    const Contract& contract = Contract::embedded());

    // Replaces the whole workspace with a seed document (see seed.hpp). On error the state is
    // left unchanged.
    std::expected<void, std::string> load_seed(const json::value& seed);

    // Handles one request under /api/v1 (including authentication).
    HttpResponse handle(const HttpRequest& req);

    // {"agents": [full agents], "phone_numbers": [full phone numbers]}, as text and as a value.
    std::string dump_text() const;
    json::value dump() const;

    // Full rendering of one agent, or nullopt.
    std::optional<json::object> agent(std::string_view uuid) const;
    std::size_t agent_count() const { return store_.agent_count(); }
    const Store& store() const { return store_; }
    const std::string& token() const { return token_; }

private:
    std::string token_;
    const Contract* contract_;
    Store store_;

    std::optional<HttpResponse> refuse_unauthenticated(const HttpRequest& req) const;
    HttpResponse route(const std::vector<std::string_view>& segs, const HttpRequest& req);
    // The body parsed, trimmed and checked against `spec`; the 400/422 response otherwise.
    std::expected<json::object, HttpResponse> valid_body(const HttpRequest& req,
                                                         const FieldSpec& spec) const;

    HttpResponse list_agents(const HttpRequest& req) const;
    HttpResponse get_agent(std::string_view uuid) const;
    HttpResponse create_agent(const HttpRequest& req);
    HttpResponse update_agent(std::string_view uuid, const HttpRequest& req);
    HttpResponse delete_agent(std::string_view uuid);
    HttpResponse list_numbers(const HttpRequest& req) const;
    HttpResponse provision_call(std::string_view uuid, const HttpRequest& req);
};

}  // namespace mihu_sim
