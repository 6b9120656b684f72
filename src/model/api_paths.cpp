#include "reconcile/model/api_paths.hpp"

namespace reconcile::api_paths {

namespace {

// Percent-encodes one path segment; uuids pass through unchanged, and a value read from a
// file can never add a segment or a query.
std::string segment(std::string_view s) {
    if (s == kCreatedAgent) return std::string(s);
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

}  // namespace

std::string agents() { return "/agents"; }
std::string agent(std::string_view uuid) { return "/agents/" + segment(uuid); }
std::string call_provision(std::string_view agent_uuid) {
    return "/agents/" + segment(agent_uuid) + "/channels/call/provision";
}
std::string phone_numbers() { return "/phone-numbers"; }

std::string page(std::string_view collection_path, int page, int per_page) {
    return std::string(collection_path) + "?page=" + std::to_string(page) + "&per_page=" + std::to_string(per_page);
}

std::string with_created_agent(std::string_view path, std::string_view uuid) {
    std::string out(path);
    if (auto at = out.find(kCreatedAgent); at != std::string::npos) out.replace(at, kCreatedAgent.size(), segment(uuid));
    return out;
}

}  // namespace reconcile::api_paths
