#include "fake_clock.hpp"

#include <chrono>
#include <cstdio>

namespace mihu_sim {

std::string FakeClock::peek() const {
    using namespace std::chrono;
    sys_seconds t = sys_days{year{2026} / January / 1} + seconds{seconds_};
    auto day = floor<days>(t);
    year_month_day ymd{day};
    hh_mm_ss hms{t - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()));
    return buf;
}

std::string FakeClock::tick() {
    std::string now = peek();
    ++seconds_;
    return now;
}

}  // namespace mihu_sim
