// Parsing the workspace URL the user gives.
#include "reconcile/remote/endpoint.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>

#include "reconcile/util/text.hpp"

namespace reconcile {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && ascii_lower(s.substr(0, prefix.size())) == prefix;
}

bool valid_host_name(std::string_view h) {
    if (h.empty() || h.size() > 253) return false;
    for (char c : h) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'))
            return false;
    }
    return h.front() != '.' && h.front() != '-';
}

}  // namespace

bool Endpoint::ip_literal() const {
    error_code ec;
    (void)asio::ip::make_address(host, ec);
    return !ec;
}

bool Endpoint::official_workspace() const {
    constexpr std::string_view kDomain = ".mihu.ai";
    const std::string_view h = host;
    if (port != "443" || h.size() <= kDomain.size() || !h.ends_with(kDomain)) return false;
    const std::string_view workspace = h.substr(0, h.size() - kDomain.size());
    return workspace.find('.') == std::string_view::npos && !workspace.empty();
}

std::string Endpoint::authority() const {
    std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != "443") out += ":" + port;
    return out;
}

std::string Endpoint::host_port() const {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
}

std::string Endpoint::url() const { return "https://" + authority() + "/api/v1"; }

std::expected<Endpoint, std::string> Endpoint::parse(std::string_view input) {
    const std::string_view url = php_trim(input);
    const std::string shown(url);
    if (url.empty()) return std::unexpected("the API URL is empty (expected https://<workspace>.mihu.ai)");
    if (starts_with_ci(url, "http://"))
        return std::unexpected("API URL '" + shown +
                               "' uses plain http://: the API token must only travel over TLS, "
                               "use https://");
    if (!starts_with_ci(url, "https://"))
        return std::unexpected("API URL '" + shown +
                               "' must start with https:// (e.g. https://acme.mihu.ai)");

    std::string_view rest = url.substr(std::string_view("https://").size());
    const std::size_t auth_end = rest.find_first_of("/?#");
    const std::string_view auth = rest.substr(0, auth_end);
    const std::string_view tail = auth_end == std::string_view::npos ? "" : rest.substr(auth_end);

    if (auth.find('@') != std::string_view::npos)
        return std::unexpected("API URL '" + shown + "' must not contain credentials (user@host); "
                               "pass the API token separately");

    Endpoint e;
    std::string_view host_part = auth;
    std::string_view port_part;
    if (!auth.empty() && auth.front() == '[') {  // [IPv6]:port
        const std::size_t close = auth.find(']');
        if (close == std::string_view::npos)
            return std::unexpected("API URL '" + shown + "' has an unterminated IPv6 address");
        host_part = auth.substr(1, close - 1);
        std::string_view after = auth.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':')
                return std::unexpected("API URL '" + shown + "' has junk after the IPv6 address");
            port_part = after.substr(1);
            if (port_part.empty()) return std::unexpected("API URL '" + shown + "' has an empty port");
        }
        error_code ec;
        auto addr = asio::ip::make_address(std::string(host_part), ec);
        if (ec || !addr.is_v6())
            return std::unexpected("API URL '" + shown + "' has an invalid IPv6 address");
    } else {
        const std::size_t colon = auth.rfind(':');
        if (colon != std::string_view::npos) {
            host_part = auth.substr(0, colon);
            port_part = auth.substr(colon + 1);
            if (port_part.empty()) return std::unexpected("API URL '" + shown + "' has an empty port");
        }
        if (host_part.empty()) return std::unexpected("API URL '" + shown + "' has no host name");
        if (!valid_host_name(host_part))
            return std::unexpected("API URL '" + shown + "' has an invalid host name '" +
                                   std::string(host_part) + "'");
    }
    if (host_part.empty()) return std::unexpected("API URL '" + shown + "' has no host name");
    e.host = ascii_lower(host_part);
    while (e.host.size() > 1 && e.host.back() == '.') e.host.pop_back();  // "acme.mihu.ai."

    if (!port_part.empty()) {
        if (port_part.size() > 5 ||
            !std::all_of(port_part.begin(), port_part.end(),
                         [](char c) { return c >= '0' && c <= '9'; }))
            return std::unexpected("API URL '" + shown + "' has an invalid port '" +
                                   std::string(port_part) + "'");
        const int port = std::stoi(std::string(port_part));
        if (port < 1 || port > 65535)
            return std::unexpected("API URL '" + shown + "' has an out-of-range port " +
                                   std::string(port_part));
        e.port = std::to_string(port);
    }

    if (!tail.empty() && (tail.front() == '?' || tail.front() == '#'))
        return std::unexpected("API URL '" + shown + "' must not carry a query or fragment");
    std::string path(tail);
    if (path.find_first_of("?#") != std::string::npos)
        return std::unexpected("API URL '" + shown + "' must not carry a query or fragment");
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    if (!(path.empty() || path == "/" || path == "/api/v1"))
        return std::unexpected("API URL '" + shown + "' has an unexpected path '" + std::string(tail) +
                               "': give the workspace address, e.g. https://acme.mihu.ai "
                               "(optionally ending in /api/v1)");
    return e;
}

}  // namespace reconcile
