#include "reconcile/engine/shard.hpp"

#include "reconcile/util/digest.hpp"
#include "reconcile/util/text.hpp"

namespace reconcile {

unsigned shard_of_name(std::string_view name, unsigned count) {
    if (count <= 1) return 1;
    return static_cast<unsigned>(fnv1a64(php_trim(name)) % count) + 1;
}

bool in_shard(std::string_view name, const Shard& shard) {
    return shard.whole() || shard_of_name(name, shard.count) == shard.index;
}

}  // namespace reconcile
