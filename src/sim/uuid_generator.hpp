#pragma once
// Deterministic identifiers for the simulated workspace: the same seed and requests always give
// the same uuids.
#include <cstdint>
#include <string>

namespace mihu_sim {

// Version-4-shaped UUIDs from a fixed-seed SplitMix64 stream.
class UuidGenerator {
public:
    std::string next();

private:
    static constexpr std::uint64_t kSeed = 0x6d69687573696dULL;
    std::uint64_t state_ = kSeed;
    std::uint64_t next64();
};

}  // namespace mihu_sim
