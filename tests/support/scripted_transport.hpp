#pragma once
// An HttpTransport that answers from a script (or a function) and records every request, for
// testing the HTTP client, the envelope parser and the retry wiring without sockets.
#include <doctest/doctest.h>

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "reconcile/remote/https_transport.hpp"

namespace reconcile::testing {

using Answer = std::expected<HttpResponse, TransportError>;

class ScriptedTransport final : public HttpTransport {
public:
    std::deque<Answer> replies;                        // the last one repeats when `repeat_last`
    bool repeat_last = false;
    std::function<Answer(const HttpRequest&)> respond;  // used instead of `replies` when set
    std::vector<HttpRequest> requests;
    int calls = 0;

    Answer send(const HttpRequest& request) override {
        requests.push_back(request);
        ++calls;
        if (respond) return respond(request);
        REQUIRE_FALSE(replies.empty());
        Answer r = replies.front();
        if (!(repeat_last && replies.size() == 1)) replies.pop_front();
        return r;
    }
};

inline HttpResponse json_response(unsigned status, std::string body,
                                  std::optional<std::string> retry_after = std::nullopt) {
    HttpResponse r;
    r.status = status;
    r.content_type = "application/json";
    r.body = std::move(body);
    r.retry_after = std::move(retry_after);
    return r;
}

// An API error answer: {"success": false, "message": ..., "error": {"code": ...}}.
inline Answer http_error(unsigned status, std::optional<std::string> retry_after = std::nullopt) {
    return json_response(status,
                         R"({"success":false,"message":"error )" + std::to_string(status) +
                             R"(","error":{"code":"E)" + std::to_string(status) + R"("}})",
                         std::move(retry_after));
}

inline Answer transport_error(NetworkFailure kind, bool request_sent = false) {
    return std::unexpected(TransportError{kind, "transport failure", request_sent});
}

// 200 with an agent as `data`.
inline Answer agent_answer(std::string uuid = "a", std::string name = "A") {
    return json_response(200, R"({"success":true,"message":"ok","data":{"agent_uuid":")" + uuid +
                                  R"(","name":")" + name + R"("}})");
}

// 200 with a one-page agent listing.
inline Answer agent_page_answer() {
    return json_response(200, R"({"success":true,"data":{"items":[{"agent_uuid":"a","name":"A"}],)"
                              R"("pagination":{"current_page":1,"per_page":100,"total":1,"last_page":1}}})");
}

inline HttpCall patch_call(std::string uuid = "a") { return HttpCall{"PATCH", "/agents/" + uuid, json::object{}}; }
inline HttpCall create_call() { return HttpCall{"POST", "/agents", json::object{{"name", "A"}}}; }
inline HttpCall provision_call(std::string uuid = "a") {
    return HttpCall{"POST", "/agents/" + uuid + "/channels/call/provision",
                    json::object{{"phone_number_uuid", "p"}}};
}

}  // namespace reconcile::testing
