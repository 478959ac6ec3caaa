// SPDX-License-Identifier: MIT
#pragma once
// tconv_cuda_check --mixing: kernel times of the channel-mixing layers of
// `tconv bench --suite mixing` (C_in -> C_out, k4 s2 p1) through the GEMM
// variant and through tiledKernel<4,2>, on the same buffers (cudaEvents,
// median), with the GEMM's arithmetic rate; the two outputs are compared with
// each other (the reference on the CPU would take minutes at this size; both
// variants are checked against it on the equivalence problems).
#include "cuda/CudaBench.h"

namespace tconv::testing {

// Returns the number of cases whose two outputs disagree.
int runMixingBenchmark(const BenchOptions& options);

}  // namespace tconv::testing
