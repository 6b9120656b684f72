// Retry-After: delta seconds or an HTTP date.
#include "reconcile/remote/retry_after.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "reconcile/util/text.hpp"

namespace reconcile {

using std::chrono::milliseconds;
namespace chr = std::chrono;

// ---------------------------------------------------------------------------------------------
// Retry-After

namespace {

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

int month_number(std::string_view m) {
    static constexpr std::array<std::string_view, 12> names = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (std::size_t i = 0; i < names.size(); ++i)
        if (iequals_ascii(m, names[i])) return static_cast<int>(i) + 1;
    return 0;
}

bool is_day_name(std::string_view d) {
    static constexpr std::array<std::string_view, 14> names = {
        "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals_ascii(d, n); });
}

// "08:49:37" -> seconds of the day.
std::optional<int> time_of_day(std::string_view t) {
    if (t.size() != 8 || t[2] != ':' || t[5] != ':') return std::nullopt;
    const auto hh = t.substr(0, 2), mm = t.substr(3, 2), ss = t.substr(6, 2);
    if (!all_digits(hh) || !all_digits(mm) || !all_digits(ss)) return std::nullopt;
    const int h = to_int(hh), m = to_int(mm), s = std::min(to_int(ss), 59);  // leap second
    if (h > 23 || m > 59) return std::nullopt;
    return h * 3600 + m * 60 + s;
}

// IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT",
// asctime "Sun Nov  6 08:49:37 1994".
std::optional<chr::system_clock::time_point> parse_http_date(std::string_view s) {
    std::vector<std::string_view> tok;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == ',' || s[i] == '-' || s[i] == '\t')) ++i;
        const std::size_t start = i;
        while (i < s.size() && !(s[i] == ' ' || s[i] == ',' || s[i] == '-' || s[i] == '\t')) ++i;
        if (i > start) tok.push_back(s.substr(start, i - start));
    }
    std::string_view day, mon, year, time;
    if (tok.size() == 6 && iequals_ascii(tok[5], "GMT")) {
        day = tok[1], mon = tok[2], year = tok[3], time = tok[4];
    } else if (tok.size() == 5) {
        mon = tok[1], day = tok[2], time = tok[3], year = tok[4];
    } else {
        return std::nullopt;
    }
    if (!is_day_name(tok[0]) || !all_digits(day) || day.size() > 2 || !all_digits(year) ||
        (year.size() != 4 && year.size() != 2))
        return std::nullopt;
    const int m = month_number(mon);
    if (m == 0) return std::nullopt;
    int y = to_int(year);
    if (year.size() == 2) y += y < 70 ? 2000 : 1900;  // RFC 850 two-digit years
    const auto secs = time_of_day(time);
    if (!secs) return std::nullopt;
    const chr::year_month_day ymd{chr::year{y}, chr::month{static_cast<unsigned>(m)},
                                  chr::day{static_cast<unsigned>(to_int(day))}};
    if (!ymd.ok()) return std::nullopt;
    return chr::sys_days{ymd} + chr::seconds{*secs};
}

}  // namespace

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              chr::system_clock::time_point now) {
    value = php_trim(value);
    if (value.empty()) return std::nullopt;
    if (all_digits(value)) {
        constexpr long long kMaxSeconds = 7 * 24 * 3600;  // saturate absurd values at a week
        if (value.size() > 9) return chr::seconds{kMaxSeconds};
        return chr::seconds{std::min<long long>(to_int(value), kMaxSeconds)};
    }
    const auto when = parse_http_date(value);
    if (!when) return std::nullopt;
    if (*when <= now) return milliseconds{0};
    return chr::ceil<milliseconds>(*when - now);
}

}  // namespace reconcile
