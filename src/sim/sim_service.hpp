#pragma once
// The simulator behind the sockets: routes /_sim test hooks and /api/v1 requests, applies fault
// rules and keeps the request log. Thread-safe (one mutex); never sleeps; the server carries
// out the delays and connection drops an Outcome asks for.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "faults.hpp"
#include "sim_state.hpp"

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
    explicit SimService(std::string token = "sim-token");

    std::expected<void, std::string> load_seed(const json::value& seed);

    // Phase 1 (API requests only): which fault applies. Consumes the rule's "times" slot.
    // A latency decision asks the caller to wait decision->ms before process().
    std::optional<FaultDecision> choose_fault(const HttpRequest& req);
    // Phase 2: handle the request (or not, depending on the fault) and log it.
    Outcome process(const HttpRequest& req, std::uint64_t connection,
                    const std::optional<FaultDecision>& fault);
    // Both phases, no waiting (for tests).
    Outcome handle(const HttpRequest& req, std::uint64_t connection = 0);

    static bool is_hook(const HttpRequest& req);

    json::value state_json() const;
    json::value requests_json() const;

private:
    mutable std::mutex mu_;
    SimState state_;
    FaultEngine faults_;
    json::array log_;
    std::uint64_t next_seq_ = 1;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

    HttpResponse hook(const HttpRequest& req);
};

}  // namespace mihu_sim
