// SPDX-License-Identifier: MIT
#pragma once
// Splits [begin, end) into contiguous chunks run on worker threads (oneTBB when
// the build has it, else std::thread). Used by the analysis passes that are
// embarrassingly parallel over rows or planes; `body(lo, hi)` must only write
// to data owned by its own range.
#include <cstdint>
#include <functional>

namespace tconv::analysis {

// grain: the smallest chunk worth a thread (items, not bytes).
void parallelFor(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& body);

}  // namespace tconv::analysis
