// The Mihu agents API over an HttpTransport: envelopes, errors, pagination.
//
// Assumptions where the API docs are silent (see the project's API notes):
// - list endpoints answer `data.items` plus `data.pagination.{current_page, last_page}`;
//   a Laravel paginator (`data.data`, `data.last_page`) is read the same way;
// - `GET /agents/{uuid}` exists and answers `data` = agent;
// - a 2xx body whose `success` is absent is a success; `data` is what counts.
#include "reconcile/agent_api.hpp"

#include <spdlog/spdlog.h>

#include <set>

#include "reconcile/retry.hpp"

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

std::optional<long long> int_at(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    if (it == o.end()) return std::nullopt;
    const json::value& v = it->value();
    if (v.is_int64()) return v.get_int64();
    if (v.is_uint64()) return static_cast<long long>(v.get_uint64());
    if (v.is_double()) return static_cast<long long>(v.get_double());
    if (v.is_string()) {
        try {
            return std::stoll(std::string(v.get_string()));
        } catch (...) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

bool is_write(const std::string& method) { return method != "GET" && method != "HEAD"; }

ApiError make_error(ApiError::Kind kind, const std::string& method, const std::string& path,
                    unsigned status, std::string message) {
    ApiError e;
    e.kind = kind;
    e.method = method;
    e.path = path;
    e.status = status;
    e.message = std::move(message);
    return e;
}

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

std::string status_reason(unsigned status) {
    switch (status) {
        case 400: return "bad request";
        case 401: return "unauthorized";
        case 403: return "forbidden";
        case 404: return "not found";
        case 409: return "conflict";
        case 422: return "unprocessable";
        case 429: return "too many requests";
        case 500: return "internal server error";
        case 502: return "bad gateway";
        case 503: return "service unavailable";
        case 504: return "gateway timeout";
        default: return "error";
    }
}

// Percent-encodes one path segment (UUIDs pass through unchanged).
std::string encode_segment(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

}  // namespace

std::string ApiError::describe() const {
    std::string s = method + " " + path + ": ";
    switch (kind) {
        case Kind::Transport:
            s += message;
            break;
        case Kind::Malformed:
            if (status) s += "HTTP " + std::to_string(status) + ": ";
            s += message;
            break;
        case Kind::Http:
        case Kind::Auth:
            s += "HTTP " + std::to_string(status);
            if (!code.empty()) s += " " + code;
            if (!field.empty()) s += " (field " + field + ")";
            s += ": " + (message.empty() ? status_reason(status) : message);
            if (!details.empty() && details != message) s += " (" + details + ")";
            break;
    }
    if (attempts > 1) s += " [after " + std::to_string(attempts) + " attempts]";
    if (maybe_committed) s += " [the server may have applied it]";
    return s;
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
        json::value v = json::parse(response.body, ec);
        if (!ec) doc = std::move(v);
        else parse_problem = ec.message();
    }

    if (ok_status) {
        if (status == 204 && response.body.empty()) return json::value(nullptr);
        if (!json_type && !(response.content_type.empty() && doc)) {
            auto e = make_error(ApiError::Kind::Malformed, method, path, status,
                                "response is not JSON: Content-Type '" + response.content_type +
                                    "', body " + excerpt(response.body));
            e.maybe_committed = is_write(method);
            return std::unexpected(std::move(e));
        }
        if (!doc) {
            auto e = make_error(ApiError::Kind::Malformed, method, path, status,
                                "response is not JSON: " + parse_problem + ", body " +
                                    excerpt(response.body));
            e.maybe_committed = is_write(method);
            return std::unexpected(std::move(e));
        }
        if (!doc->is_object()) {
            auto e = make_error(ApiError::Kind::Malformed, method, path, status,
                                "response is not a JSON object: body " + excerpt(response.body));
            e.maybe_committed = is_write(method);
            return std::unexpected(std::move(e));
        }
        auto& o = doc->get_object();
        if (auto it = o.find("success"); it != o.end() && it->value().is_bool() &&
                                         !it->value().get_bool()) {
            ApiError e = make_error(ApiError::Kind::Http, method, path, status, "");
            read_error_body(o, e);
            if (e.message.empty()) e.message = "the API answered success=false";
            e.retry_after = response.retry_after;
            return std::unexpected(std::move(e));
        }
        auto it = o.find("data");
        if (it == o.end()) {
            auto e = make_error(ApiError::Kind::Malformed, method, path, status,
                                "response has no `data`: body " + excerpt(response.body));
            e.maybe_committed = is_write(method);
            return std::unexpected(std::move(e));
        }
        return std::move(it->value());
    }

    // Error statuses: build the error from the envelope when there is one.
    ApiError e = make_error(ApiError::Kind::Http, method, path, status, "");
    e.retry_after = response.retry_after;
    if (doc && doc->is_object()) {
        read_error_body(doc->get_object(), e);
    } else if (!response.body.empty()) {
        e.message = status_reason(status) + " (non-JSON body " + excerpt(response.body) + ")";
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

HttpAgentApi::HttpAgentApi(HttpTransport& transport, std::string base_path, int per_page)
    : transport_(transport), base_(std::move(base_path)), per_page_(per_page) {
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
    if (per_page_ < 1) per_page_ = 1;
    if (per_page_ > 100) per_page_ = 100;
}

ApiResult<json::value> HttpAgentApi::call(const std::string& method, const std::string& path,
                                          const json::value* body) {
    HttpRequest request{method, path, body ? json::serialize(*body) : std::string()};
    auto once = [&]() -> ApiResult<json::value> {
        ++requests_;
        auto response = transport_.send(request);
        if (!response) {
            const TransportError& t = response.error();
            ApiError e = make_error(ApiError::Kind::Transport, method, path, 0, t.message);
            e.transport_kind = t.kind;
            e.maybe_committed = t.request_sent && is_write(method);
            return std::unexpected(std::move(e));
        }
        return parse_envelope(method, path, *response);
    };
    if (retrier_) return retrier_->run<json::value>(method, once);
    return once();
}

namespace {

// Reads every page of a list endpoint. `parse` turns one item into T (nullopt = no identifier).
template <class T, class Fetch, class Parse>
ApiResult<std::vector<T>> read_all_pages(const std::string& base, const std::string& collection,
                                         int per_page, const char* id_key, Fetch&& fetch,
                                         Parse&& parse) {
    constexpr int kMaxPages = 10000;  // a runaway pagination guard (a million items)
    std::vector<T> out;
    std::set<std::string> seen;
    for (int page = 1; page <= kMaxPages; ++page) {
        const std::string path = base + "/" + collection + "?page=" + std::to_string(page) +
                                 "&per_page=" + std::to_string(per_page);
        auto data = fetch(path);
        if (!data) return std::unexpected(std::move(data.error()));

        const json::array* items = nullptr;
        const json::object* pagination = nullptr;
        if (data->is_array()) {
            items = &data->get_array();
        } else if (data->is_object()) {
            const auto& d = data->get_object();
            if (auto it = d.find("items"); it != d.end() && it->value().is_array())
                items = &it->value().get_array();
            else if (auto it2 = d.find("data"); it2 != d.end() && it2->value().is_array())
                items = &it2->value().get_array();
            if (auto it = d.find("pagination"); it != d.end() && it->value().is_object())
                pagination = &it->value().get_object();
            else if (d.contains("last_page"))
                pagination = &d;
        }
        if (!items) {
            return std::unexpected(make_error(ApiError::Kind::Malformed, "GET", path, 200,
                                              "response `data` has no `items` list"));
        }

        std::size_t index = 0;
        for (const auto& item : *items) {
            std::optional<T> parsed;
            if (item.is_object()) parsed = parse(item.get_object());
            if (!parsed) {
                return std::unexpected(make_error(
                    ApiError::Kind::Malformed, "GET", path, 200,
                    "item " + std::to_string(index) + " has no `" + id_key + "`"));
            }
            if (seen.insert(parsed->uuid).second) out.push_back(std::move(*parsed));
            ++index;
        }

        if (items->empty() || data->is_array()) break;
        if (pagination) {
            const long long current = int_at(*pagination, "current_page").value_or(page);
            const auto last = int_at(*pagination, "last_page");
            if (last) {
                if (current >= *last) break;
                continue;
            }
        }
        // No page count: a short page is the last one.
        if (items->size() < static_cast<std::size_t>(per_page)) break;
    }
    return out;
}

ApiResult<LiveAgent> agent_from_data(const std::string& method, const std::string& path,
                                     const json::value& data) {
    const json::object* o = data.is_object() ? &data.get_object() : nullptr;
    // Tolerate `data: {agent: {...}}` (the provision endpoint's shape).
    if (o && !o->contains("agent_uuid")) {
        if (auto it = o->find("agent"); it != o->end() && it->value().is_object())
            o = &it->value().get_object();
    }
    if (o) {
        if (auto agent = live_agent_from_json(*o)) return std::move(*agent);
    }
    return std::unexpected(make_error(ApiError::Kind::Malformed, method, path, 200,
                                      "response `data` is not an agent (no `agent_uuid`)"));
}

}  // namespace

ApiResult<std::vector<LiveAgent>> HttpAgentApi::list_agents() {
    return read_all_pages<LiveAgent>(
        base_, "agents", per_page_, "agent_uuid",
        [&](const std::string& path) { return call("GET", path, nullptr); },
        [](const json::object& o) { return live_agent_from_json(o); });
}

ApiResult<std::vector<PhoneNumber>> HttpAgentApi::list_phone_numbers() {
    return read_all_pages<PhoneNumber>(
        base_, "phone-numbers", per_page_, "phone_number_uuid",
        [&](const std::string& path) { return call("GET", path, nullptr); },
        [](const json::object& o) { return phone_number_from_json(o); });
}

ApiResult<LiveAgent> HttpAgentApi::get_agent(const std::string& uuid) {
    const std::string path = base_ + "/agents/" + encode_segment(uuid);
    auto data = call("GET", path, nullptr);
    if (!data) return std::unexpected(std::move(data.error()));
    return agent_from_data("GET", path, *data);
}

ApiResult<LiveAgent> HttpAgentApi::create_agent(const json::object& body) {
    const std::string path = base_ + "/agents";
    const json::value v(body);
    auto data = call("POST", path, &v);
    if (!data) return std::unexpected(std::move(data.error()));
    auto agent = agent_from_data("POST", path, *data);
    if (!agent) agent.error().maybe_committed = true;  // 2xx: it was created
    return agent;
}

ApiResult<LiveAgent> HttpAgentApi::patch_agent(const std::string& uuid, const json::object& body) {
    const std::string path = base_ + "/agents/" + encode_segment(uuid);
    const json::value v(body);
    auto data = call("PATCH", path, &v);
    if (!data) return std::unexpected(std::move(data.error()));
    auto agent = agent_from_data("PATCH", path, *data);
    if (!agent) agent.error().maybe_committed = true;
    return agent;
}

ApiResult<ProvisionResult> HttpAgentApi::provision_call(const std::string& agent_uuid,
                                                        const std::string& phone_number_uuid) {
    const std::string path =
        base_ + "/agents/" + encode_segment(agent_uuid) + "/channels/call/provision";
    const json::value v(json::object{{"phone_number_uuid", phone_number_uuid}});
    auto data = call("POST", path, &v);
    if (!data) return std::unexpected(std::move(data.error()));

    ProvisionResult result;
    result.success = true;  // a 2xx without a provisioning block
    if (data->is_object()) {
        const auto& d = data->get_object();
        if (auto it = d.find("provisioning"); it != d.end() && it->value().is_object()) {
            const auto& p = it->value().get_object();
            if (auto s = p.find("success"); s != p.end() && s->value().is_bool())
                result.success = s->value().get_bool();
            result.message = string_at(p, "message");
            result.call_setting_uuid = string_at(p, "call_setting_uuid");
        }
    }
    return result;
}

}  // namespace reconcile
