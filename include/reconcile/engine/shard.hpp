#pragma once
// Which shard an agent belongs to. Pure.
//
// The rule (stable across versions, machines and runs; changing it would move agents between
// CI jobs): an agent's shard is 1 + FNV-1a-64(trimmed name) mod N, where the name is trimmed
// the way the API stores it (PHP trim) and hashed as its UTF-8 bytes, with the FNV-1a 64-bit
// offset basis 14695981039346656037 and prime 1099511628211. A document belongs to the shard of
// its `name`; a live agent no document manages belongs to the shard of its live name. So every
// step of a plan (create, update, call provisioning, prune delete) is in exactly one shard.
#include <cstdint>
#include <string_view>

#include "reconcile/model/shard.hpp"
#include "reconcile/util/digest.hpp"  // fnv1a64

namespace reconcile {

// 1..count (1 when count <= 1).
unsigned shard_of_name(std::string_view name, unsigned count);

bool in_shard(std::string_view name, const Shard& shard);

}  // namespace reconcile
