// SPDX-License-Identifier: MIT
#include "common/BatchPipeline.h"

#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

#if defined(TCONV_HAVE_TBB)
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>
#endif

namespace tconv::app {

namespace {

void runWithThreads(const PipelineStages& s, int workers) {
    std::mutex nextMutex, finishMutex;
    auto loop = [&] {
        while (true) {
            std::unique_ptr<BatchWork> w;
            {
                std::lock_guard lock(nextMutex);
                w = s.next();
            }
            if (!w) return;
            s.decode(*w);
            s.compute(*w);
            s.encode(*w);
            std::lock_guard lock(finishMutex);
            s.finish(std::move(w));
        }
    };
    std::vector<std::thread> pool;
    for (int i = 1; i < workers; ++i) pool.emplace_back(loop);
    loop();
    for (std::thread& t : pool) t.join();
}

#if defined(TCONV_HAVE_TBB)
void runWithTbb(const PipelineStages& s, int jobs, int maxInFlight) {
    // Raw pointers travel between filters (TBB filters pass values by copy);
    // every stage is noexcept by contract, so each pointer reaches the last
    // filter, which takes ownership back.
    using tbb::filter_mode;
    auto input = tbb::make_filter<void, BatchWork*>(filter_mode::serial_in_order, [&](tbb::flow_control& fc) {
        std::unique_ptr<BatchWork> w = s.next();
        if (!w) fc.stop();
        return w.release();
    });
    auto stage = [](const std::function<void(BatchWork&)>& f) {
        return tbb::make_filter<BatchWork*, BatchWork*>(filter_mode::parallel, [&f](BatchWork* w) {
            f(*w);
            return w;
        });
    };
    auto output = tbb::make_filter<BatchWork*, void>(filter_mode::serial_out_of_order,
                                                     [&](BatchWork* w) { s.finish(std::unique_ptr<BatchWork>(w)); });
    tbb::task_arena arena(jobs);
    arena.execute([&] {
        tbb::parallel_pipeline(static_cast<size_t>(maxInFlight),
                               input & stage(s.decode) & stage(s.compute) & stage(s.encode) & output);
    });
}
#endif

}  // namespace

void runBoundedPipeline(const PipelineStages& stages, int jobs, int maxInFlight, bool forceThreads) {
    jobs = std::max(1, jobs);
    maxInFlight = std::max(1, maxInFlight);
#if defined(TCONV_HAVE_TBB)
    if (!forceThreads) return runWithTbb(stages, jobs, maxInFlight);
#else
    (void)forceThreads;
#endif
    runWithThreads(stages, std::min(jobs, maxInFlight));
}

}  // namespace tconv::app
