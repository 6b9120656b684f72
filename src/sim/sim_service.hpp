#pragma once
// The simulator behind the sockets: routes /_sim test hooks and /api/v1 requests, applies fault
// rules and keeps the request log. Thread-safe: one mutex guards the state, the rules and the
// log, and it is never held while a request waits out a latency fault, so N clients see N
// requests in flight. The server carries out the stalls and connection drops an Outcome asks for.
//
// Test hooks (no authentication):
//   GET  /_sim/state            {"agents": [...], "phone_numbers": [...]}
//   GET  /_sim/requests         {"requests": [{"seq", "method", "target", "body", "status",
//                                "connection", "at_ms", "fault"}]}
//   POST /_sim/requests/clear
//   GET  /_sim/faults           POST /_sim/faults {"faults": [rule...]}   POST /_sim/faults/clear
//   POST /_sim/seed             replace the workspace (see seed.hpp)
//   GET  /_sim/contract         the contract document the simulator validates with
//   GET  /_sim/health
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "faults.hpp"
#include "routes.hpp"

namespace mihu_sim {

enum class Disposition {
    Respond,           // send `response`
    CloseAfterCommit,  // state applied; close the connection without answering
    CloseNow,          // close without answering (nothing applied)
    StallThenClose,    // hold the connection for `stall_ms` without answering, then close
};

struct Outcome {
    Disposition disposition = Disposition::Respond;
    HttpResponse response;
    int stall_ms = 0;
    std::optional<int> logged_status;  // status recorded in the log (nullopt: none sent)
    std::optional<FaultAction> fault;
};

class SimService {
public:
    using Sleep = std::function<void(std::chrono::milliseconds)>;

    explicit SimService(std::string token = "sim-token");

    std::expected<void, std::string> load_seed(const json::value& seed);
    // Renders every agent's API text now (the store caches it until a write): otherwise the
    // first listing renders them all, and a benchmark run beside the simulator would time
    // the simulator's start-up work as the client's.
    void render_all();

    // One request from arrival to outcome: choose the fault, wait out a latency fault with
    // `sleep` (without the lock), then process.
    Outcome serve(const HttpRequest& req, std::uint64_t connection, const Sleep& sleep);
    // Phase 1 (API requests only): which fault applies. Consumes the rule's "times" slot.
    FaultDecision choose_fault(const HttpRequest& req);
    // Phase 2: handle the request (or not, depending on the fault) and log it.
    Outcome process(const HttpRequest& req, std::uint64_t connection, const FaultDecision& fault);
    // Both phases, no waiting (for tests).
    Outcome handle(const HttpRequest& req, std::uint64_t connection = 0);

    static bool is_hook(const HttpRequest& req);

    json::value state_json() const;
    json::value requests_json() const;

private:
    mutable std::mutex mu_;
    SimApi api_;
    FaultEngine faults_;
    json::array log_;
    std::uint64_t next_seq_ = 1;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

    HttpResponse hook(const HttpRequest& req);
    HttpResponse hook_locked(const HttpRequest& req);  // hooks that read or write the state
    Outcome apply_fault(const HttpRequest& req, const FaultDecision& fault);
    void log_request(const HttpRequest& req, std::uint64_t connection, const Outcome& out);
};

}  // namespace mihu_sim
