#pragma once
// Deterministic time for the simulated workspace: no wall clock, so state is reproducible.
#include <cstdint>
#include <string>

namespace mihu_sim {

// 2026-01-01T00:00:00Z, one second per write.
class FakeClock {
public:
    // The current instant as "YYYY-MM-DDTHH:MM:SSZ", then advance by one second.
    std::string tick();
    std::string peek() const;

private:
    std::int64_t seconds_ = 0;  // since the start instant
};

}  // namespace mihu_sim
