#pragma once
#include <chrono>
#include <optional>
#include <string_view>

namespace reconcile {

// Parses a Retry-After value: delta seconds ("120") or an HTTP-date (IMF-fixdate
// "Sun, 06 Nov 1994 08:49:37 GMT"; the obsolete RFC 850 and asctime forms too). A date in the
// past gives 0. nullopt when the value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

}  // namespace reconcile
