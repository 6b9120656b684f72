// Endpoint parsing, envelopes, live state parsing, HttpAgentApi over a fake transport, and the
// HTTPS transport against an in-process TLS server with a throwaway CA.
#include <doctest/doctest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "reconcile/apply/agent_api.hpp"
#include "reconcile/remote/envelope.hpp"
#include "reconcile/remote/http_agent_api.hpp"
#include "reconcile/remote/https_transport.hpp"
#include "scripted_transport.hpp"
#include "reconcile/model/live_state.hpp"

using namespace reconcile;
using reconcile::testing::ScriptedTransport;

// ---------------------------------------------------------------------------------------------
// Endpoint

TEST_CASE("Endpoint::parse accepts workspace URLs and canonicalises them") {
    struct Case {
        const char* input;
        const char* host;
        const char* port;
        const char* url;
    };
    const Case cases[] = {
        {"https://acme.mihu.ai", "acme.mihu.ai", "443", "https://acme.mihu.ai/api/v1"},
        {"https://acme.mihu.ai/", "acme.mihu.ai", "443", "https://acme.mihu.ai/api/v1"},
        {"https://acme.mihu.ai/api/v1", "acme.mihu.ai", "443", "https://acme.mihu.ai/api/v1"},
        {"https://acme.mihu.ai/api/v1/", "acme.mihu.ai", "443", "https://acme.mihu.ai/api/v1"},
        {"https://acme.mihu.ai:8443/api/v1/", "acme.mihu.ai", "8443", "https://acme.mihu.ai:8443/api/v1"},
        {"https://acme.mihu.ai:443", "acme.mihu.ai", "443", "https://acme.mihu.ai/api/v1"},
        {"HTTPS://ACME.Mihu.AI", "acme.mihu.ai", "443", "https://acme.mihu.ai/api/v1"},
        {"  https://acme.mindhunters.ai  ", "acme.mindhunters.ai", "443", "https://acme.mindhunters.ai/api/v1"},
        {"https://127.0.0.1:8443", "127.0.0.1", "8443", "https://127.0.0.1:8443/api/v1"},
        {"https://[::1]:8443/api/v1", "::1", "8443", "https://[::1]:8443/api/v1"},
        {"https://localhost:08443", "localhost", "8443", "https://localhost:8443/api/v1"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.input);
        auto e = Endpoint::parse(c.input);
        REQUIRE(e.has_value());
        CHECK(e->scheme == "https");
        CHECK(e->host == c.host);
        CHECK(e->port == c.port);
        CHECK(e->url() == c.url);
    }
}

TEST_CASE("Endpoint::parse rejects what is not a TLS workspace URL") {
    struct Case {
        const char* input;
        const char* expected_text;
    };
    const Case cases[] = {
        {"http://acme.mihu.ai", "plain http://"},
        {"HTTP://acme.mihu.ai/api/v1", "use https://"},
        {"acme.mihu.ai", "must start with https://"},
        {"ftp://acme.mihu.ai", "must start with https://"},
        {"", "empty"},
        {"https://", "no host"},
        {"https:///api/v1", "no host"},
        {"https://:8443/api/v1", "no host"},
        {"https://acme.mihu.ai/api/v2", "unexpected path"},
        {"https://acme.mihu.ai/api", "unexpected path"},
        {"https://acme.mihu.ai/api/v1/agents", "unexpected path"},
        {"https://acme.mihu.ai/other", "unexpected path"},
        {"https://acme.mihu.ai?x=1", "query"},
        {"https://acme.mihu.ai/api/v1#frag", "query"},
        {"https://acme.mihu.ai:", "empty port"},
        {"https://acme.mihu.ai:0", "out-of-range port"},
        {"https://acme.mihu.ai:70000", "out-of-range port"},
        {"https://acme.mihu.ai:84a3", "invalid port"},
        {"https://user:pw@acme.mihu.ai", "credentials"},
        {"https://ac me.mihu.ai", "invalid host"},
        {"https://[::1", "unterminated"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.input);
        auto e = Endpoint::parse(c.input);
        REQUIRE_FALSE(e.has_value());
        CHECK(e.error().find(c.expected_text) != std::string::npos);
    }
}

// ---------------------------------------------------------------------------------------------
// parse_envelope

namespace {

HttpResponse response(unsigned status, std::string body,
                      std::string content_type = "application/json") {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
}

}  // namespace

TEST_CASE("parse_envelope returns data on 2xx, with or without success") {
    auto full = parse_envelope("GET", "/api/v1/agents/a",
                               response(200, R"({"success":true,"message":"ok","data":{"x":1}})"));
    REQUIRE(full.has_value());
    CHECK(full->at("x").as_int64() == 1);

    auto bare = parse_envelope("PATCH", "/api/v1/agents/a",
                               response(200, R"({"data":{"agent_uuid":"a"}})",
                                        "application/json; charset=utf-8"));
    REQUIRE(bare.has_value());
    CHECK(bare->at("agent_uuid").as_string() == "a");

    auto created = parse_envelope("POST", "/api/v1/agents", response(201, R"({"success":true,"data":[]})"));
    REQUIRE(created.has_value());
    CHECK(created->is_array());
}

TEST_CASE("parse_envelope maps a 422 with its code and field") {
    auto r = parse_envelope(
        "PATCH", "/api/v1/agents/abc",
        response(422, R"({"success":false,"message":"The given data was invalid.",
                          "error":{"code":"VALIDATION_ERROR","details":"must be a string","field":"settings.voice.x"}})"));
    REQUIRE_FALSE(r.has_value());
    const ApiError& e = r.error();
    CHECK(e.kind == ApiError::Kind::Http);
    CHECK(e.status == 422);
    CHECK(e.code == "VALIDATION_ERROR");
    CHECK(e.field == "settings.voice.x");
    CHECK(e.message == "The given data was invalid.");
    CHECK(e.details == "must be a string");
    CHECK_FALSE(e.maybe_committed);
    CHECK(e.describe() ==
          "PATCH /api/v1/agents/abc: HTTP 422 VALIDATION_ERROR (field settings.voice.x): The given "
          "data was invalid. (must be a string)");
}

TEST_CASE("parse_envelope reads Laravel's errors map") {
    auto r = parse_envelope("POST", "/api/v1/agents",
                            response(422, R"({"message":"The name field is required.",
                                              "errors":{"name":["The name field is required."]}})"));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().field == "name");
    CHECK(r.error().describe() ==
          "POST /api/v1/agents: HTTP 422 (field name): The name field is required.");
}

TEST_CASE("parse_envelope: 401 and 403 are Auth errors that say the token was refused") {
    auto r401 = parse_envelope(
        "GET", "/api/v1/agents?page=1&per_page=100",
        response(401, R"({"success":false,"message":"Invalid authentication token","error":{"code":"INVALID_AUTH_TOKEN"}})"));
    REQUIRE_FALSE(r401.has_value());
    CHECK(r401.error().kind == ApiError::Kind::Auth);
    CHECK(r401.error().code == "INVALID_AUTH_TOKEN");
    CHECK(r401.error().describe().find("API token was refused") != std::string::npos);
    CHECK(r401.error().describe().find("HTTP 401 INVALID_AUTH_TOKEN") != std::string::npos);

    auto r403 = parse_envelope("GET", "/api/v1/agents", response(403, "", "text/html"));
    REQUIRE_FALSE(r403.has_value());
    CHECK(r403.error().kind == ApiError::Kind::Auth);
    CHECK(r403.error().status == 403);
    CHECK(r403.error().message.find("API token was refused") != std::string::npos);
}

TEST_CASE("parse_envelope: malformed JSON and non-JSON types are Malformed, named by method and path") {
    auto bad = parse_envelope("GET", "/api/v1/agents/a", response(200, R"({"data": )"));
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().kind == ApiError::Kind::Malformed);
    CHECK(bad.error().describe().starts_with("GET /api/v1/agents/a: HTTP 200: response is not JSON"));

    auto html = parse_envelope("GET", "/api/v1/agents/a",
                               response(200, "<html>maintenance</html>", "text/html; charset=UTF-8"));
    REQUIRE_FALSE(html.has_value());
    CHECK(html.error().kind == ApiError::Kind::Malformed);
    CHECK(html.error().message.find("text/html") != std::string::npos);
    CHECK(html.error().message.find("maintenance") != std::string::npos);
    CHECK_FALSE(html.error().maybe_committed);

    auto html_post = parse_envelope("POST", "/api/v1/agents", response(201, "<html/>", "text/html"));
    REQUIRE_FALSE(html_post.has_value());
    CHECK(html_post.error().maybe_committed);  // 2xx: the server did something

    auto no_data = parse_envelope("GET", "/api/v1/agents/a", response(200, R"({"success":true})"));
    REQUIRE_FALSE(no_data.has_value());
    CHECK(no_data.error().kind == ApiError::Kind::Malformed);

    auto not_object = parse_envelope("GET", "/api/v1/agents/a", response(200, "[1,2]"));
    REQUIRE_FALSE(not_object.has_value());
    CHECK(not_object.error().kind == ApiError::Kind::Malformed);

    // No Content-Type but a JSON body is accepted.
    auto untyped = parse_envelope("GET", "/api/v1/agents/a", response(200, R"({"data":1})", ""));
    REQUIRE(untyped.has_value());
}

TEST_CASE("parse_envelope: error statuses with non-JSON bodies stay HTTP errors") {
    auto r = parse_envelope("GET", "/api/v1/agents", response(502, "<html>Bad Gateway</html>", "text/html"));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == ApiError::Kind::Http);
    CHECK(r.error().status == 502);
    CHECK(r.error().message.find("Bad Gateway") != std::string::npos);

    auto limited = response(429, R"({"success":false,"message":"Too Many Attempts."})");
    limited.retry_after = "7";
    auto r429 = parse_envelope("GET", "/api/v1/agents", limited);
    REQUIRE_FALSE(r429.has_value());
    CHECK(r429.error().status == 429);
    REQUIRE(r429.error().retry_after.has_value());
    CHECK(*r429.error().retry_after == "7");

    auto gw = parse_envelope("PATCH", "/api/v1/agents/a", response(504, "", "text/plain"));
    REQUIRE_FALSE(gw.has_value());
    CHECK(gw.error().maybe_committed);

    auto falsy = parse_envelope("GET", "/api/v1/agents/a",
                                response(200, R"({"success":false,"message":"nope","data":null})"));
    REQUIRE_FALSE(falsy.has_value());
    CHECK(falsy.error().kind == ApiError::Kind::Http);
    CHECK(falsy.error().message == "nope");
}

// ---------------------------------------------------------------------------------------------
// live_state

TEST_CASE("live_agent_from_json keeps the identifiers and the whole body") {
    auto o = boost::json::parse(R"({"agent_uuid":"a-1","name":"Sales","updated_at":"2024-01-01T00:00:00Z",
                                   "settings":{"voice":{}}})").as_object();
    auto a = live_agent_from_json(o);
    REQUIRE(a.has_value());
    CHECK(a->uuid == "a-1");
    CHECK(a->name == "Sales");
    CHECK(a->updated_at == "2024-01-01T00:00:00Z");
    CHECK(a->body() == o);
    CHECK(a->body() == o);  // parsed anew each time, from the same text
    CHECK(a->body_json() == boost::json::serialize(o));

    CHECK_FALSE(live_agent_from_json(boost::json::parse(R"({"name":"x"})").as_object()).has_value());
    CHECK_FALSE(live_agent_from_json(boost::json::parse(R"({"agent_uuid":null})").as_object()).has_value());
    auto minimal = live_agent_from_json(boost::json::parse(R"({"agent_uuid":"b"})").as_object());
    REQUIRE(minimal.has_value());
    CHECK(minimal->name.empty());
}

TEST_CASE("a live agent whose number overflows a double still reads back (infinity is kept as 1e99999)") {
    // Boost.JSON reads 7e999 as infinity and would write it as `Infinity`, which is not JSON.
    auto o = boost::json::parse(R"({"agent_uuid":"a-1","name":"Infinity \"and\" beyond",
                                   "big":7e999,"small":-7e999,"note":"Infinity"})").as_object();
    auto a = live_agent_from_json(o);
    REQUIRE(a.has_value());
    const std::string text(a->body_json());
    CHECK(text.find(R"("big":1e99999)") != std::string::npos);
    CHECK(text.find(R"("small":-1e99999)") != std::string::npos);
    CHECK(text.find(R"("note":"Infinity")") != std::string::npos);
    CHECK(text.find(R"("name":"Infinity \"and\" beyond")") != std::string::npos);
    CHECK(a->body() == o);
}

TEST_CASE("a live agent is kept without its collection items' server-assigned uuids") {
    auto o = boost::json::parse(R"({"agent_uuid":"a-1","name":"Sales",
        "guidelines":[{"uuid":"g-1","content":"Be brief.","order":0}],
        "procedures":[{"uuid":"p-1","name":"P","steps":[{"uuid":"s-1","order":1}]}],
        "appointments":{"schedule_assignments":[{"uuid":"x","schedule_uuid":"s"}]},
        "settings":{"voice":{"voice_profile":{"voice_uuid":"v-1"}},"uuid":"kept: not an item"}})").as_object();
    auto a = live_agent_from_json(o);
    REQUIRE(a.has_value());
    CHECK(a->body() == boost::json::parse(R"({"agent_uuid":"a-1","name":"Sales",
        "guidelines":[{"content":"Be brief.","order":0}],
        "procedures":[{"name":"P","steps":[{"order":1}]}],
        "appointments":{"schedule_assignments":[{"schedule_uuid":"s"}]},
        "settings":{"voice":{"voice_profile":{"voice_uuid":"v-1"}},"uuid":"kept: not an item"}})"));
    CHECK(o.at("guidelines").as_array()[0].as_object().contains("uuid"));  // the caller's object is left alone
    auto page_item = o;
    REQUIRE(live_agent_from_page(page_item).has_value());
    CHECK_FALSE(page_item.at("guidelines").as_array()[0].as_object().contains("uuid"));  // a page's tree is pruned in place
}

TEST_CASE("phone_number_from_json reads the call binding") {
    auto bound = phone_number_from_json(boost::json::parse(R"({
        "phone_number_uuid":"p-1","number":"+12084439178",
        "bindings":{"call":{"bound":true,"agent_uuid":"a-1","agent_name":"Sales"},
                    "sms":{"bound":false,"agent_uuid":null,"agent_name":null}}})").as_object());
    REQUIRE(bound.has_value());
    CHECK(bound->uuid == "p-1");
    CHECK(bound->number == "+12084439178");
    CHECK(bound->call_bound);
    CHECK(bound->call_agent_uuid == "a-1");
    CHECK(bound->call_agent_name == "Sales");

    auto null_uuid = phone_number_from_json(boost::json::parse(R"({
        "phone_number_uuid":"p-2","number":"+1","bindings":{"call":{"bound":true,"agent_uuid":null}}})")
                                                .as_object());
    REQUIRE(null_uuid.has_value());
    CHECK_FALSE(null_uuid->call_bound);
    CHECK(null_uuid->call_agent_uuid.empty());

    auto explicit_false = phone_number_from_json(boost::json::parse(R"({
        "phone_number_uuid":"p-3","bindings":{"call":{"bound":false,"agent_uuid":"stale"}}})")
                                                     .as_object());
    REQUIRE(explicit_false.has_value());
    CHECK_FALSE(explicit_false->call_bound);

    auto no_bindings = phone_number_from_json(boost::json::parse(R"({"phone_number_uuid":"p-4"})").as_object());
    REQUIRE(no_bindings.has_value());
    CHECK_FALSE(no_bindings->call_bound);

    CHECK_FALSE(phone_number_from_json(boost::json::parse(R"({"number":"+1"})").as_object()).has_value());
}

// ---------------------------------------------------------------------------------------------
// HttpAgentApi over a scripted transport

namespace {

std::string agent_page(int current, int last, int first_id, int count) {
    boost::json::array items;
    for (int i = 0; i < count; ++i)
        items.push_back(boost::json::object{{"agent_uuid", "a" + std::to_string(first_id + i)},
                                            {"name", "Agent " + std::to_string(first_id + i)}});
    boost::json::object page{
        {"success", true},
        {"message", "ok"},
        {"data",
         boost::json::object{{"items", items},
                             {"pagination", boost::json::object{{"current_page", current},
                                                                {"per_page", 100},
                                                                {"total", 250},
                                                                {"last_page", last}}}}}};
    return boost::json::serialize(page);
}

}  // namespace

TEST_CASE("HttpAgentApi::list_agents reads every page with per_page=100") {
    ScriptedTransport t;
    t.replies.push_back(response(200, agent_page(1, 3, 0, 100)));
    t.replies.push_back(response(200, agent_page(2, 3, 100, 100)));
    t.replies.push_back(response(200, agent_page(3, 3, 200, 50)));
    HttpAgentApi api(t);
    auto agents = api.list_agents();
    REQUIRE(agents.has_value());
    CHECK(agents->size() == 250);
    CHECK(agents->front().uuid == "a0");
    CHECK(agents->back().uuid == "a249");
    REQUIRE(t.requests.size() == 3);
    CHECK(t.requests[0].method == "GET");
    CHECK(t.requests[0].target == "/api/v1/agents?page=1&per_page=100");
    CHECK(t.requests[2].target == "/api/v1/agents?page=3&per_page=100");
    CHECK(t.requests[0].body.empty());
    CHECK(t.calls == 3);
}

TEST_CASE("HttpAgentApi::list_agents stops on an empty page and on a single page") {
    ScriptedTransport t;
    t.replies.push_back(response(200, agent_page(1, 5, 0, 100)));
    t.replies.push_back(response(200, agent_page(2, 5, 0, 0)));
    HttpAgentApi api(t);
    auto agents = api.list_agents();
    REQUIRE(agents.has_value());
    CHECK(agents->size() == 100);
    CHECK(t.requests.size() == 2);

    ScriptedTransport one;
    one.replies.push_back(response(200, R"({"data":{"items":[],"pagination":{"current_page":1,"last_page":1}}})"));
    HttpAgentApi api1(one);
    auto none = api1.list_agents();
    REQUIRE(none.has_value());
    CHECK(none->empty());
    CHECK(one.requests.size() == 1);
}

TEST_CASE("HttpAgentApi::list_phone_numbers pages and parses bindings") {
    ScriptedTransport t;
    t.replies.push_back(response(200, R"({"data":{"items":[
        {"phone_number_uuid":"p1","number":"+1","bindings":{"call":{"bound":true,"agent_uuid":"a1","agent_name":"A"}}}],
        "pagination":{"current_page":1,"last_page":2}}})"));
    t.replies.push_back(response(200, R"({"data":{"items":[
        {"phone_number_uuid":"p2","number":"+2","bindings":{"call":{"bound":false,"agent_uuid":null}}}],
        "pagination":{"current_page":2,"last_page":2}}})"));
    HttpAgentApi api(t);
    auto numbers = api.list_phone_numbers();
    REQUIRE(numbers.has_value());
    REQUIRE(numbers->size() == 2);
    CHECK((*numbers)[0].call_bound);
    CHECK((*numbers)[0].call_agent_uuid == "a1");
    CHECK_FALSE((*numbers)[1].call_bound);
    CHECK(t.requests[1].target == "/api/v1/phone-numbers?page=2&per_page=100");
}

TEST_CASE("HttpAgentApi: a listing past the page limit is an error, never a partial state") {
    ScriptedTransport t;
    t.replies.push_back(response(200, R"({"data":{"items":[{"agent_uuid":"a1","name":"A"}],
        "pagination":{"current_page":1,"last_page":10001}}})"));
    HttpAgentApi api(t);
    auto agents = api.list_agents();
    REQUIRE_FALSE(agents.has_value());
    CHECK(agents.error().message.find("more than 10000 pages") != std::string::npos);
    CHECK(t.requests.size() == 1);
}

TEST_CASE("HttpAgentApi: a listing's answers together have a budget") {
    ScriptedTransport t;
    t.replies.push_back(response(200, agent_page(1, 3, 0, 100)));
    t.replies.push_back(response(200, agent_page(2, 3, 0, 100)));
    t.replies.push_back(response(200, agent_page(3, 3, 0, 100)));
    HttpAgentApi api(t);
    api.set_listing_budget(agent_page(1, 3, 0, 100).size() + 10);
    auto agents = api.list_agents();
    REQUIRE_FALSE(agents.has_value());
    CHECK(agents.error().message.find("together; refusing to read further") != std::string::npos);
    CHECK(t.requests.size() == 2);
}

TEST_CASE("HttpAgentApi: an item without an identifier is a malformed response") {
    ScriptedTransport t;
    t.replies.push_back(response(200, R"({"data":{"items":[{"name":"x"}],"pagination":{"current_page":1,"last_page":1}}})"));
    HttpAgentApi api(t);
    auto agents = api.list_agents();
    REQUIRE_FALSE(agents.has_value());
    CHECK(agents.error().kind == ApiError::Kind::Malformed);
    CHECK(agents.error().message.find("agent_uuid") != std::string::npos);
}

TEST_CASE("HttpAgentApi::send sends the planned method, path and body under /api/v1") {
    ScriptedTransport t;
    const std::string agent = R"({"success":true,"data":{"agent_uuid":"u1","name":"Sales","updated_at":"t"}})";
    t.replies.push_back(response(201, agent));
    t.replies.push_back(response(200, agent));
    t.replies.push_back(response(200, R"({"success":true,"message":"ok","data":{"agent":{"agent_uuid":"u1"},
        "provisioning":{"success":true,"message":"Provisioned","call_setting_uuid":"cs-1"}}})"));
    HttpAgentApi api(t);

    const HttpCall create{"POST", "/agents", boost::json::object{{"name", "Sales"}}};
    auto created = api.send(create);
    REQUIRE(created.has_value());
    CHECK(answered_agent(create, *created)->uuid == "u1");
    CHECK(t.requests[0].method == "POST");
    CHECK(t.requests[0].target == "/api/v1/agents");
    CHECK(t.requests[0].body == R"({"name":"Sales"})");

    const HttpCall patch{"PATCH", "/agents/u1", boost::json::object{{"tone", "warm"}}};
    auto patched = api.send(patch);
    REQUIRE(patched.has_value());
    CHECK(answered_agent(patch, *patched)->name == "Sales");
    CHECK(t.requests[1].method == "PATCH");
    CHECK(t.requests[1].target == "/api/v1/agents/u1");
    CHECK(t.requests[1].body == R"({"tone":"warm"})");

    auto prov = api.send(HttpCall{"POST", "/agents/u1/channels/call/provision",
                                  boost::json::object{{"phone_number_uuid", "p1"}}});
    REQUIRE(prov.has_value());
    const auto result = provision_result(*prov);
    CHECK(result.reported);
    CHECK(result.success);
    CHECK(result.message == "Provisioned");
    CHECK(result.call_setting_uuid == "cs-1");
    CHECK(t.requests[2].method == "POST");
    CHECK(t.requests[2].target == "/api/v1/agents/u1/channels/call/provision");
    CHECK(t.requests[2].body == R"({"phone_number_uuid":"p1"})");

    // A 2xx whose data is not an agent: the write happened, but the answer is unusable.
    auto odd = answered_agent(create, boost::json::value(boost::json::array{}));
    REQUIRE_FALSE(odd.has_value());
    CHECK(odd.error().maybe_committed);
}

TEST_CASE("HttpAgentApi: a POST whose response was lost may have been committed") {
    ScriptedTransport t;
    t.replies.push_back(std::unexpected(
        TransportError{NetworkFailure::Timeout, "no complete response from h:443 within 60s", true}));
    t.replies.push_back(std::unexpected(
        TransportError{NetworkFailure::Connect, "cannot connect to h:443: Connection refused", false}));
    t.replies.push_back(std::unexpected(
        TransportError{NetworkFailure::Reset, "connection to h:443 closed", true}));
    HttpAgentApi api(t);

    const HttpCall create{"POST", "/agents", boost::json::object{{"name", "x"}}};
    auto lost = api.send(create);
    REQUIRE_FALSE(lost.has_value());
    CHECK(lost.error().kind == ApiError::Kind::Transport);
    CHECK(lost.error().maybe_committed);
    REQUIRE(lost.error().network.has_value());
    CHECK(*lost.error().network == NetworkFailure::Timeout);
    CHECK(lost.error().describe() ==
          "POST /api/v1/agents: no complete response from h:443 within 60s [the server may have applied it]");

    auto refused = api.send(create);
    REQUIRE_FALSE(refused.has_value());
    CHECK_FALSE(refused.error().maybe_committed);

    auto get = api.list_agents();  // reads are never "committed"
    REQUIRE_FALSE(get.has_value());
    CHECK_FALSE(get.error().maybe_committed);
}

// ---------------------------------------------------------------------------------------------
// HTTPS transport against an in-process TLS server

namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct KeyCert {
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    KeyCert() = default;
    KeyCert(const KeyCert&) = delete;
    KeyCert& operator=(const KeyCert&) = delete;
    ~KeyCert() {
        X509_free(cert);
        EVP_PKEY_free(key);
    }
    std::string cert_pem() const {
        BIO* b = BIO_new(BIO_s_mem());
        PEM_write_bio_X509(b, cert);
        char* data = nullptr;
        const long n = BIO_get_mem_data(b, &data);
        std::string out(data, static_cast<std::size_t>(n));
        BIO_free(b);
        return out;
    }
    std::string key_pem() const {
        BIO* b = BIO_new(BIO_s_mem());
        PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
        char* data = nullptr;
        const long n = BIO_get_mem_data(b, &data);
        std::string out(data, static_cast<std::size_t>(n));
        BIO_free(b);
        return out;
    }
};

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    REQUIRE(ext != nullptr);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

// A CA when `issuer` is null (self-signed, CA:TRUE), else a leaf for `san`.
std::unique_ptr<KeyCert> make_cert(const char* cn, const KeyCert* issuer, const char* san, long serial) {
    auto kc = std::make_unique<KeyCert>();
    kc->key = EVP_EC_gen("P-256");
    REQUIRE(kc->key != nullptr);
    kc->cert = X509_new();
    X509_set_version(kc->cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(kc->cert), serial);
    X509_gmtime_adj(X509_getm_notBefore(kc->cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(kc->cert), 86400);
    X509_set_pubkey(kc->cert, kc->key);
    X509_NAME* name = X509_get_subject_name(kc->cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
    X509* issuer_cert = issuer ? issuer->cert : kc->cert;
    X509_set_issuer_name(kc->cert, X509_get_subject_name(issuer_cert));
    if (!issuer) {
        add_ext(kc->cert, issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(kc->cert, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
        add_ext(kc->cert, issuer_cert, NID_subject_key_identifier, "hash");
    } else {
        add_ext(kc->cert, issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(kc->cert, issuer_cert, NID_ext_key_usage, "serverAuth");
        add_ext(kc->cert, issuer_cert, NID_subject_alt_name, san);
        add_ext(kc->cert, issuer_cert, NID_authority_key_identifier, "keyid:always");
    }
    REQUIRE(X509_sign(kc->cert, issuer ? issuer->key : kc->key, EVP_sha256()) > 0);
    return kc;
}

std::string write_temp(const std::string& name, const std::string& content) {
    const auto dir = std::filesystem::temp_directory_path() / ("reconcile-http-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path) << content;
    return path.string();
}

// Test PKI, made once.
struct Pki {
    std::unique_ptr<KeyCert> ca = make_cert("Test CA", nullptr, nullptr, 1);
    std::unique_ptr<KeyCert> other_ca = make_cert("Other CA", nullptr, nullptr, 2);
    std::unique_ptr<KeyCert> server = make_cert("127.0.0.1", ca.get(), "IP:127.0.0.1,DNS:localhost", 3);
    std::unique_ptr<KeyCert> foreign = make_cert("127.0.0.1", other_ca.get(), "IP:127.0.0.1,DNS:localhost", 4);
    std::unique_ptr<KeyCert> wrong_name = make_cert("elsewhere", ca.get(), "DNS:elsewhere.example", 5);
    std::string ca_file = write_temp("ca.pem", ca->cert_pem());
    static Pki& get() {
        static Pki pki;
        return pki;
    }
};

enum class Action { Respond, CloseWithoutResponse, Hang };

struct Reply {
    Action action = Action::Respond;
    unsigned status = 200;
    std::string body = R"({"success":true,"data":{"ok":true}})";
    bool close_after = false;  // announce Connection: close, then close
    bool drop_after = false;   // keep-alive announced, but close the connection anyway
    std::optional<std::string> retry_after;
};

struct Seen {
    int connection = 0;
    std::string method, target, authorization, accept, content_type, host, user_agent, body;
};

// Serves one connection at a time on 127.0.0.1 with the given certificate.
class TlsServer {
public:
    using Handler = std::function<Reply(const Seen&, int index)>;
    TlsServer(const KeyCert& identity, Handler handler)
        : ctx_(ssl::context::tls_server), acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
          handler_(std::move(handler)) {
        const std::string chain = identity.cert_pem();
        const std::string key = identity.key_pem();
        ctx_.use_certificate_chain(asio::buffer(chain));
        ctx_.use_private_key(asio::buffer(key), ssl::context::pem);
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { serve(); });
    }
    ~TlsServer() {
        stop_ = true;
        boost::system::error_code ec;
        tcp::socket wake(ioc_);
        wake.connect(acceptor_.local_endpoint(), ec);
        thread_.join();
    }
    std::string port() const { return std::to_string(port_); }
    int connections() const { return connections_; }
    std::vector<Seen> seen() {
        std::lock_guard lock(mu_);
        return seen_;
    }

private:
    void serve() {
        while (!stop_) {
            tcp::socket socket(ioc_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stop_) return;
            const int conn = ++connections_;
            beast::ssl_stream<tcp::socket> stream(std::move(socket), ctx_);
            stream.handshake(ssl::stream_base::server, ec);
            if (ec) continue;  // the client refused our certificate
            beast::flat_buffer buffer;
            for (;;) {
                http::request<http::string_body> req;
                http::read(stream, buffer, req, ec);
                if (ec) break;
                Seen s{conn,
                       std::string(req.method_string()),
                       std::string(req.target()),
                       std::string(req[http::field::authorization]),
                       std::string(req[http::field::accept]),
                       std::string(req[http::field::content_type]),
                       std::string(req[http::field::host]),
                       std::string(req[http::field::user_agent]),
                       req.body()};
                int index;
                {
                    std::lock_guard lock(mu_);
                    seen_.push_back(s);
                    index = static_cast<int>(seen_.size()) - 1;
                }
                const Reply r = handler_(s, index);
                if (r.action == Action::CloseWithoutResponse) break;
                if (r.action == Action::Hang) {
                    while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(5));
                    break;
                }
                http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
                res.set(http::field::content_type, "application/json");
                if (r.retry_after) res.set(http::field::retry_after, *r.retry_after);
                res.body() = r.body;
                res.keep_alive(!r.close_after);
                res.prepare_payload();
                http::write(stream, res, ec);
                if (ec || r.close_after || r.drop_after) break;
            }
            stream.next_layer().shutdown(tcp::socket::shutdown_both, ec);
            stream.next_layer().close(ec);
        }
    }

    asio::io_context ioc_;
    ssl::context ctx_;
    tcp::acceptor acceptor_;
    Handler handler_;
    unsigned short port_ = 0;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    std::mutex mu_;
    std::vector<Seen> seen_;
};

const char* kToken = "tok-secret-123";

TransportOptions options_for(const std::string& host, const std::string& port, std::string ca_file) {
    TransportOptions o;
    o.endpoint.host = host;
    o.endpoint.port = port;
    o.tls.ca_file = std::move(ca_file);
    o.bearer_token = kToken;
    o.timeouts.connect = std::chrono::milliseconds(2000);
    o.timeouts.handshake = std::chrono::milliseconds(2000);
    o.timeouts.request = std::chrono::milliseconds(2000);
    return o;
}

HttpRequest get(std::string target = "/api/v1/agents?page=1&per_page=100") {
    return HttpRequest{"GET", std::move(target), ""};
}

}  // namespace

TEST_CASE("https transport: request, headers and keep-alive reuse") {
    auto& pki = Pki::get();
    TlsServer server(*pki.server, [](const Seen&, int) { return Reply{}; });
    auto t = make_https_transport(options_for("127.0.0.1", server.port(), pki.ca_file));
    for (int i = 0; i < 3; ++i) {
        auto r = t->send(get());
        REQUIRE_MESSAGE(r.has_value(), r.error().message);
        CHECK(r->status == 200);
        CHECK(r->content_type == "application/json");
        CHECK(r->body == R"({"success":true,"data":{"ok":true}})");
    }
    auto post = t->send(HttpRequest{"POST", "/api/v1/agents", R"({"name":"x"})"});
    REQUIRE(post.has_value());
    CHECK(server.connections() == 1);
    const auto seen = server.seen();
    REQUIRE(seen.size() == 4);
    CHECK(seen[0].method == "GET");
    CHECK(seen[0].target == "/api/v1/agents?page=1&per_page=100");
    CHECK(seen[0].authorization == std::string("Bearer ") + kToken);
    CHECK(seen[0].accept == "application/json");
    CHECK(seen[0].content_type.empty());
    CHECK(seen[0].host == "127.0.0.1:" + server.port());
    CHECK(seen[0].user_agent == "reconcile/0.1");
    CHECK(seen[3].content_type == "application/json");
    CHECK(seen[3].body == R"({"name":"x"})");
}

TEST_CASE("https transport: a body reader gets a success's body as it arrives, an error's body is kept") {
    // Records what it is given; refuses a body that holds "refuse".
    struct Recorder final : BodyReader {
        std::vector<std::pair<unsigned, std::string>> begun;
        std::string bytes;
        bool finished = false;
        bool begin(unsigned status, std::string_view type) override {
            begun.emplace_back(status, std::string(type));
            bytes.clear();
            finished = false;
            return status == 200;
        }
        bool write(std::string_view b) override {
            bytes += b;
            return bytes.find("refuse") == std::string::npos;
        }
        bool finish() override { return finished = true; }
    };
    auto& pki = Pki::get();
    std::string big(300000, 'x');
    const std::string streamed = R"({"success":true,"data":")" + big + R"("})";
    TlsServer server(*pki.server, [&](const Seen&, int n) {
        Reply r;
        if (n == 0) r.body = streamed;
        if (n == 1) r.status = 404;
        if (n == 2) r.body = R"({"refuse":")" + big + R"("})";
        return r;
    });
    auto t = make_https_transport(options_for("127.0.0.1", server.port(), pki.ca_file));
    Recorder reader;
    HttpRequest request = get();
    request.body_reader = &reader;

    auto read = t->send(request);
    REQUIRE_MESSAGE(read.has_value(), read.error().message);
    CHECK(read->body_read);
    CHECK_FALSE(read->body_refused);
    CHECK(read->body.empty());
    CHECK(read->body_bytes_streamed == streamed.size());
    CHECK(reader.bytes == streamed);
    CHECK(reader.finished);
    REQUIRE(reader.begun.size() == 1);
    CHECK(reader.begun[0] == std::pair<unsigned, std::string>{200, "application/json"});

    auto error = t->send(request);
    REQUIRE(error.has_value());
    CHECK(error->status == 404);
    CHECK_FALSE(error->body_read);
    CHECK_FALSE(error->body.empty());  // kept for the general reader

    auto refused = t->send(request);
    REQUIRE(refused.has_value());
    CHECK(refused->body_refused);
    CHECK_FALSE(refused->body_read);
    CHECK_FALSE(reader.finished);
    // The refused body was read to its end: the connection still serves the next request.
    auto after = t->send(get());
    REQUIRE_MESSAGE(after.has_value(), after.error().message);
    CHECK(after->body == R"({"success":true,"data":{"ok":true}})");
    CHECK(server.seen().back().connection == server.seen().front().connection);
}

TEST_CASE("https transport: honours SSL_CERT_FILE when no CA file is given") {
    auto& pki = Pki::get();
    TlsServer server(*pki.server, [](const Seen&, int) { return Reply{}; });
    const char* old = std::getenv("SSL_CERT_FILE");
    const std::string saved = old ? old : "";
    ::setenv("SSL_CERT_FILE", pki.ca_file.c_str(), 1);
    auto t = make_https_transport(options_for("127.0.0.1", server.port(), ""));
    auto r = t->send(get());
    if (old) ::setenv("SSL_CERT_FILE", saved.c_str(), 1);
    else ::unsetenv("SSL_CERT_FILE");
    REQUIRE_MESSAGE(r.has_value(), r.error().message);
    CHECK(r->status == 200);
}

TEST_CASE("https transport: a host name is checked against the certificate") {
    auto& pki = Pki::get();
    TlsServer server(*pki.server, [](const Seen&, int) { return Reply{}; });
    auto by_name = make_https_transport(options_for("localhost", server.port(), pki.ca_file));
    auto ok = by_name->send(get());
    // "localhost" may resolve to ::1 first on some hosts; the server listens on 127.0.0.1 only,
    // and asio tries every address.
    REQUIRE_MESSAGE(ok.has_value(), ok.error().message);
    CHECK(server.seen().back().host == "localhost:" + server.port());

    TlsServer wrong(*pki.wrong_name, [](const Seen&, int) { return Reply{}; });
    auto t = make_https_transport(options_for("127.0.0.1", wrong.port(), pki.ca_file));
    auto r = t->send(get());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == NetworkFailure::Tls);
    CHECK_FALSE(r.error().request_sent);
    CHECK(r.error().message == "TLS handshake with 127.0.0.1:" + wrong.port() +
                                   " failed: certificate verify failed (IP address mismatch)");
    CHECK(wrong.seen().empty());
}

TEST_CASE("https transport: a certificate from another CA fails with a clear message") {
    auto& pki = Pki::get();
    TlsServer server(*pki.foreign, [](const Seen&, int) { return Reply{}; });
    auto t = make_https_transport(options_for("127.0.0.1", server.port(), pki.ca_file));
    auto r = t->send(get());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == NetworkFailure::Tls);
    CHECK(r.error().message.starts_with("TLS handshake with 127.0.0.1:" + server.port() +
                                        " failed: certificate verify failed ("));
    CHECK(r.error().message.find("issuer") != std::string::npos);
    CHECK(r.error().message.find(kToken) == std::string::npos);
    CHECK(server.seen().empty());  // nothing, the token included, was sent

    // Without the CA file the server's own CA is unknown too.
    TlsServer server2(*pki.server, [](const Seen&, int) { return Reply{}; });
    const char* old = std::getenv("SSL_CERT_FILE");
    const std::string saved = old ? old : "";
    ::setenv("SSL_CERT_FILE", "/nonexistent/ca.pem", 1);
    auto t2 = make_https_transport(options_for("127.0.0.1", server2.port(), ""));
    auto r2 = t2->send(get());
    if (old) ::setenv("SSL_CERT_FILE", saved.c_str(), 1);
    else ::unsetenv("SSL_CERT_FILE");
    REQUIRE_FALSE(r2.has_value());
    CHECK(r2.error().message.find("certificate verify failed") != std::string::npos);
}

TEST_CASE("https transport: a missing or bad CA file is an error naming the file") {
    auto missing = check_tls_options(TlsOptions{"/nonexistent/dir/ca.pem"});
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().find("'/nonexistent/dir/ca.pem'") != std::string::npos);
    CHECK(missing.error().find("No such file") != std::string::npos);

    const std::string junk = write_temp("junk.pem", "not a certificate\n");
    auto bad = check_tls_options(TlsOptions{junk});
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().find(junk) != std::string::npos);

    CHECK(check_tls_options(TlsOptions{Pki::get().ca_file}).has_value());

    auto t = make_https_transport(options_for("127.0.0.1", "1", "/nonexistent/dir/ca.pem"));
    auto r = t->send(get());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == NetworkFailure::Tls);
    CHECK(r.error().message.find("/nonexistent/dir/ca.pem") != std::string::npos);
}

TEST_CASE("https transport: Connection: close opens a new connection next time") {
    auto& pki = Pki::get();
    TlsServer server(*pki.server, [](const Seen&, int) {
        Reply r;
        r.close_after = true;
        return r;
    });
    auto t = make_https_transport(options_for("127.0.0.1", server.port(), pki.ca_file));
    REQUIRE(t->send(get()).has_value());
    REQUIRE(t->send(get()).has_value());
    CHECK(server.connections() == 2);
}

TEST_CASE("https transport: a stale kept-alive connection is resent once for GET, reported for POST") {
    auto& pki = Pki::get();
    // Every second request on a connection is dropped without an answer, as when the server
    // closes an idle connection just as the request arrives.
    TlsServer server(*pki.server, [](const Seen& s, int index) {
        Reply r;
        static std::map<int, int> per_connection;
        (void)index;
        if (++per_connection[s.connection] == 2) r.action = Action::CloseWithoutResponse;
        return r;
    });
    auto t = make_https_transport(options_for("127.0.0.1", server.port(), pki.ca_file));
    REQUIRE(t->send(get()).has_value());            // conn 1, request 1
    auto resent = t->send(get());                   // conn 1 drops it; resent on conn 2
    REQUIRE_MESSAGE(resent.has_value(), resent.error().message);
    CHECK(server.connections() == 2);
    CHECK(server.seen().size() == 3);

    auto post = t->send(HttpRequest{"POST", "/api/v1/agents", "{}"});  // conn 2, request 2: dropped
    REQUIRE_FALSE(post.has_value());
    CHECK(post.error().kind == NetworkFailure::Reset);
    CHECK(post.error().request_sent);
    CHECK(server.seen().size() == 4);  // not resent

    REQUIRE(t->send(get()).has_value());  // a fresh connection again
    CHECK(server.connections() == 3);
}

TEST_CASE("https transport: an idle connection the server closed is replaced before use") {
    auto& pki = Pki::get();
    // The server answers with keep-alive but then closes the connection (an idle timeout).
    TlsServer server(*pki.server, [](const Seen&, int) {
        Reply r;
        r.drop_after = true;
        return r;
    });
    auto t = make_https_transport(options_for("127.0.0.1", server.port(), pki.ca_file));
    REQUIRE(t->send(get()).has_value());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    // Even a POST, which is never resent, goes through: the closed connection is noticed first.
    auto post = t->send(HttpRequest{"POST", "/api/v1/agents", "{}"});
    REQUIRE_MESSAGE(post.has_value(), post.error().message);
    CHECK(server.connections() == 2);
    CHECK(server.seen().size() == 2);
}

TEST_CASE("https transport: a response over the limit is TooLarge") {
    auto& pki = Pki::get();
    TlsServer server(*pki.server, [](const Seen&, int) {
        Reply r;
        r.body = std::string(10000, 'x');
        return r;
    });
    auto o = options_for("127.0.0.1", server.port(), pki.ca_file);
    o.max_response_bytes = 1000;
    auto t = make_https_transport(o);
    auto r = t->send(get());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == NetworkFailure::TooLarge);
}

TEST_CASE("https transport: a server that stops answering times out") {
    auto& pki = Pki::get();
    TlsServer server(*pki.server, [](const Seen&, int) {
        Reply r;
        r.action = Action::Hang;
        return r;
    });
    auto o = options_for("127.0.0.1", server.port(), pki.ca_file);
    o.timeouts.request = std::chrono::milliseconds(300);
    auto t = make_https_transport(o);
    const auto start = std::chrono::steady_clock::now();
    auto r = t->send(get());
    const auto took = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == NetworkFailure::Timeout);
    CHECK(r.error().request_sent);
    CHECK(took < std::chrono::seconds(3));
}

TEST_CASE("https transport: a listener that never does TLS times out in the handshake") {
    asio::io_context ioc;
    tcp::acceptor quiet(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));  // never accepts
    auto o = options_for("127.0.0.1", std::to_string(quiet.local_endpoint().port()), Pki::get().ca_file);
    o.timeouts.handshake = std::chrono::milliseconds(300);
    auto t = make_https_transport(o);
    auto r = t->send(get());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == NetworkFailure::Timeout);
    CHECK_FALSE(r.error().request_sent);
    CHECK(r.error().message.find("TLS handshake") != std::string::npos);
}

TEST_CASE("https transport: a refused connection is a Connect error") {
    unsigned short port;
    {
        asio::io_context ioc;
        tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        port = a.local_endpoint().port();
    }
    auto t = make_https_transport(options_for("127.0.0.1", std::to_string(port), Pki::get().ca_file));
    auto r = t->send(get());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == NetworkFailure::Connect);
    CHECK_FALSE(r.error().request_sent);
    CHECK(r.error().message.find("cannot connect to 127.0.0.1:" + std::to_string(port)) != std::string::npos);
}
