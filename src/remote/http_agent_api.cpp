// The Mihu agents API over an HttpTransport: envelopes, errors, pagination.
//
// Assumptions where the API docs are silent (see the README's API table):
// - list endpoints answer `data.items` plus `data.pagination.{current_page, last_page}`;
//   a Laravel paginator (`data.data`, `data.last_page`) is read the same way;
// - a 2xx body whose `success` is absent is a success; `data` is what counts.
#include "reconcile/remote/http_agent_api.hpp"

#include <set>

#include "reconcile/model/api_paths.hpp"
#include "reconcile/remote/envelope.hpp"
#include "reconcile/remote/retry.hpp"

namespace reconcile {

namespace {

bool is_write(const std::string& method) { return method != "GET" && method != "HEAD"; }

std::optional<long long> int_at(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64()) return static_cast<long long>(v->get_uint64());
    if (v->is_double()) return static_cast<long long>(v->get_double());
    if (v->is_string()) {
        try {
            return std::stoll(std::string(v->get_string()));
        } catch (...) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

// Reads every page of a list endpoint. `parse` turns one item into T (nullopt = no identifier).
template <class T, class Fetch, class Parse>
ApiResult<std::vector<T>> read_all_pages(const std::string& collection, int per_page, const char* id_key,
                                         Fetch&& fetch, Parse&& parse) {
    constexpr int kMaxPages = 10000;  // a runaway pagination guard (a million items)
    std::vector<T> out;
    std::set<std::string> seen;
    for (int page = 1; page <= kMaxPages; ++page) {
        const std::string path = std::string(api_paths::kBase) + api_paths::page(collection, page, per_page);
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
            return std::unexpected(api_error(ApiError::Kind::Malformed, "GET", path, 200,
                                              "response `data` has no `items` list"));
        }

        std::size_t index = 0;
        for (const auto& item : *items) {
            std::optional<T> parsed;
            if (item.is_object()) parsed = parse(item.get_object());
            if (!parsed) {
                return std::unexpected(api_error(
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

}  // namespace

HttpAgentApi::HttpAgentApi(HttpTransport& transport, Retrier* retrier, int per_page)
    : transport_(transport), retrier_(retrier), per_page_(std::clamp(per_page, 1, 100)) {}

ApiResult<json::value> HttpAgentApi::call(const std::string& method, const std::string& path,
                                          const json::value* body) {
    HttpRequest request{method, path, body ? json::serialize(*body) : std::string()};
    auto once = [&]() -> ApiResult<json::value> {
        auto response = transport_.send(request);
        if (!response) {
            const TransportError& t = response.error();
            ApiError e = api_error(ApiError::Kind::Transport, method, path, 0, t.message);
            e.network = t.kind;
            e.maybe_committed = t.request_sent && is_write(method);
            return std::unexpected(std::move(e));
        }
        return parse_envelope(method, path, *response);
    };
    if (retrier_) return retrier_->run<json::value>(method, once);
    return once();
}

ApiResult<std::vector<LiveAgent>> HttpAgentApi::list_agents() {
    return read_all_pages<LiveAgent>(
        api_paths::agents(), per_page_, "agent_uuid",
        [&](const std::string& path) { return call("GET", path, nullptr); },
        [](const json::object& o) { return live_agent_from_json(o); });
}

ApiResult<std::vector<PhoneNumber>> HttpAgentApi::list_phone_numbers() {
    return read_all_pages<PhoneNumber>(
        api_paths::phone_numbers(), per_page_, "phone_number_uuid",
        [&](const std::string& path) { return call("GET", path, nullptr); },
        [](const json::object& o) { return phone_number_from_json(o); });
}

ApiResult<json::value> HttpAgentApi::send(const HttpCall& request) {
    const json::value* body = request.body.is_null() ? nullptr : &request.body;
    return call(request.method, std::string(api_paths::kBase) + request.path, body);
}

}  // namespace reconcile
