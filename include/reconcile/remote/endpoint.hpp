#pragma once
// The workspace address: where the API token may be sent.
#include <expected>
#include <string>
#include <string_view>

namespace reconcile {

struct Endpoint {
    std::string scheme = "https";
    std::string host;
    std::string port = "443";
    std::string url() const;             // canonical "https://host[:port]/api/v1"
    std::string authority() const;       // the Host header: "host" or "[v6]", ":port" unless 443
    std::string host_port() const;       // "host:port", for messages
    bool ip_literal() const;             // an IP address rather than a host name
    // A Mihu workspace host: "<workspace>.mihu.ai" on port 443. The API token may be sent to such
    // a URL even when only the repository names it.
    bool official_workspace() const;
    // Accepts "https://x.mihu.ai", "https://x.mihu.ai/", "https://x.mihu.ai/api/v1", with a port.
    static std::expected<Endpoint, std::string> parse(std::string_view url);
};

}  // namespace reconcile
