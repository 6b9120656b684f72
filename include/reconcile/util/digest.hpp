#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace reconcile {
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);
// Lower-case hex HMAC-SHA-256 (keyed fingerprints of secret values).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// 64-bit FNV-1a (offset basis 14695981039346656037, prime 1099511628211): a stable hash for
// shard assignment and look-up tables, not a digest.
std::uint64_t fnv1a64(std::string_view bytes);
}  // namespace reconcile
