#pragma once
// A shard of a repository: `--shard K/N` runs plan, apply and drift for the K-th of N disjoint
// parts of the agents, so N CI jobs can share one workspace. Which agent belongs to which part
// is the engine's rule (reconcile/engine/shard.hpp); this is the data a plan records.
#include <expected>
#include <string>
#include <string_view>

namespace reconcile {

struct Shard {
    unsigned index = 1;  // 1..count
    unsigned count = 1;  // 1 = the whole repository

    bool whole() const { return count <= 1; }
    std::string text() const;  // "K/N"
    friend bool operator==(const Shard&, const Shard&) = default;
};

inline constexpr unsigned kMaxShards = 1024;

// "K/N" with 1 <= K <= N <= 1024, decimal digits only ("2/4"). The error says what is wrong.
std::expected<Shard, std::string> parse_shard(std::string_view text);

}  // namespace reconcile
