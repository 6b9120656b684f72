#pragma once
// Closed lists of names a field's value must come from: ISO 639-1 language codes and IANA time
// zone names. Both are compiled in (the time zones from the build machine's tzdata), so the
// check is the same wherever the binary runs and needs no files.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace reconcile {

// The 184 two-letter codes of ISO 639-1, lower case (as Debian's iso-codes lists them: "bh" is
// included, the withdrawn "sh" is not).
bool is_iso639_1(std::string_view code);
std::span<const std::string_view> iso639_1_codes();

// Zone and link names of the IANA tz database ("Europe/Rome", "UTC", "US/Eastern"), exact case.
bool is_iana_time_zone(std::string_view name);
std::span<const std::string_view> iana_time_zone_names();  // sorted
std::string_view tzdata_version();                          // e.g. "2025b"

// The listed name equal to `s` ignoring ASCII case ("europe/rome" -> "Europe/Rome"), if any.
std::optional<std::string> iana_time_zone_spelled(std::string_view s);

}  // namespace reconcile
