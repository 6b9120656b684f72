#include <doctest/doctest.h>

#include <algorithm>
#include <regex>

#include "reconcile/engine/value_names.hpp"
#include "reconcile/model/schema.hpp"

using namespace reconcile;

TEST_SUITE("value names") {

TEST_CASE("ISO 639-1: the 184 two-letter codes, lower case only") {
    CHECK(iso639_1_codes().size() == 184);
    CHECK(std::is_sorted(iso639_1_codes().begin(), iso639_1_codes().end()));
    for (std::string_view code : {"en", "it", "de", "no", "nb", "tr", "zh", "bh", "zu", "aa"}) CHECK(is_iso639_1(code));
    for (std::string_view bad : {"EN", "eng", "e", "", "en-US", "xx", "sh", "qq", "iw"}) CHECK_FALSE(is_iso639_1(bad));
}

TEST_CASE("IANA zone names from the build machine's tzdata: zones and links, exact case") {
    const auto names = iana_time_zone_names();
    CHECK(names.size() > 400);
    CHECK(std::is_sorted(names.begin(), names.end()));
    CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
    CHECK_FALSE(tzdata_version().empty());
    for (std::string_view zone : {"Europe/Rome", "America/New_York", "Europe/Oslo", "UTC", "Etc/GMT+5",
                                  "America/Argentina/Buenos_Aires", "US/Eastern", "Europe/Kiev", "Europe/Kyiv"})
        CHECK_MESSAGE(is_iana_time_zone(zone), zone);
    for (std::string_view bad : {"europe/rome", "Europe/Roma", "Rome", "", "CEST", "Factory", "+01:00", "Europe/"})
        CHECK_MESSAGE(!is_iana_time_zone(bad), bad);
    CHECK(iana_time_zone_spelled("europe/ROME") == "Europe/Rome");
    CHECK_FALSE(iana_time_zone_spelled("Europe/Roma").has_value());
}

TEST_CASE("every zone name has the form the schema's pattern gives editors") {
    const auto* tz = Schema::agent().root().property("timezone");
    REQUIRE(tz);
    for (auto name : iana_time_zone_names()) CHECK_MESSAGE(tz->matches_pattern(name), name);
    const auto* language = Schema::agent().root().property("language");
    for (auto code : iso639_1_codes()) CHECK_MESSAGE(language->matches_pattern(code), code);
}

}  // TEST_SUITE
