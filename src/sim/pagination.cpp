#include "pagination.hpp"

#include <algorithm>
#include <charconv>

namespace mihu_sim {

namespace {

constexpr std::size_t kMaxPerPage = 100;

HttpResponse invalid(std::string_view field, std::string_view details) {
    return error_response(422, "The given data was invalid.", "VALIDATION_ERROR", details, field);
}

std::expected<std::size_t, HttpResponse> positive(const std::optional<std::string>& text,
                                                  std::size_t fallback, std::string_view field) {
    if (!text) return fallback;
    std::size_t value = 0;
    const char* b = text->data();
    const char* e = b + text->size();
    auto [ptr, ec] = std::from_chars(b, e, value);
    if (text->empty() || ec != std::errc{} || ptr != e || value < 1)
        return std::unexpected(
            invalid(field, "The " + std::string(field) + " must be a positive integer."));
    return value;
}

}  // namespace

std::pair<std::size_t, std::size_t> Page::range(std::size_t total) const {
    // Compared before multiplying: a huge page number must not wrap around into a valid range.
    if (page - 1 >= (total + per_page - 1) / per_page) return {total, total};
    std::size_t first = (page - 1) * per_page;
    return {first, std::min(total, first + per_page)};
}

std::expected<Page, HttpResponse> parse_page(const HttpRequest& req) {
    auto page = positive(query_param(req.query(), "page"), 1, "page");
    if (!page) return std::unexpected(page.error());
    auto per_page = positive(query_param(req.query(), "per_page"), 15, "per_page");
    if (!per_page) return std::unexpected(per_page.error());
    if (*per_page > kMaxPerPage)
        return std::unexpected(invalid("per_page", "The per_page may not be greater than 100."));
    return Page{*page, *per_page};
}

json::object pagination_block(const Page& p, std::size_t total) {
    std::size_t last = std::max<std::size_t>(1, (total + p.per_page - 1) / p.per_page);
    json::object o;
    o["current_page"] = p.page;
    o["per_page"] = p.per_page;
    o["total"] = total;
    o["last_page"] = last;
    return o;
}

}  // namespace mihu_sim
