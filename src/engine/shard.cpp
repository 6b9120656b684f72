#include "reconcile/engine/shard.hpp"

#include "reconcile/util/text.hpp"

namespace reconcile {

std::uint64_t fnv1a64(std::string_view bytes) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

unsigned shard_of_name(std::string_view name, unsigned count) {
    if (count <= 1) return 1;
    return static_cast<unsigned>(fnv1a64(php_trim(name)) % count) + 1;
}

bool in_shard(std::string_view name, const Shard& shard) {
    return shard.whole() || shard_of_name(name, shard.count) == shard.index;
}

}  // namespace reconcile
