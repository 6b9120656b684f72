#pragma once
// The HTTP request and response the simulator's socket-free core works on, the API's JSON
// envelopes, and the query-string and path helpers the routes need.
#include <boost/json.hpp>
#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mihu_sim {

namespace json = boost::json;

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method;  // "GET", "PATCH", ...
    std::string target;  // "/api/v1/agents?page=2"
    Headers headers;
    std::string body;
    // When the request arrived (the log's "at_ms"); default: when it is processed.
    std::optional<std::chrono::steady_clock::time_point> received;

    // Case-insensitive header lookup; nullopt when absent.
    std::optional<std::string_view> header(std::string_view name) const;
    // The path part of the target (before '?').
    std::string_view path() const;
    // The query string (after '?'), or "".
    std::string_view query() const;
};

struct HttpResponse {
    int status = 200;
    Headers headers;  // Content-Type is among them
    std::string body;

    std::optional<std::string_view> header(std::string_view name) const;
};

bool iequals(std::string_view a, std::string_view b);

// A response whose body is already JSON text, with Content-Type application/json.
HttpResponse json_text_response(int status, std::string body);
// A JSON response with Content-Type application/json.
HttpResponse json_response(int status, const json::value& body);
// {"success": true, "message": ..., "data": ...}
json::object success_envelope(std::string_view message, json::value data);
// {"success": false, "message": ..., "error": {"code": ..., "details"?: ..., "field"?: ...}}
HttpResponse error_response(int status, std::string_view message, std::string_view code,
                            std::string_view details = {}, std::string_view field = {});
// 404 "<what> not found", code NOT_FOUND.
HttpResponse not_found(std::string_view what);

// First value of a query parameter, percent-decoded; nullopt when absent.
std::optional<std::string> query_param(std::string_view query, std::string_view name);
// "/api/v1/agents/x" -> {"api", "v1", "agents", "x"} (empty segments dropped).
std::vector<std::string_view> split_path(std::string_view path);

// The request body as a JSON object (a blank body is {}); 400 when it is not one.
std::expected<json::object, HttpResponse> body_object(const HttpRequest& req);

}  // namespace mihu_sim
