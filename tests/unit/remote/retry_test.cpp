// Retry-After parsing, the retry rules, backoff, and the adaptive rate limiter, on a fake clock.
#include <doctest/doctest.h>

#include <deque>
#include <map>
#include <mutex>

#include "reconcile/remote/http_agent_api.hpp"
#include "reconcile/remote/retry.hpp"
#include "reconcile/remote/retry_after.hpp"
#include "scripted_transport.hpp"

using namespace reconcile;
using namespace reconcile::testing;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

class FakeClock final : public RetryClock {
public:
    std::chrono::steady_clock::time_point t = std::chrono::steady_clock::time_point(1h);
    std::chrono::system_clock::time_point wall0 =
        std::chrono::sys_days{std::chrono::year{2024} / 3 / 1} + 12h;
    std::vector<milliseconds> sleeps;
    std::chrono::steady_clock::time_point now() override { return t; }
    std::chrono::system_clock::time_point wall_now() override {
        return wall0 + (t - std::chrono::steady_clock::time_point(1h));
    }
    void sleep_for(milliseconds d) override {
        sleeps.push_back(d);
        t += d;
    }
    milliseconds slept() const {
        milliseconds total{0};
        for (auto d : sleeps) total += d;
        return total;
    }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// parse_retry_after

TEST_CASE("parse_retry_after: delta seconds") {
    const auto now = std::chrono::system_clock::now();
    CHECK(parse_retry_after("120", now) == milliseconds(120'000));
    CHECK(parse_retry_after(" 0 ", now) == milliseconds(0));
    CHECK(parse_retry_after("99999999999999", now) == milliseconds(7LL * 24 * 3600 * 1000));
    CHECK_FALSE(parse_retry_after("", now).has_value());
    CHECK_FALSE(parse_retry_after("-5", now).has_value());
    CHECK_FALSE(parse_retry_after("1.5", now).has_value());
    CHECK_FALSE(parse_retry_after("soon", now).has_value());
}

TEST_CASE("parse_retry_after: HTTP dates") {
    using namespace std::chrono;
    const auto date = sys_days{year{1994} / 11 / 6} + 8h + 49min + 37s;
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date - 30s) == milliseconds(30'000));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date - 1500ms) == milliseconds(1500));
    CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", date - 10s) == milliseconds(10'000));
    CHECK(parse_retry_after("Sun Nov  6 08:49:37 1994", date - 10s) == milliseconds(10'000));
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", date + 1h) == milliseconds(0));  // past
    CHECK_FALSE(parse_retry_after("Sun, 31 Feb 1994 08:49:37 GMT", date).has_value());
    CHECK_FALSE(parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", date).has_value());
    CHECK_FALSE(parse_retry_after("Sun, 06 Nov 1994 25:49:37 GMT", date).has_value());
    CHECK_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:37 PST", date).has_value());
}

// ---------------------------------------------------------------------------------------------
// Retrier

TEST_CASE("Retrier honours Retry-After in seconds") {
    FakeClock clock;
    Retrier retrier({}, nullptr, clock, [] { return 0.5; });
    ScriptedTransport inner;
    inner.replies = {http_error(429, "3"), agent_answer()};
    HttpAgentApi api(inner, &retrier);
    auto r = api.send(patch_call());
    REQUIRE(r.has_value());
    CHECK(inner.calls == 2);
    REQUIRE(clock.sleeps.size() == 1);
    CHECK(clock.sleeps[0] == 3000ms);
    CHECK(retrier.stats().retries == 1);
    CHECK(retrier.stats().rate_limited == 1);
}

TEST_CASE("Retrier honours Retry-After as an HTTP date") {
    FakeClock clock;
    Retrier retrier({}, nullptr, clock, [] { return 0.5; });
    ScriptedTransport inner;
    // wall clock is 2024-03-01 12:00:00 GMT (a Friday)
    inner.replies = {http_error(429, "Fri, 01 Mar 2024 12:00:12 GMT"), agent_answer()};
    HttpAgentApi api(inner, &retrier);
    REQUIRE(api.send(patch_call()).has_value());
    REQUIRE(clock.sleeps.size() == 1);
    CHECK(clock.sleeps[0] == 12'000ms);
}

TEST_CASE("Retrier: a 503 with Retry-After waits for it too; a 429 without one backs off") {
    FakeClock clock;
    Retrier retrier({}, nullptr, clock, [] { return 1.0; });
    ScriptedTransport inner;
    inner.replies = {http_error(503, "2"), http_error(429), agent_answer()};
    HttpAgentApi api(inner, &retrier);
    REQUIRE(api.send(patch_call()).has_value());
    REQUIRE(clock.sleeps.size() == 2);
    CHECK(clock.sleeps[0] == 2000ms);
    CHECK(clock.sleeps[1] == 1000ms);  // second attempt failed: base * 2
}

TEST_CASE("Retrier: exponential backoff with full jitter grows and is capped") {
    FakeClock clock;
    RetryPolicy policy;
    policy.max_attempts = 10;
    policy.max_retry_time = 1h;
    double u = 1.0;
    Retrier retrier(policy, nullptr, clock, [&] { return u; });
    ScriptedTransport inner;
    inner.replies = {http_error(503)};
    inner.repeat_last = true;
    HttpAgentApi api(inner, &retrier);
    auto r = api.send(patch_call());
    REQUIRE_FALSE(r.has_value());
    CHECK(inner.calls == 10);
    CHECK(r.error().attempts == 10);
    const std::vector<milliseconds> expected = {500ms,   1000ms,  2000ms,  4000ms, 8000ms,
                                                16000ms, 30000ms, 30000ms, 30000ms};
    CHECK(clock.sleeps == expected);
    CHECK(retrier.stats().gave_up == 1);

    // Full jitter: the delay is uniform below the ceiling.
    u = 0.25;
    CHECK(retrier.backoff(1) == 125ms);
    CHECK(retrier.backoff(3) == 500ms);
    CHECK(retrier.backoff(40) == 7500ms);
    u = 0.0;
    CHECK(retrier.backoff(5) == 0ms);
}

TEST_CASE("Retrier: attempts are bounded by max_attempts") {
    FakeClock clock;
    Retrier retrier({}, nullptr, clock, [] { return 0.1; });
    ScriptedTransport inner;
    inner.replies = {http_error(502)};
    inner.repeat_last = true;
    HttpAgentApi api(inner, &retrier);
    auto r = api.send(patch_call());
    REQUIRE_FALSE(r.has_value());
    CHECK(inner.calls == 5);
    CHECK(clock.sleeps.size() == 4);
    CHECK(r.error().status == 502);
    CHECK(r.error().describe().find("[after 5 attempts]") != std::string::npos);
}

TEST_CASE("Retrier: attempts are bounded by max_retry_time") {
    FakeClock clock;
    RetryPolicy policy;
    policy.max_attempts = 100;
    policy.max_retry_time = 2s;
    Retrier retrier(policy, nullptr, clock, [] { return 1.0; });
    ScriptedTransport inner;
    inner.replies = {http_error(504)};
    inner.repeat_last = true;
    HttpAgentApi api(inner, &retrier);
    REQUIRE_FALSE(api.send(patch_call()).has_value());
    // 500ms (t=0.5s), 1000ms (t=1.5s), then 2000ms would pass 2s: give up after 3 attempts.
    CHECK(inner.calls == 3);
    CHECK(clock.slept() == 1500ms);

    // A Retry-After longer than the budget is not waited for.
    ScriptedTransport inner2;
    inner2.replies = {http_error(429, "120"), agent_answer()};
    HttpAgentApi api2(inner2, &retrier);
    auto r = api2.send(patch_call());
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().status == 429);
    CHECK(inner2.calls == 1);
}

TEST_CASE("Retrier: 4xx, auth errors and final transport errors are not retried") {
    for (unsigned status : {400u, 401u, 403u, 404u, 409u, 422u, 500u}) {
        CAPTURE(status);
        FakeClock clock;
        Retrier retrier({}, nullptr, clock, [] { return 0.5; });
        ScriptedTransport inner;
        inner.replies = {http_error(status), agent_answer()};
        HttpAgentApi api(inner, &retrier);
        auto r = api.send(patch_call());
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().status == status);
        CHECK(inner.calls == 1);
        CHECK(clock.sleeps.empty());
    }
    for (auto kind : {NetworkFailure::Tls, NetworkFailure::Resolve, NetworkFailure::TooLarge}) {
        FakeClock clock;
        Retrier retrier({}, nullptr, clock, [] { return 0.5; });
        ScriptedTransport inner;
        inner.replies = {transport_error(kind), agent_answer()};
        HttpAgentApi api(inner, &retrier);
        CHECK_FALSE(api.send(patch_call()).has_value());
        CHECK(inner.calls == 1);
    }
}

TEST_CASE("Retrier: timeouts, resets, refused connections and malformed answers are retried") {
    FakeClock clock;
    Retrier retrier({}, nullptr, clock, [] { return 0.5; });
    ScriptedTransport inner;
    HttpResponse malformed;  // a 200 that is not the API's JSON (a proxy's error page)
    malformed.status = 200;
    malformed.content_type = "text/html";
    malformed.body = "<html>oops</html>";
    inner.replies = {transport_error(NetworkFailure::Timeout),
                    transport_error(NetworkFailure::Reset),
                    transport_error(NetworkFailure::Connect),
                    malformed, agent_page_answer()};
    HttpAgentApi api(inner, &retrier);
    REQUIRE(api.list_agents().has_value());
    CHECK(inner.calls == 5);
}

TEST_CASE("Retrier: POST (create, provision) is never retried") {
    FakeClock clock;
    Retrier retrier({}, nullptr, clock, [] { return 0.5; });
    for (const Answer& error : {http_error(429, "1"), http_error(503), transport_error(NetworkFailure::Timeout, true)}) {
        ScriptedTransport inner;
        inner.replies = {error};
        inner.repeat_last = true;
        HttpAgentApi api(inner, &retrier);
        auto created = api.send(create_call());
        REQUIRE_FALSE(created.has_value());
        // A request that may have reached the server is reported so; apply decides what to do.
        CHECK(created.error().maybe_committed == !error.has_value());
        CHECK_FALSE(api.send(provision_call()).has_value());
        CHECK(inner.calls == 2);
    }
    CHECK(clock.sleeps.empty());
}

// ---------------------------------------------------------------------------------------------
// AdaptiveRateLimiter

TEST_CASE("AdaptiveRateLimiter slows down on 429 and speeds up again") {
    FakeClock clock;
    AdaptiveRateLimiter limiter({}, clock);
    CHECK(limiter.interval() == 0ms);
    limiter.acquire();
    limiter.acquire();
    CHECK(clock.sleeps.empty());  // unpaced until told otherwise

    auto t1 = limiter.acquire();
    limiter.on_rate_limited(t1, std::nullopt);
    CHECK(limiter.interval() == 200ms);
    limiter.acquire();
    limiter.acquire();
    const std::vector<milliseconds> paced = {200ms, 200ms};
    CHECK(clock.sleeps == paced);

    // A 429 for a request started before the last increase does not count again.
    limiter.on_rate_limited(t1, std::nullopt);
    CHECK(limiter.interval() == 200ms);

    auto t2 = limiter.acquire();
    limiter.on_rate_limited(t2, std::nullopt);
    CHECK(limiter.interval() == 400ms);
    auto t3 = limiter.acquire();
    limiter.on_rate_limited(t3, std::nullopt);
    CHECK(limiter.interval() == 800ms);
    CHECK(limiter.rate_limited_count() == 4);

    // Successes add to the rate: 1.25/s + 0.02/s per success.
    limiter.on_success();
    CHECK(limiter.interval() < 800ms);
    CHECK(limiter.interval() > 780ms);
    for (int i = 0; i < 200; ++i) limiter.on_success();
    CHECK(limiter.interval() < 200ms);
    const auto before = limiter.interval();
    for (int i = 0; i < 10; ++i) limiter.on_success();
    CHECK(limiter.interval() < before);
    for (int i = 0; i < 100'000; ++i) limiter.on_success();
    CHECK(limiter.interval() < 10ms);  // back towards unpaced
}

TEST_CASE("AdaptiveRateLimiter: Retry-After pauses every request, capped") {
    FakeClock clock;
    RateLimiterOptions opts;
    opts.max_pause = 30s;
    AdaptiveRateLimiter limiter(opts, clock);
    auto t = limiter.acquire();
    limiter.on_rate_limited(t, 5s);
    limiter.acquire();
    CHECK(clock.slept() == 5000ms);
    auto t2 = limiter.acquire();
    limiter.on_rate_limited(t2, 3600s);
    const auto before = clock.slept();
    limiter.acquire();
    CHECK(clock.slept() - before == 30'000ms);
}

TEST_CASE("Rate limiter + retrier meet a workspace rate limit with few 429s") {
    // A server that accepts one request per 100 ms (10/s) and answers 429 otherwise.
    auto run = [](bool use_limiter) {
        FakeClock clock;
        AdaptiveRateLimiter limiter({}, clock);
        Retrier retrier({}, use_limiter ? &limiter : nullptr, clock, [] { return 0.5; });
        std::optional<std::chrono::steady_clock::time_point> last_ok;
        int rejected = 0;
        int ok = 0;
        ScriptedTransport server;
        server.respond = [&](const HttpRequest&) -> Answer {
            clock.t += 5ms;  // service time
            if (last_ok && clock.t - *last_ok < 100ms) {
                ++rejected;
                return http_error(429);
            }
            last_ok = clock.t;
            ++ok;
            return agent_answer();
        };
        HttpAgentApi api(server, &retrier);
        int failed = 0;
        for (int i = 0; i < 500; ++i)
            if (!api.send(patch_call())) ++failed;
        return std::tuple{rejected, failed, ok};
    };
    auto [rejected_paced, failed_paced, ok_paced] = run(true);
    auto [rejected_unpaced, failed_unpaced, ok_unpaced] = run(false);
    MESSAGE("429s with the limiter: " << rejected_paced << ", without: " << rejected_unpaced);
    CHECK(failed_paced == 0);
    CHECK(ok_paced == 500);
    CHECK(rejected_paced <= 20);  // about one in 50
    CHECK(rejected_paced * 5 < rejected_unpaced);
}

TEST_CASE("With X-RateLimit headers the limiter spends the bucket, then holds the refill rate") {
    // A token bucket of 50 refilled at 50/s, stating what is left on every answer, as the
    // simulator and Laravel's throttle do. One request at a time, 2 ms of service time each.
    FakeClock clock;
    AdaptiveRateLimiter limiter({}, clock);
    Retrier retrier({.max_attempts = 10}, &limiter, clock, [] { return 0.5; });
    double tokens = 50;
    auto last = clock.t;
    int rejected = 0;
    ScriptedTransport server;
    server.respond = [&](const HttpRequest&) -> Answer {
        clock.t += 2ms;
        tokens = std::min(50.0, tokens + std::chrono::duration<double>(clock.t - last).count() * 50.0);
        last = clock.t;
        const bool ok = tokens >= 1.0;
        if (ok) tokens -= 1.0;
        else ++rejected;
        Answer a = ok ? agent_answer() : http_error(429);
        a->rate_limit = 50;
        a->rate_remaining = static_cast<long long>(tokens);
        return a;
    };
    HttpAgentApi api(server, &retrier);
    const auto start = clock.t;
    for (int i = 0; i < 1000; ++i) REQUIRE(api.send(patch_call()));
    const double seconds = std::chrono::duration<double>(clock.t - start).count();
    MESSAGE("1000 requests at 50/s: " << seconds << " s, " << rejected << " answered 429, estimated rate "
                                      << limiter.estimated_rate());
    // Ideal: the bucket's 50 at once, then 950 at 50/s = 19 s.
    CHECK(seconds <= 1.1 * 20.0);
    CHECK(rejected < 20);  // under 2%
    CHECK(limiter.estimated_rate() == doctest::Approx(50.0).epsilon(0.1));
}

TEST_CASE("An interrupt stops retries and backoff waits, and no attempt starts after it") {
    FakeClock clock;
    std::atomic<bool> cancel{false};
    Retrier retrier({.max_attempts = 5, .base_delay = 10'000ms}, nullptr, clock, [] { return 1.0; });
    retrier.set_cancel(&cancel);
    ScriptedTransport server;
    int sent = 0;
    server.respond = [&](const HttpRequest&) -> Answer {
        ++sent;
        cancel = true;  // Ctrl-C while the first attempt is in flight
        return http_error(503);
    };
    HttpAgentApi api(server, &retrier);
    auto r = api.send(patch_call());
    REQUIRE_FALSE(r);
    CHECK(sent == 1);
    CHECK(clock.slept() <= 50ms);  // the 10 s backoff was cut short
    CHECK(r.error().message.find("interrupted") != std::string::npos);

    auto again = api.send(patch_call());
    REQUIRE_FALSE(again);
    CHECK(sent == 1);
    CHECK(again.error().network == NetworkFailure::Cancelled);
}

TEST_CASE("Pages after the first are read over every connection and assembled in page order") {
    // 7 pages of 2 agents (per_page 2); page k holds agents 2k-1 and 2k.
    std::mutex mu;
    std::map<int, int> reads;  // page -> times read
    auto page_answer = [&](const HttpRequest& request) -> Answer {
        const auto at = request.target.find("page=");
        const int page = std::stoi(request.target.substr(at + 5));
        {
            std::lock_guard lock(mu);
            ++reads[page];
        }
        std::string items;
        for (int i = 2 * page - 1; i <= 2 * page; ++i)
            items += std::string(items.empty() ? "" : ",") + R"({"agent_uuid":"u)" + std::to_string(i) +
                     R"(","name":"A)" + std::to_string(i) + R"("})";
        return json_response(200, R"({"success":true,"data":{"items":[)" + items +
                                      R"(],"pagination":{"current_page":)" + std::to_string(page) +
                                      R"(,"per_page":2,"total":14,"last_page":7}}})");
    };
    ScriptedTransport main, extra1, extra2;
    main.respond = extra1.respond = extra2.respond = page_answer;
    HttpAgentApi api(main, nullptr, 2);
    api.set_read_connections({&extra1, &extra2});
    auto agents = api.list_agents();
    REQUIRE(agents);
    REQUIRE(agents->size() == 14);
    for (int i = 0; i < 14; ++i) CHECK((*agents)[static_cast<std::size_t>(i)].uuid == "u" + std::to_string(i + 1));
    CHECK(reads.size() == 7);
    for (const auto& [page, n] : reads) CHECK(n == 1);
}

TEST_CASE("A failing page fails the listing, whichever connection read it") {
    ScriptedTransport main, extra;
    auto answer = [](const HttpRequest& request) -> Answer {
        if (request.target.find("page=3") != std::string::npos) return http_error(404);
        return json_response(200, R"({"data":{"items":[{"agent_uuid":"x","name":"X"}],)"
                                  R"("pagination":{"current_page":1,"last_page":4}}})");
    };
    main.respond = extra.respond = answer;
    HttpAgentApi api(main, nullptr, 1);
    api.set_read_connections({&extra});
    auto agents = api.list_agents();
    REQUIRE_FALSE(agents);
    CHECK(agents.error().status == 404);
    CHECK(agents.error().path.find("page=3") != std::string::npos);
}

TEST_CASE("A page the streaming reader refuses is asked for again through the retrier: paced and retried") {
    // The transport refuses a body its reader cannot read (here: every body given to a reader);
    // the second request, without a reader, is answered 503 once, then the page.
    FakeClock clock;
    AdaptiveRateLimiter limiter({}, clock);
    Retrier retrier({}, &limiter, clock, [] { return 0.5; });
    ScriptedTransport server;
    int plain_requests = 0;
    server.respond = [&](const HttpRequest& request) -> Answer {
        if (request.body_reader) {
            HttpResponse refused = *agent_page_answer();
            refused.body.clear();
            refused.body_refused = true;
            return refused;
        }
        if (++plain_requests == 1) return http_error(503);
        return agent_page_answer();
    };
    HttpAgentApi api(server, &retrier);
    auto agents = api.list_agents();
    REQUIRE(agents);
    REQUIRE(agents->size() == 1);
    CHECK((*agents)[0].uuid == "a");
    REQUIRE(server.requests.size() == 3);
    CHECK(server.requests[0].body_reader != nullptr);
    CHECK(server.requests[1].body_reader == nullptr);
    CHECK(server.requests[2].body_reader == nullptr);
    CHECK(retrier.stats().attempts == 3);  // each request passed the limiter
    CHECK(retrier.stats().retries == 1);
}
