#include "http_types.hpp"

#include <algorithm>

namespace mihu_sim {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 &&
                   hex_digit(s[i + 2]) >= 0) {
            out += char(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return std::string_view(v);
    return std::nullopt;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
    return find_header(headers, name);
}

std::string_view HttpRequest::path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
}

std::string_view HttpRequest::query() const {
    std::string_view t = target;
    auto q = t.find('?');
    return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
    return find_header(headers, name);
}

HttpResponse json_text_response(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
}

HttpResponse json_response(int status, const json::value& body) {
    return json_text_response(status, json::serialize(body));
}

json::object success_envelope(std::string_view message, json::value data) {
    json::object o;
    o["success"] = true;
    o["message"] = message;
    o["data"] = std::move(data);
    return o;
}

HttpResponse error_response(int status, std::string_view message, std::string_view code,
                            std::string_view details, std::string_view field) {
    json::object err;
    err["code"] = code;
    if (!details.empty()) err["details"] = details;
    if (!field.empty()) err["field"] = field;
    json::object o;
    o["success"] = false;
    o["message"] = message;
    o["error"] = std::move(err);
    return json_response(status, o);
}

HttpResponse not_found(std::string_view what) {
    return error_response(404, std::string(what) + " not found", "NOT_FOUND");
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        auto eq = part.find('=');
        if (percent_decode(part.substr(0, eq)) != name) continue;
        return eq == std::string_view::npos ? std::string{} : percent_decode(part.substr(eq + 1));
    }
    return std::nullopt;
}

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
    }
    return out;
}

std::expected<json::object, HttpResponse> body_object(const HttpRequest& req) {
    std::string_view body = req.body;
    bool blank = std::all_of(body.begin(), body.end(), [](char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    });
    if (blank) return json::object{};
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec)
        return std::unexpected(error_response(400, "Malformed request or invalid JSON",
                                              "INVALID_JSON", ec.message()));
    if (!v.is_object())
        return std::unexpected(
            error_response(400, "The request body must be a JSON object", "INVALID_JSON"));
    return std::move(v.as_object());
}

}  // namespace mihu_sim
