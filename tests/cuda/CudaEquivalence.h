// SPDX-License-Identifier: MIT
#pragma once
// CUDA-vs-reference equivalence checks of tconv_cuda_check (no Qt): seeded
// random problems through every kernel variant (channel-mixing layers through
// the planner's choice and the GEMM variant too), the 8-bit image path, and the
// out-of-memory error. Prints one line per failure and a summary.
#include <cstdint>

namespace tconv::testing {

struct EquivalenceResult {
    int checks = 0;
    int failures = 0;
    double worstError = 0;  // largest relative L2 error seen
};

EquivalenceResult runEquivalence(int seeds);

}  // namespace tconv::testing
