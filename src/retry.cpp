// Retries with backoff, Retry-After, and an AIMD rate limiter shared by workers.
#include "reconcile/retry.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <random>
#include <thread>
#include <vector>

namespace reconcile {

using std::chrono::milliseconds;
namespace chr = std::chrono;

// ---------------------------------------------------------------------------------------------
// Retry-After

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

int month_number(std::string_view m) {
    static constexpr std::array<std::string_view, 12> names = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (std::size_t i = 0; i < names.size(); ++i)
        if (iequals(m, names[i])) return static_cast<int>(i) + 1;
    return 0;
}

bool is_day_name(std::string_view d) {
    static constexpr std::array<std::string_view, 14> names = {
        "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals(d, n); });
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
    if (tok.size() == 6 && iequals(tok[5], "GMT")) {
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
    value = trim(value);
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

// ---------------------------------------------------------------------------------------------
// Clock

namespace {

class SystemRetryClock final : public RetryClock {
public:
    chr::steady_clock::time_point now() override { return chr::steady_clock::now(); }
    chr::system_clock::time_point wall_now() override { return chr::system_clock::now(); }
    void sleep_for(milliseconds d) override {
        if (d.count() > 0) std::this_thread::sleep_for(d);
    }
};

}  // namespace

RetryClock& system_retry_clock() {
    static SystemRetryClock clock;
    return clock;
}

// ---------------------------------------------------------------------------------------------
// AdaptiveRateLimiter

AdaptiveRateLimiter::AdaptiveRateLimiter(RateLimiterOptions options, RetryClock& clock)
    : opts_(options), clock_(clock), interval_(options.min_interval) {}

AdaptiveRateLimiter::time_point AdaptiveRateLimiter::acquire() {
    std::unique_lock lock(mu_);
    for (;;) {
        const auto now = clock_.now();
        auto ready = pause_until_;
        if (last_start_) ready = std::max(ready, *last_start_ + interval_);
        if (ready <= now) {
            last_start_ = now;
            recent_starts_.push_back(now);
            if (recent_starts_.size() > 1024) recent_starts_.pop_front();
            return now;
        }
        const auto wait = chr::ceil<milliseconds>(ready - now);
        lock.unlock();
        clock_.sleep_for(wait);  // re-checked: a 429 elsewhere may have moved the goal
        lock.lock();
    }
}

// Mean interval between the request starts of the last observe_window, if there are enough.
std::optional<chr::steady_clock::duration> AdaptiveRateLimiter::observed_interval(time_point now) {
    while (!recent_starts_.empty() && recent_starts_.front() < now - opts_.observe_window)
        recent_starts_.pop_front();
    if (recent_starts_.size() < 3) return std::nullopt;
    const auto span = recent_starts_.back() - recent_starts_.front();
    if (span <= chr::steady_clock::duration::zero()) return std::nullopt;
    return span / static_cast<long>(recent_starts_.size() - 1);
}

void AdaptiveRateLimiter::on_success() {
    std::lock_guard lock(mu_);
    const chr::steady_clock::duration floor = opts_.min_interval;
    if (interval_ <= floor) return;
    // Additive increase of the rate: 1/interval + step.
    const double seconds = chr::duration<double>(interval_).count();
    const double rate = 1.0 / seconds + std::max(0.0, step_rate_);
    auto next = chr::duration_cast<chr::steady_clock::duration>(chr::duration<double>(1.0 / rate));
    if (next < chr::milliseconds(1)) next = floor;  // close enough to unpaced
    interval_ = std::max(floor, next);
}

void AdaptiveRateLimiter::on_rate_limited(time_point started, std::optional<milliseconds> retry_after) {
    std::lock_guard lock(mu_);
    ++rate_limited_;
    const auto now = clock_.now();
    if (!last_increase_ || started > *last_increase_) {
        // The pace that drew the 429: the interval, or the observed pace when the workers were
        // slower than it (or unpaced).
        auto pace = interval_;
        if (auto observed = observed_interval(now); observed && *observed > pace) pace = *observed;
        chr::steady_clock::duration next;
        if (pace <= chr::steady_clock::duration::zero()) {
            next = opts_.first_interval;
            pace = chr::duration_cast<chr::steady_clock::duration>(opts_.first_interval / opts_.increase_factor);
        } else {
            next = chr::duration_cast<chr::steady_clock::duration>(pace * opts_.increase_factor);
        }
        next = std::max<chr::steady_clock::duration>(next, opts_.min_interval);
        interval_ = std::min<chr::steady_clock::duration>(next, opts_.max_interval);
        step_rate_ = opts_.recovery_fraction / chr::duration<double>(pace).count();
        last_increase_ = now;
    }
    if (retry_after) {
        const auto pause = std::min(*retry_after, opts_.max_pause);
        pause_until_ = std::max(pause_until_, now + pause);
    }
}

milliseconds AdaptiveRateLimiter::interval() const {
    std::lock_guard lock(mu_);
    return chr::duration_cast<milliseconds>(interval_);
}

std::size_t AdaptiveRateLimiter::rate_limited_count() const {
    std::lock_guard lock(mu_);
    return rate_limited_;
}

// ---------------------------------------------------------------------------------------------
// Retrier

namespace {

double default_uniform01() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

Retrier::Retrier(RetryPolicy policy, AdaptiveRateLimiter* limiter, RetryClock& clock,
                 std::function<double()> uniform01)
    : policy_(policy), limiter_(limiter), clock_(clock), uniform01_(std::move(uniform01)) {
    if (!uniform01_) uniform01_ = default_uniform01;
    if (policy_.max_attempts < 1) policy_.max_attempts = 1;
}

bool Retrier::is_retryable(std::string_view method, const ApiError& error) {
    if (method != "GET" && method != "PATCH") return false;  // POST: the caller decides
    switch (error.kind) {
        case ApiError::Kind::Auth:
            return false;
        case ApiError::Kind::Malformed:
            return true;
        case ApiError::Kind::Http:
            return error.status == 429 || error.status == 502 || error.status == 503 ||
                   error.status == 504;
        case ApiError::Kind::Transport:
            if (!error.transport_kind) return true;
            switch (*error.transport_kind) {
                case TransportError::Kind::Timeout:
                case TransportError::Kind::Reset:
                case TransportError::Kind::Connect:
                case TransportError::Kind::Protocol:
                    return true;
                case TransportError::Kind::Resolve:
                case TransportError::Kind::Tls:
                case TransportError::Kind::TooLarge:
                    return false;
            }
            return false;
    }
    return false;
}

milliseconds Retrier::backoff(int attempts) {
    const int exponent = std::clamp(attempts - 1, 0, 30);
    const double ceiling = std::min<double>(static_cast<double>(policy_.max_delay.count()),
                                            static_cast<double>(policy_.base_delay.count()) *
                                                static_cast<double>(1LL << exponent));
    const double u = std::clamp(uniform01_(), 0.0, 1.0);
    return milliseconds{static_cast<long long>(u * ceiling)};
}

std::optional<milliseconds> Retrier::next_delay(std::string_view method, const ApiError& error,
                                                int attempts, milliseconds elapsed) {
    if (!is_retryable(method, error)) return std::nullopt;
    if (attempts >= policy_.max_attempts) return std::nullopt;
    std::optional<milliseconds> delay;
    if ((error.status == 429 || error.status == 503) && error.retry_after)
        delay = parse_retry_after(*error.retry_after, clock_.wall_now());
    if (!delay) delay = backoff(attempts);
    if (elapsed + *delay > policy_.max_retry_time) return std::nullopt;
    return delay;
}

AdaptiveRateLimiter::time_point Retrier::before_attempt(int attempt) {
    ++attempts_;
    if (attempt > 1) ++retries_;
    return limiter_ ? limiter_->acquire() : clock_.now();
}

void Retrier::after_attempt(AdaptiveRateLimiter::time_point ticket, const ApiError* error) {
    const bool throttled = error && error->kind == ApiError::Kind::Http && error->status == 429;
    if (throttled) ++rate_limited_;
    if (!limiter_) return;
    if (!error) {
        limiter_->on_success();
    } else if (throttled) {
        std::optional<milliseconds> pause;
        if (error->retry_after) pause = parse_retry_after(*error->retry_after, clock_.wall_now());
        limiter_->on_rate_limited(ticket, pause);
    }
}

void Retrier::log_retry(const ApiError& error, int attempts, milliseconds delay) {
    spdlog::debug("retry: {}; attempt {} of {} in {} ms", error.describe(), attempts + 1,
                  policy_.max_attempts, delay.count());
}

RetryStats Retrier::stats() const {
    return RetryStats{attempts_.load(), retries_.load(), rate_limited_.load(), gave_up_.load()};
}

// ---------------------------------------------------------------------------------------------
// RetryingAgentApi

ApiResult<std::vector<LiveAgent>> RetryingAgentApi::list_agents() {
    return retrier_.run<std::vector<LiveAgent>>("GET", [&] { return inner_.list_agents(); });
}

ApiResult<std::vector<PhoneNumber>> RetryingAgentApi::list_phone_numbers() {
    return retrier_.run<std::vector<PhoneNumber>>("GET", [&] { return inner_.list_phone_numbers(); });
}

ApiResult<LiveAgent> RetryingAgentApi::get_agent(const std::string& uuid) {
    return retrier_.run<LiveAgent>("GET", [&] { return inner_.get_agent(uuid); });
}

ApiResult<LiveAgent> RetryingAgentApi::create_agent(const json::object& body) {
    return retrier_.run<LiveAgent>("POST", [&] { return inner_.create_agent(body); });
}

ApiResult<LiveAgent> RetryingAgentApi::patch_agent(const std::string& uuid, const json::object& body) {
    return retrier_.run<LiveAgent>("PATCH", [&] { return inner_.patch_agent(uuid, body); });
}

ApiResult<ProvisionResult> RetryingAgentApi::provision_call(const std::string& agent_uuid,
                                                            const std::string& phone_number_uuid) {
    return retrier_.run<ProvisionResult>(
        "POST", [&] { return inner_.provision_call(agent_uuid, phone_number_uuid); });
}

}  // namespace reconcile
