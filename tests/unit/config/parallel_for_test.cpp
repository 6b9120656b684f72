#include <doctest/doctest.h>

#include "reconcile/config/parallel_for.hpp"

#include <atomic>
#include <stdexcept>
#include <vector>

namespace reconcile {

TEST_CASE("parallel_for: every index once, on any number of threads") {
    for (unsigned threads : {0u, 1u, 2u, 7u}) {
        std::vector<std::atomic<int>> hits(1000);
        parallel_for(hits.size(), threads, [&](std::size_t i) { ++hits[i]; });
        for (auto& h : hits) REQUIRE(h.load() == 1);
    }
    parallel_for(0, 4, [](std::size_t) { FAIL("no index to run"); });
}

TEST_CASE("parallel_for: a job's exception reaches the caller; no index is taken after it") {
    // On one thread the order is fixed: indices after the failing one never run.
    int ran = 0;
    CHECK_THROWS_WITH_AS(parallel_for(1000, 1,
                                      [&](std::size_t i) {
                                          ++ran;
                                          if (i == 10) throw std::runtime_error("job 10 failed");
                                      }),
                         "job 10 failed", std::runtime_error);
    CHECK(ran == 11);
    // On several threads it still reaches the caller (a throw inside a thread would otherwise
    // end the process), and the indices left are not all run.
    std::atomic<int> ran_on_four{0};
    CHECK_THROWS_WITH_AS(parallel_for(1000000, 4,
                                      [&](std::size_t i) {
                                          ++ran_on_four;
                                          if (i % 100 == 7) throw std::runtime_error("a job failed");
                                      }),
                         "a job failed", std::runtime_error);
    CHECK(ran_on_four.load() < 1000000);
}

}  // namespace reconcile
