#pragma once
#include <string>
#include <string_view>

namespace reconcile {
// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view data);
// Lower-case hex HMAC-SHA-256 (keyed fingerprints of secret values).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
}  // namespace reconcile
