// SPDX-License-Identifier: MIT
#include "analysis/internal/ParallelFor.h"

#include "parallel/RowScheduler.h"

namespace tconv::analysis {

// The analysis passes share the engine's scheduler (oneTBB arena, or
// std::thread blocks without oneTBB) rather than a second copy of it. One
// scheduler for the process: concurrent calls are fine (a oneTBB arena takes
// concurrent execute(); the fallback keeps no state).
void parallelFor(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& body) {
    if (end <= begin) return;
    static RowScheduler scheduler(RowScheduler::hardwareThreads());
    scheduler.run(end - begin, grain, [&](int64_t lo, int64_t hi) { body(begin + lo, begin + hi); });
}

}  // namespace tconv::analysis
