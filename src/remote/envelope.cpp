// The API's response envelope: {success, message, data} and {success:false, message,
// error:{code, details, field}}, plus what a server that is not quite the API may answer.
#include "reconcile/remote/envelope.hpp"

#include <algorithm>
#include <cctype>

namespace reconcile {

namespace {

bool is_json_content_type(std::string_view ct) {
    std::string t;
    for (char c : ct.substr(0, ct.find(';')))
        if (c != ' ' && c != '\t') t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (t == "application/json") return true;
    // application/problem+json, application/vnd.x+json
    return t.starts_with("application/") && t.ends_with("+json");
}

// A printable, bounded excerpt of a body for error messages.
std::string excerpt(std::string_view body, std::size_t max_len = 120) {
    std::string out;
    for (char c : body) {
        if (out.size() >= max_len) {
            out += "...";
            break;
        }
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out.empty() ? "(empty body)" : "'" + out + "'";
}

std::string string_at(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end()) return {};
    if (it->value().is_string()) return std::string(it->value().get_string());
    if (it->value().is_null()) return {};
    return json::serialize(it->value());
}

bool is_write(const std::string& method) { return method != "GET" && method != "HEAD"; }


// Reads {message, error:{code, details, field}} and Laravel's {message, errors:{field:[..]}}.
void read_error_body(const json::object& o, ApiError& e) {
    e.message = string_at(o, "message");
    if (auto it = o.find("error"); it != o.end()) {
        if (it->value().is_object()) {
            const auto& err = it->value().get_object();
            e.code = string_at(err, "code");
            e.field = string_at(err, "field");
            e.details = string_at(err, "details");
            if (e.message.empty()) e.message = string_at(err, "message");
        } else if (it->value().is_string() && e.code.empty()) {
            e.code = std::string(it->value().get_string());
        }
    }
    if (auto it = o.find("errors"); it != o.end() && it->value().is_object()) {
        const auto& errs = it->value().get_object();
        if (!errs.empty()) {
            const auto& first = *errs.begin();
            if (e.field.empty()) e.field = std::string(first.key());
            if (e.details.empty()) {
                if (first.value().is_array() && !first.value().get_array().empty() &&
                    first.value().get_array()[0].is_string())
                    e.details = std::string(first.value().get_array()[0].get_string());
                else if (first.value().is_string())
                    e.details = std::string(first.value().get_string());
            }
        }
    }
}

}  // namespace

bool is_json_success(const HttpResponse& response) {
    return response.status >= 200 && response.status < 300 &&
           (response.content_type.empty() || is_json_content_type(response.content_type));
}

ApiError api_error(ApiError::Kind kind, const std::string& method, const std::string& path, unsigned status,
                   std::string message) {
    ApiError e;
    e.kind = kind;
    e.method = method;
    e.path = path;
    e.status = status;
    e.message = std::move(message);
    return e;
}

ApiResult<json::value> parse_envelope(const std::string& method, const std::string& path,
                                      const HttpResponse& response) {
    const unsigned status = response.status;
    const bool ok_status = status >= 200 && status < 300;
    const bool json_type = is_json_content_type(response.content_type);

    // Parse when the server says JSON, or says nothing and the body looks like JSON.
    std::optional<json::value> doc;
    std::string parse_problem;
    if (json_type || response.content_type.empty()) {
        boost::system::error_code ec;
        // One arena per answer: an answer is read and dropped as a whole, so its tree is parsed
        // into one block (a tree takes about 1.75 times its text) instead of a heap allocation
        // per node. The size comes from the server: the first block is capped (a list page is
        // about 1.2 MB), a larger answer grows the arena block by block as it is parsed.
        constexpr std::size_t kFirstBlockCap = 16u << 20;
        json::value v = json::parse(response.body, ec,
                                    json::make_shared_resource<JsonArena>(std::clamp<std::size_t>(
                                        response.body.size() * 2, 4096, kFirstBlockCap)));
        if (!ec) doc = std::move(v);
        else parse_problem = ec.message();
    }

    if (ok_status) {
        if (status == 204 && response.body.empty()) return json::value(nullptr);
        if (!json_type && !(response.content_type.empty() && doc)) {
            auto e = api_error(ApiError::Kind::Malformed, method, path, status,
                                "response is not JSON: Content-Type '" + response.content_type +
                                    "', body " + excerpt(response.body));
            e.maybe_committed = is_write(method);
            return std::unexpected(std::move(e));
        }
        if (!doc) {
            auto e = api_error(ApiError::Kind::Malformed, method, path, status,
                                "response is not JSON: " + parse_problem + ", body " +
                                    excerpt(response.body));
            e.maybe_committed = is_write(method);
            return std::unexpected(std::move(e));
        }
        if (!doc->is_object()) {
            auto e = api_error(ApiError::Kind::Malformed, method, path, status,
                                "response is not a JSON object: body " + excerpt(response.body));
            e.maybe_committed = is_write(method);
            return std::unexpected(std::move(e));
        }
        auto& o = doc->get_object();
        if (auto it = o.find("success"); it != o.end() && it->value().is_bool() &&
                                         !it->value().get_bool()) {
            ApiError e = api_error(ApiError::Kind::Http, method, path, status, "");
            read_error_body(o, e);
            if (e.message.empty()) e.message = "the API answered success=false";
            e.retry_after = response.retry_after;
            return std::unexpected(std::move(e));
        }
        auto it = o.find("data");
        // A delete answers {success, message} and nothing to read back.
        if (it == o.end() && method == "DELETE") return json::value(nullptr);
        if (it == o.end()) {
            auto e = api_error(ApiError::Kind::Malformed, method, path, status,
                                "response has no `data`: body " + excerpt(response.body));
            e.maybe_committed = is_write(method);
            return std::unexpected(std::move(e));
        }
        return std::move(it->value());
    }

    // Error statuses: build the error from the envelope when there is one.
    ApiError e = api_error(ApiError::Kind::Http, method, path, status, "");
    e.retry_after = response.retry_after;
    if (doc && doc->is_object()) {
        read_error_body(doc->get_object(), e);
    } else if (!response.body.empty()) {
        e.message = std::string(http_status_reason(status)) + " (non-JSON body " + excerpt(response.body) + ")";
    }
    if (status == 401 || status == 403) {
        e.kind = ApiError::Kind::Auth;
        const std::string what = status == 401
                                     ? "the API token was refused"
                                     : "the API token was refused for this request (missing permission?)";
        e.message = e.message.empty() ? what : what + ": " + e.message;
    }
    // A gateway error on a write: the backend may have committed it before the answer was lost.
    if ((status == 502 || status == 504) && is_write(method)) e.maybe_committed = true;
    return std::unexpected(std::move(e));
}

}  // namespace reconcile
