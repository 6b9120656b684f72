// The service behind the sockets: fault actions, the request log, test hooks, and that a latency
// fault does not hold the lock (parallel clients see their requests in flight together).
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "sim_service.hpp"
#include "sim_test_support.hpp"

using namespace sim_test;
using mihu_sim::Disposition;
using mihu_sim::SimService;

TEST_SUITE("sim_service") {

TEST_CASE("fault rules: matching, times, and the request log") {
    SimService svc;
    REQUIRE(svc.load_seed(seed_with_agents(1)));
    auto set = svc.handle(make("POST", "/_sim/faults", R"({"faults": [
        {"method": "POST", "path_prefix": "/api/v1/agents", "times": 1, "action": "status", "status": 503, "retry_after": "2"},
        {"method": "*", "path_prefix": "/api/v1/phone-numbers", "action": "wrong_content_type"}]})"));
    REQUIRE(set.response.status == 200);

    auto first = svc.handle(make("POST", "/api/v1/agents", R"({"name": "X"})"), 7);
    CHECK(first.response.status == 503);
    CHECK(first.response.header("Retry-After") == "2");
    auto second = svc.handle(make("POST", "/api/v1/agents", R"({"name": "X"})"), 7);
    CHECK(second.response.status == 201);
    auto html = svc.handle(make("GET", "/api/v1/phone-numbers"), 8);
    CHECK(html.response.status == 200);
    CHECK(html.response.header("Content-Type")->starts_with("text/html"));

    json::value log = svc.requests_json();
    const auto& reqs = log.at("requests").as_array();
    REQUIRE(reqs.size() == 3);
    CHECK(at(reqs[0], "/fault") == "status");
    CHECK(at(reqs[0], "/status") == 503);
    CHECK(at(reqs[0], "/connection") == 7);
    CHECK(at(reqs[0], "/body/name") == "X");
    CHECK(at(reqs[1], "/fault").is_null());
    CHECK(at(reqs[1], "/status") == 201);
    CHECK(at(reqs[2], "/fault") == "wrong_content_type");
    json::value st = svc.state_json();
    CHECK(st.at("agents").as_array().size() == 2);  // the 503 was not applied

    svc.handle(make("POST", "/_sim/requests/clear"));
    CHECK(svc.requests_json().at("requests").as_array().empty());
    svc.handle(make("POST", "/_sim/faults/clear"));
    CHECK(svc.handle(make("GET", "/api/v1/phone-numbers")).response.header("Content-Type") == "application/json");
}

TEST_CASE("drop_after_commit applies the write; drop_before and stall do not") {
    SimService svc;
    svc.handle(make("POST", "/_sim/faults", R"({"faults": [
        {"method": "POST", "times": 1, "action": "drop_after_commit"},
        {"method": "POST", "times": 1, "action": "drop_before"},
        {"method": "POST", "times": 1, "action": "stall", "ms": 50},
        {"method": "POST", "times": 1, "action": "malformed_json"}]})"));
    auto committed = svc.handle(make("POST", "/api/v1/agents", R"({"name": "A"})"));
    CHECK(committed.disposition == Disposition::CloseAfterCommit);
    auto dropped = svc.handle(make("POST", "/api/v1/agents", R"({"name": "B"})"));
    CHECK(dropped.disposition == Disposition::CloseNow);
    auto stalled = svc.handle(make("POST", "/api/v1/agents", R"({"name": "C"})"));
    CHECK(stalled.disposition == Disposition::StallThenClose);
    CHECK(stalled.stall_ms == 50);
    auto garbled = svc.handle(make("POST", "/api/v1/agents", R"({"name": "D"})"));
    CHECK(garbled.response.status == 200);
    boost::system::error_code ec;
    (void)json::parse(garbled.response.body, ec);
    CHECK(ec);
    json::value st = svc.state_json();
    const auto& agents = st.at("agents").as_array();
    REQUIRE(agents.size() == 2);
    CHECK(at(agents[0], "/name") == "A");
    CHECK(at(agents[1], "/name") == "D");
    json::value log = svc.requests_json();
    CHECK(at(log, "/requests/0/status") == 201);
    CHECK(at(log, "/requests/1/status").is_null());
    CHECK(at(log, "/requests/1/fault") == "drop_before");
}

TEST_CASE("rate-limit headers go on every paced API response, not on test hooks") {
    SimService svc;
    REQUIRE(svc.load_seed(seed_with_agents(1)));
    svc.handle(make("POST", "/_sim/faults",
                    R"({"faults": [{"action": "rate_limit", "per_second": 0.001, "burst": 2, "retry_after": true}]})"));
    auto ok = svc.handle(make("GET", "/api/v1/agents"));
    CHECK(ok.response.status == 200);
    CHECK(ok.response.header("X-RateLimit-Limit") == "2");
    CHECK(ok.response.header("X-RateLimit-Remaining") == "1");
    auto bad = svc.handle(make("PATCH", "/api/v1/agents/nope", R"({"name": "x"})"));
    CHECK(bad.response.status == 404);
    CHECK(bad.response.header("X-RateLimit-Remaining") == "0");
    auto limited = svc.handle(make("GET", "/api/v1/agents"));
    CHECK(limited.response.status == 429);
    CHECK(limited.response.header("X-RateLimit-Remaining") == "0");
    CHECK(limited.response.header("Retry-After").has_value());
    CHECK(parse(limited.response).at("error").at("code") == "RATE_LIMITED");
    CHECK_FALSE(svc.handle(make("GET", "/_sim/state")).response.header("X-RateLimit-Limit"));
}

TEST_CASE("test hooks: seed replaces the state, contract is served, /_sim requests are not logged") {
    SimService svc;
    auto r = svc.handle(make("POST", "/_sim/seed", json::serialize(seed_with_agents(5))));
    CHECK(r.response.status == 200);
    CHECK(parse(r.response).at("agents") == 5);
    CHECK(svc.state_json().at("agents").as_array().size() == 5);
    CHECK(svc.handle(make("POST", "/_sim/seed", R"({"agents": 3})")).response.status == 400);
    CHECK(svc.handle(make("POST", "/_sim/seed", R"({"agents": )")).response.status == 400);
    CHECK(svc.state_json().at("agents").as_array().size() == 5);
    auto contract = svc.handle(make("GET", "/_sim/contract"));
    CHECK(contract.response.status == 200);
    CHECK(parse(contract.response).contains("agent_defaults"));
    CHECK(svc.handle(make("GET", "/_sim/health")).response.status == 200);
    CHECK(svc.handle(make("GET", "/_sim/nope")).response.status == 404);
    CHECK(svc.requests_json().at("requests").as_array().empty());
}

TEST_CASE("latency faults sleep without the lock: 8 parallel requests overlap") {
    constexpr int kClients = 8;
    constexpr int kLatencyMs = 200;
    SimService svc;
    REQUIRE(svc.load_seed(seed_with_agents(3)));
    svc.handle(make("POST", "/_sim/faults",
                    R"({"faults": [{"action": "latency", "ms": )" + std::to_string(kLatencyMs) + "}]}"));
    using clock = std::chrono::steady_clock;
    std::atomic<long long> sum_ms{0};
    std::atomic<int> in_flight{0}, most_in_flight{0};
    auto sleep = [&](std::chrono::milliseconds ms) {
        int now = ++in_flight;
        for (int seen = most_in_flight; now > seen && !most_in_flight.compare_exchange_weak(seen, now);) {
        }
        std::this_thread::sleep_for(ms);
        --in_flight;
    };
    auto started = clock::now();
    std::vector<std::thread> clients;
    for (int i = 0; i < kClients; ++i)
        clients.emplace_back([&, i] {
            auto t0 = clock::now();
            auto out = svc.serve(make("GET", "/api/v1/agents"), i, sleep);
            CHECK(out.response.status == 200);
            sum_ms += std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0).count();
        });
    for (auto& t : clients) t.join();
    auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started).count();
    MESSAGE(kClients << " requests with " << kLatencyMs << " ms latency: " << wall
                     << " ms wall clock, " << sum_ms.load() << " ms summed, at most "
                     << most_in_flight.load() << " in flight");
    CHECK(sum_ms.load() >= kClients * kLatencyMs);
    CHECK(wall * 2 < sum_ms.load());  // serialized requests would take the whole sum
    CHECK(most_in_flight.load() > 1);
    CHECK(svc.requests_json().at("requests").as_array().size() == kClients);
}

}  // TEST_SUITE
