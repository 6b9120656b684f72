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

TEST_CASE("parallel_for: a job's exception reaches the caller and the other indices stop") {
    std::atomic<int> ran{0};
    CHECK_THROWS_WITH_AS(parallel_for(100000, 2,
                                      [&](std::size_t i) {
                                          ++ran;
                                          if (i == 10) throw std::runtime_error("job 10 failed");
                                      }),
                         "job 10 failed", std::runtime_error);
    CHECK(ran.load() < 100000);
}

}  // namespace reconcile
