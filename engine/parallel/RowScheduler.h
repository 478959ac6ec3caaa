// SPDX-License-Identifier: MIT
#pragma once
// Runs a body over [0, count) output rows on a fixed number of threads, in
// contiguous blocks (neighbouring output rows share input rows, and streaming
// one contiguous stretch of output per thread is what memory likes best).
// oneTBB when available (its own arena, so the thread count is ours and not
// the process-wide default); otherwise std::thread, one block per thread.
// The thread pool of the whole engine: the CPU backend and the analysis
// passes both run on it, so it lives in its own small target (tconv_parallel)
// that neither has to borrow from the other.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace tconv {

class RowScheduler {
public:
    explicit RowScheduler(int threads);  // threads >= 1
    ~RowScheduler();
    RowScheduler(const RowScheduler&) = delete;
    RowScheduler& operator=(const RowScheduler&) = delete;

    int threads() const { return threads_; }

    // body(begin, end) for disjoint row ranges covering [0, count); returns
    // when all are done. `minBlock`: rows worth handing to a thread at a time.
    // An exception thrown by a body is rethrown here.
    void run(int64_t count, int64_t minBlock, const std::function<void(int64_t, int64_t)>& body);

    static std::string libraryName();  // "oneTBB 2021.8" or "std::thread"
    static int hardwareThreads();      // the default thread count: all hardware threads (>= 1)

private:
    struct Impl;
    int threads_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tconv
