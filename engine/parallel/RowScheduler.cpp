// SPDX-License-Identifier: MIT
#include "parallel/RowScheduler.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#if defined(TCONV_HAVE_TBB)
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/version.h>
#endif

namespace tconv {

#if defined(TCONV_HAVE_TBB)

struct RowScheduler::Impl {
    explicit Impl(int threads) : arena(threads) {}
    tbb::task_arena arena;
};

RowScheduler::RowScheduler(int threads) : threads_(std::max(1, threads)), impl_(std::make_unique<Impl>(threads_)) {}

void RowScheduler::run(int64_t count, int64_t minBlock, const std::function<void(int64_t, int64_t)>& body) {
    if (count <= 0) return;
    if (threads_ == 1) return body(0, count);
    // About four blocks per thread: contiguous enough to stream, small enough
    // that a thread slowed by another process hands work over to the others.
    const int64_t grain = std::max<int64_t>(std::max<int64_t>(1, minBlock), count / (int64_t{4} * threads_));
    // oneTBB caps its workers at the core count minus one; asking for more
    // threads than cores (the tests do) needs the process-wide cap raised
    // while we run, else the arena silently runs with fewer.
    std::optional<tbb::global_control> cap;
    if (threads_ > tbb::info::default_concurrency())
        cap.emplace(tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads_));
    impl_->arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<int64_t>(0, count, grain),
                          [&](const tbb::blocked_range<int64_t>& r) { body(r.begin(), r.end()); });
    });
}

std::string RowScheduler::libraryName() { return "oneTBB " TBB_VERSION_STRING; }

#else

struct RowScheduler::Impl {};

RowScheduler::RowScheduler(int threads) : threads_(std::max(1, threads)) {}

void RowScheduler::run(int64_t count, int64_t minBlock, const std::function<void(int64_t, int64_t)>& body) {
    if (count <= 0) return;
    const int64_t blocks = std::min<int64_t>(threads_, std::max<int64_t>(1, count / std::max<int64_t>(1, minBlock)));
    if (blocks <= 1) return body(0, count);
    // One contiguous block per thread; the calling thread takes the first.
    std::vector<std::exception_ptr> errors(static_cast<size_t>(blocks));
    auto work = [&](int64_t b) {
        try {
            body(count * b / blocks, count * (b + 1) / blocks);
        } catch (...) {
            errors[static_cast<size_t>(b)] = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(static_cast<size_t>(blocks - 1));
    for (int64_t b = 1; b < blocks; ++b) {
        try {
            pool.emplace_back(work, b);
        } catch (const std::system_error&) {
            work(b);  // no thread to be had: do that block here
        }
    }
    work(0);
    for (auto& t : pool) t.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

std::string RowScheduler::libraryName() { return "std::thread"; }

#endif

RowScheduler::~RowScheduler() = default;

int RowScheduler::hardwareThreads() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

}  // namespace tconv
