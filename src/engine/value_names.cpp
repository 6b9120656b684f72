#include "reconcile/engine/value_names.hpp"

#include <algorithm>
#include <array>

#include "reconcile/util/text.hpp"

namespace reconcile {

namespace generated {
extern const std::string_view tzdata_version;
extern const std::span<const std::string_view> iana_zone_names;
}  // namespace generated

namespace {

// ISO 639-1 as maintained by the registration authority (184 codes), sorted.
constexpr std::array<std::string_view, 184> kIso639_1 = {
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv",
    "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd",
    "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig",
    "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko",
    "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh",
    "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr",
    "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru",
    "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st",
    "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty",
    "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu"};

}  // namespace

bool is_iso639_1(std::string_view code) { return std::binary_search(kIso639_1.begin(), kIso639_1.end(), code); }

std::span<const std::string_view> iso639_1_codes() { return kIso639_1; }

bool is_iana_time_zone(std::string_view name) {
    const auto names = generated::iana_zone_names;
    return std::binary_search(names.begin(), names.end(), name);
}

std::span<const std::string_view> iana_time_zone_names() { return generated::iana_zone_names; }

std::string_view tzdata_version() { return generated::tzdata_version; }

std::optional<std::string> iana_time_zone_spelled(std::string_view s) {
    const auto wanted = ascii_lower(s);
    for (auto name : generated::iana_zone_names)
        if (ascii_lower(name) == wanted) return std::string(name);
    return std::nullopt;
}

}  // namespace reconcile
