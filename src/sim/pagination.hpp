#pragma once
// Laravel-style paging of the list endpoints: ?page=N (from 1) & per_page=M (default 15, at
// most 100); the response's data.pagination block.
#include <boost/json.hpp>
#include <cstddef>
#include <expected>
#include <utility>

#include "http_types.hpp"

namespace mihu_sim {

struct Page {
    std::size_t page = 1;
    std::size_t per_page = 15;

    // The [first, last) positions of this page among `total` items (empty past the end).
    std::pair<std::size_t, std::size_t> range(std::size_t total) const;
};

// 422 naming "page" or "per_page" when a value is not a positive integer or per_page > 100.
std::expected<Page, HttpResponse> parse_page(const HttpRequest& req);

// {"current_page", "per_page", "total", "last_page"}
json::object pagination_block(const Page& p, std::size_t total);

}  // namespace mihu_sim
