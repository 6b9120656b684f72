// Fault rules: parsing, matching, times, and the rate limiter's token bucket and headers.
#include <chrono>

#include "faults.hpp"
#include "sim_test_support.hpp"

using namespace sim_test;
using mihu_sim::FaultAction;
using mihu_sim::FaultEngine;

namespace {

std::optional<std::string> header(const mihu_sim::FaultDecision& d, std::string_view name) {
    for (const auto& [k, v] : d.headers)
        if (mihu_sim::iequals(k, name)) return v;
    return std::nullopt;
}

}  // namespace

TEST_SUITE("sim_faults") {

TEST_CASE("rate_limit: token bucket with optional Retry-After") {
    auto now = std::chrono::steady_clock::time_point{};
    FaultEngine engine([&] { return now; });
    REQUIRE(engine.set_rules(json::parse(
        R"({"faults": [{"action": "rate_limit", "per_second": 2, "retry_after": true}]})")));
    CHECK_FALSE(engine.decide("GET", "/api/v1/agents").action);
    CHECK_FALSE(engine.decide("GET", "/api/v1/agents").action);
    auto limited = engine.decide("GET", "/api/v1/agents");
    REQUIRE(limited.action == FaultAction::RateLimit);
    CHECK(limited.response->status == 429);
    CHECK(header(limited, "Retry-After") == "1");
    now += std::chrono::milliseconds(600);
    CHECK_FALSE(engine.decide("GET", "/api/v1/agents").action);

    REQUIRE(engine.set_rules(json::parse(
        R"({"faults": [{"action": "rate_limit", "per_second": 1, "retry_after": false}]})")));
    CHECK_FALSE(engine.decide("GET", "/x").action);
    auto bare = engine.decide("GET", "/x");
    REQUIRE(bare.action == FaultAction::RateLimit);
    CHECK_FALSE(header(bare, "Retry-After"));
    CHECK(header(bare, "X-RateLimit-Limit") == "1");  // headers without Retry-After
    CHECK(header(bare, "X-RateLimit-Remaining") == "0");

    CHECK_FALSE(engine.set_rules(json::parse(R"({"faults": [{"action": "explode"}]})")));
    CHECK_FALSE(engine.set_rules(json::parse(R"({"faults": [{"action": "latency"}]})")));
    CHECK_FALSE(engine.set_rules(json::parse(R"({"faults": [{"action": "rate_limit", "per_second": 5, "burst": 0.5}]})")));
    CHECK_FALSE(engine.set_rules(json::parse(R"({"faults": [{"action": "rate_limit", "per_second": 5, "headers": "yes"}]})")));
}

TEST_CASE("rate_limit: every paced response carries X-RateLimit-Limit and -Remaining") {
    auto now = std::chrono::steady_clock::time_point{};
    FaultEngine engine([&] { return now; });
    REQUIRE(engine.set_rules(json::parse(R"({"faults": [{"action": "rate_limit", "per_second": 3}]})")));
    for (const char* remaining : {"2", "1", "0"}) {
        auto d = engine.decide("GET", "/api/v1/agents");
        CHECK_FALSE(d.action);
        CHECK(header(d, "X-RateLimit-Limit") == "3");
        CHECK(header(d, "X-RateLimit-Remaining") == remaining);
    }
    auto limited = engine.decide("GET", "/api/v1/agents");
    CHECK(limited.action == FaultAction::RateLimit);
    CHECK(header(limited, "X-RateLimit-Remaining") == "0");
    CHECK_FALSE(header(limited, "Retry-After"));  // not asked for

    REQUIRE(engine.set_rules(json::parse(
        R"({"faults": [{"action": "rate_limit", "per_second": 3, "headers": false, "retry_after": true}]})")));
    for (int i = 0; i < 3; ++i) CHECK(engine.decide("GET", "/x").headers.empty());
    auto quiet = engine.decide("GET", "/x");
    CHECK_FALSE(header(quiet, "X-RateLimit-Limit"));
    CHECK(header(quiet, "Retry-After") == "1");
}

TEST_CASE("rate_limit: a steady 50 per second with a burst of 5") {
    auto now = std::chrono::steady_clock::time_point{};
    FaultEngine engine([&] { return now; });
    REQUIRE(engine.set_rules(
        json::parse(R"({"faults": [{"action": "rate_limit", "per_second": 50, "burst": 5}]})")));
    int allowed = 0;
    for (int i = 0; i < 10; ++i) allowed += engine.decide("GET", "/x").action ? 0 : 1;
    CHECK(allowed == 5);  // the burst, then refused at once
    // Over one second at 100 requests per second, 50 more get through (plus the refilled burst
    // slack of at most one).
    allowed = 0;
    for (int i = 0; i < 100; ++i) {
        now += std::chrono::milliseconds(10);
        allowed += engine.decide("GET", "/x").action ? 0 : 1;
    }
    CHECK(allowed >= 49);
    CHECK(allowed <= 51);
    auto d = engine.decide("GET", "/x");
    CHECK(header(d, "X-RateLimit-Limit") == "5");
    json::value rules = engine.rules_json();
    CHECK(at(rules, "/0/burst").as_double() == 5.0);
    CHECK(at(rules, "/0/headers") == true);
}

TEST_CASE("rate_limit passes allowed requests to the rules after it, with its headers") {
    auto now = std::chrono::steady_clock::time_point{};
    FaultEngine engine([&] { return now; });
    REQUIRE(engine.set_rules(json::parse(R"({"faults": [
        {"action": "rate_limit", "per_second": 100},
        {"action": "status", "status": 503, "times": 1}]})")));
    auto d = engine.decide("PATCH", "/api/v1/agents/x");
    CHECK(d.action == FaultAction::Status);
    CHECK(d.response->status == 503);
    CHECK(header(d, "X-RateLimit-Limit") == "100");
    auto next = engine.decide("PATCH", "/api/v1/agents/x");
    CHECK_FALSE(next.action);
    CHECK(header(next, "X-RateLimit-Remaining") == "98");
}

}  // TEST_SUITE
