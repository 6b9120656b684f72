#include "reconcile/model/shard.hpp"

#include <charconv>

namespace reconcile {

std::string Shard::text() const { return std::to_string(index) + "/" + std::to_string(count); }

namespace {

bool parse_number(std::string_view s, unsigned& out) {
    if (s.empty() || s.size() > 9) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

std::expected<Shard, std::string> parse_shard(std::string_view text) {
    const auto slash = text.find('/');
    Shard s;
    if (slash == std::string_view::npos || !parse_number(text.substr(0, slash), s.index) ||
        !parse_number(text.substr(slash + 1), s.count))
        return std::unexpected("expected K/N, the K-th of N shards (e.g. 1/4), with whole numbers");
    if (s.count < 1 || s.count > kMaxShards)
        return std::unexpected("N must be between 1 and " + std::to_string(kMaxShards));
    if (s.index < 1 || s.index > s.count)
        return std::unexpected("K must be between 1 and N (" + std::to_string(s.count) + "): shards count from 1");
    return s;
}

}  // namespace reconcile
