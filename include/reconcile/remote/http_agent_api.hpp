#pragma once
#include <atomic>
// The Mihu agents API over HTTPS: the AgentApi port implemented with an HttpTransport, the
// envelope parser and pagination.
#include <string>
#include <vector>

#include "reconcile/apply/agent_api.hpp"
#include "reconcile/remote/https_transport.hpp"

namespace reconcile {

class Retrier;  // reconcile/remote/retry.hpp

class HttpAgentApi final : public AgentApi {
public:
    // per_page is 100, the API's maximum. With a retrier, every HTTP request (each page of a
    // listing on its own) is retried and paced by it; it may be shared by all workers.
    HttpAgentApi(HttpTransport& transport, Retrier* retrier = nullptr, int per_page = 100);
    // More connections (not owned; none may be in use by another thread during a listing) for
    // reading list pages concurrently: page 1 comes first on this api's own connection and
    // gives the page count; the other pages are then spread over all the connections, each
    // page parsed as it arrives while the others are in flight, and assembled in page order.
    void set_read_connections(std::vector<HttpTransport*> extra) { extra_ = std::move(extra); }
    // The budget of one listing's answers, all pages together (each answer is also bounded by
    // the transport): a server that pages without end cannot grow memory without bound.
    void set_listing_budget(std::size_t bytes) { listing_budget_ = bytes; }
    ApiResult<std::vector<LiveAgent>> list_agents() override;
    ApiResult<std::vector<PhoneNumber>> list_phone_numbers() override;
    ApiResult<json::value> send(const HttpCall& call) override;

private:
    // With `reader`, the answer's body goes to it as it arrives (HttpRequest::body_reader); when
    // the reader read it, *read_by_reader is set and the result is null. An answer the reader
    // refuses is asked for again and read the general way.
    ApiResult<json::value> call(HttpTransport& transport, const std::string& method, const std::string& path,
                                const json::value* body, BodyReader* reader = nullptr,
                                bool* read_by_reader = nullptr);
    template <class T, class Parse>
    ApiResult<std::vector<T>> read_all_pages(const std::string& collection, const char* id_key, Parse&& parse);
    HttpTransport& transport_;
    std::vector<HttpTransport*> extra_;
    Retrier* retrier_;
    int per_page_;
    std::size_t listing_budget_ = std::size_t{2} << 30;  // 2 GiB: about 150,000 agents
    std::atomic<std::size_t> listed_bytes_{0};
    // A page of the listing was refused by the page reader (a server that pages another way):
    // the rest is read the general way, so that pages are not asked for twice.
    std::atomic<bool> reader_refused_{false};
};

}  // namespace reconcile
