// The Mihu agents API over an HttpTransport: envelopes, errors, pagination.
//
// Assumptions where the API docs are silent (see the README's API table):
// - list endpoints answer `data.items` plus `data.pagination.{current_page, last_page}`;
//   a Laravel paginator (`data.data`, `data.last_page`) is read the same way;
// - a 2xx body whose `success` is absent is a success; `data` is what counts.
#include "reconcile/remote/http_agent_api.hpp"

#include <atomic>
#include <type_traits>
#include <thread>
#include <unordered_set>

#include "reconcile/model/api_paths.hpp"
#include "reconcile/remote/agent_page_reader.hpp"
#include "reconcile/remote/envelope.hpp"
#include "reconcile/remote/retry.hpp"
#include "reconcile/util/text.hpp"

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

// One page of a listing, read and parsed.
template <class T>
struct PageRead {
    std::vector<T> items;
    std::optional<long long> current;
    std::optional<long long> last;   // nullopt: the answer gave no page count
    bool bare_array = false;         // `data` was the list itself: there are no more pages
    std::size_t size = 0;            // items on the page
};

// Reads one page's `data`. `parse` turns one item (moved from) into T (nullopt = no identifier).
template <class T, class Parse>
ApiResult<PageRead<T>> read_page(json::value& data, const std::string& path, const char* id_key, Parse& parse) {
    PageRead<T> out;
    json::array* items = nullptr;
    const json::object* pagination = nullptr;
    if (data.is_array()) {
        items = &data.get_array();
        out.bare_array = true;
    } else if (data.is_object()) {
        auto& d = data.get_object();
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
    if (pagination) {
        out.current = int_at(*pagination, "current_page");
        out.last = int_at(*pagination, "last_page");
    }
    out.size = items->size();
    out.items.reserve(items->size());
    std::size_t index = 0;
    for (auto& item : *items) {
        std::optional<T> parsed;
        if (item.is_object()) parsed = parse(item.get_object());
        if (!parsed) {
            return std::unexpected(api_error(ApiError::Kind::Malformed, "GET", path, 200,
                                              "item " + std::to_string(index) + " has no `" + id_key + "`"));
        }
        out.items.push_back(std::move(*parsed));
        ++index;
    }
    return out;
}

}  // namespace

// Reads every page of a list endpoint. Page 1 first (the other connections open meanwhile);
// when it gives the page count, the other pages are read concurrently over the extra
// connections (each worker parses its page while the others are in flight) and assembled in
// page order, so the result is the same as reading them one by one. Without a page count, pages
// are read one by one until a short or empty one.
//
// The agents' pages are parsed as they arrive (AgentPageReader) when they have the documented
// shape; any other answer is parsed whole and each item handed to `parse`.
template <class T, class Parse>
ApiResult<std::vector<T>> HttpAgentApi::read_all_pages(const std::string& collection, const char* id_key,
                                                       Parse&& parse) {
    constexpr long long kMaxPages = 10000;  // a runaway pagination guard (a million items)
    auto path_of = [&](long long page) {
        return std::string(api_paths::kBase) + api_paths::page(collection, static_cast<int>(page), per_page_);
    };
    listed_bytes_ = 0;
    reader_refused_ = false;
    auto fetch = [&](HttpTransport& transport, long long page) -> ApiResult<PageRead<T>> {
        const std::string path = path_of(page);
        std::optional<AgentPageReader> streamed;
        if constexpr (std::is_same_v<T, LiveAgent>)
            if (!reader_refused_.load()) streamed.emplace();
        bool read_as_it_came = false;
        auto data = call(transport, "GET", path, nullptr, streamed ? &*streamed : nullptr, &read_as_it_came);
        if (!data) return std::unexpected(std::move(data.error()));
        if (listed_bytes_.load() > listing_budget_)
            return std::unexpected(api_error(ApiError::Kind::Malformed, "GET", path, 200,
                                             "the listing's answers exceed " + format_size(listing_budget_) +
                                                 " together; refusing to read further"));
        if constexpr (std::is_same_v<T, LiveAgent>) {
            if (read_as_it_came) {
                AgentPage read = streamed->take();
                PageRead<LiveAgent> out;
                out.size = read.agents.size();
                out.items = std::move(read.agents);
                out.current = read.current_page;
                out.last = read.last_page;
                return out;
            }
        }
        return read_page<T>(*data, path, id_key, parse);
    };

    std::vector<T> out;
    std::unordered_set<std::string> seen;
    // Appends a page; false when it is the last one.
    auto take = [&](PageRead<T>& page, long long number) {
        for (auto& item : page.items)
            if (seen.insert(item.uuid).second) out.push_back(std::move(item));
        if (page.size == 0 || page.bare_array) return false;
        if (page.last) return page.current.value_or(number) < *page.last;
        // No page count: a short page is the last one.
        return page.size >= static_cast<std::size_t>(per_page_);
    };

    // The other connections open while page 1 is in flight (a TLS handshake each), so that
    // they are ready when it gives the page count; with one page, apply's workers reuse them.
    std::vector<std::thread> openers;
    openers.reserve(extra_.size());
    for (HttpTransport* t : extra_) openers.emplace_back([t] { t->connect_ahead(); });
    auto first = fetch(transport_, 1);
    for (auto& t : openers) t.join();
    if (!first) return std::unexpected(std::move(first.error()));
    long long next = 2;
    bool more = take(*first, 1);

    // Concurrent: pages 2..last over every connection.
    // Never a partial live state: a truncated list would plan creates of agents that exist.
    auto too_many = [&] {
        return api_error(ApiError::Kind::Malformed, "GET", collection, 200,
                         "the list has more than " + std::to_string(kMaxPages) + " pages; refusing a partial read");
    };
    if (first->last && *first->last > kMaxPages) return std::unexpected(too_many());
    if (more && first->last && !extra_.empty()) {
        const long long last = *first->last;
        const std::size_t count = static_cast<std::size_t>(std::max(0LL, last - 1));
        std::vector<std::optional<ApiResult<PageRead<T>>>> pages(count);
        std::atomic<std::size_t> next_index{0};
        std::atomic<bool> failed{false};
        auto worker = [&](HttpTransport* transport) {
            for (;;) {
                if (failed.load()) return;
                const std::size_t i = next_index.fetch_add(1);
                if (i >= count) return;
                pages[i] = fetch(*transport, static_cast<long long>(i) + 2);
                if (!*pages[i]) failed = true;  // the others stop taking pages
            }
        };
        std::vector<HttpTransport*> connections{&transport_};
        connections.insert(connections.end(), extra_.begin(), extra_.end());
        const std::size_t n = std::min(connections.size(), count);
        std::vector<std::thread> threads;
        for (std::size_t w = 1; w < n; ++w) threads.emplace_back(worker, connections[w]);
        worker(connections[0]);
        for (auto& t : threads) t.join();
        for (std::size_t i = 0; i < count && more; ++i) {
            if (!pages[i]) break;  // not read: an earlier page failed
            if (!*pages[i]) return std::unexpected(std::move(pages[i]->error()));
            more = take(**pages[i], next);
            ++next;
        }
        if (failed.load())
            for (auto& p : pages)
                if (p && !*p) return std::unexpected(std::move(p->error()));
    }
    // One by one: no page count, or pages added while reading.
    for (; more && next <= kMaxPages; ++next) {
        auto page = fetch(transport_, next);
        if (!page) return std::unexpected(std::move(page.error()));
        more = take(*page, next);
    }
    if (more) return std::unexpected(too_many());
    return out;
}

HttpAgentApi::HttpAgentApi(HttpTransport& transport, Retrier* retrier, int per_page)
    : transport_(transport), retrier_(retrier), per_page_(std::clamp(per_page, 1, 100)) {}

ApiResult<json::value> HttpAgentApi::call(HttpTransport& transport, const std::string& method,
                                          const std::string& path, const json::value* body, BodyReader* reader,
                                          bool* read_by_reader) {
    HttpRequest request{method, path, body ? json::serialize(*body) : std::string(), reader};
    auto send = [&](const HttpRequest& r) -> ApiResult<HttpResponse> {
        auto response = transport.send(r);
        if (!response) {
            const TransportError& t = response.error();
            ApiError e = api_error(ApiError::Kind::Transport, method, path, 0, t.message);
            e.network = t.kind;
            e.maybe_committed = t.request_sent && is_write(method);
            return std::unexpected(std::move(e));
        }
        if (method == "GET") listed_bytes_ += response->body.size() + response->body_bytes_streamed;
        if (retrier_ && response->rate_remaining)
            retrier_->observe_rate_headers(response->rate_limit, *response->rate_remaining, response->status == 429);
        return std::move(*response);
    };
    bool refused = false;
    auto once = [&]() -> ApiResult<json::value> {
        if (read_by_reader) *read_by_reader = false;
        auto response = send(request);
        if (!response) return std::unexpected(std::move(response.error()));
        if (response->body_refused) {
            // Not what the reader reads (another shape, an error in the envelope): asked for
            // again below, to be read the general way. Only a GET is given a reader.
            refused = true;
            return json::value(nullptr);
        }
        if (response->body_read) {
            if (read_by_reader) *read_by_reader = true;
            return json::value(nullptr);
        }
        return parse_envelope(method, path, *response);
    };
    auto run = [&]() { return retrier_ ? retrier_->run<json::value>(method, once) : once(); };
    auto result = run();
    if (result && refused) {
        // The second request is paced and retried like any other.
        reader_refused_ = true;
        request.body_reader = nullptr;
        result = run();
    }
    return result;
}

ApiResult<std::vector<LiveAgent>> HttpAgentApi::list_agents() {
    return read_all_pages<LiveAgent>(api_paths::agents(), "agent_uuid",
                                     [](json::object& o) { return live_agent_from_page(o); });
}

ApiResult<std::vector<PhoneNumber>> HttpAgentApi::list_phone_numbers() {
    return read_all_pages<PhoneNumber>(api_paths::phone_numbers(), "phone_number_uuid",
                                       [](json::object& o) { return phone_number_from_json(o); });
}

ApiResult<json::value> HttpAgentApi::send(const HttpCall& request) {
    const json::value* body = request.body.is_null() ? nullptr : &request.body;
    return call(transport_, request.method, std::string(api_paths::kBase) + request.path, body);
}

}  // namespace reconcile
