#pragma once
// Work spread over the cores: the loader's files, the planner's comparisons.
#include <cstddef>
#include <functional>

namespace reconcile {

// Runs job(i) for every i < count on up to `threads` threads (0 = one per core), each taking
// the next index. The first exception a job throws is rethrown here once every thread stops;
// the remaining indices are then skipped.
void parallel_for(std::size_t count, unsigned threads, const std::function<void(std::size_t)>& job);

}  // namespace reconcile
