#include "analysis/ParallelFor.h"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

#ifdef TCONV_HAVE_TBB
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#endif

namespace tconv::analysis {

void parallelFor(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& body) {
    if (end <= begin) return;
    grain = std::max<int64_t>(grain, 1);
#ifdef TCONV_HAVE_TBB
    tbb::parallel_for(tbb::blocked_range<int64_t>(begin, end, static_cast<size_t>(grain)),
                      [&](const tbb::blocked_range<int64_t>& r) { body(r.begin(), r.end()); });
#else
    const int64_t n = end - begin;
    const int64_t hw = std::max<int64_t>(1, static_cast<int64_t>(std::thread::hardware_concurrency()));
    const int64_t chunks = std::min(hw, std::max<int64_t>(1, n / grain));
    if (chunks <= 1) {
        body(begin, end);
        return;
    }
    // The calling thread takes the first chunk; exceptions are carried back.
    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> errors(static_cast<size_t>(chunks));
    auto run = [&](int64_t i) {
        const int64_t lo = begin + n * i / chunks, hi = begin + n * (i + 1) / chunks;
        try {
            body(lo, hi);
        } catch (...) {
            errors[static_cast<size_t>(i)] = std::current_exception();
        }
    };
    for (int64_t i = 1; i < chunks; ++i) threads.emplace_back(run, i);
    run(0);
    for (auto& t : threads) t.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
#endif
}

}  // namespace tconv::analysis
