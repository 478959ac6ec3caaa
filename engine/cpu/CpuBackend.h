// SPDX-License-Identifier: MIT
#pragma once
// The fast CPU backend: polyphase gather (see PhaseTable), threaded and SIMD.
#include <memory>
#include <string>

#include "core/Backend.h"

namespace tconv {

// How channel-mixing layers are computed. Auto picks per layer from its shape
// (see gemmPays in CpuBackend.cpp); the others force one path, for tests and
// for measuring that rule.
enum class CpuPath { Auto, Direct, Gemm };

// threads <= 0: all hardware threads.
std::unique_ptr<Backend> createCpuBackend(int threads = 0, CpuPath path = CpuPath::Auto);

// GFLOP/s of the channel-mixing GEMM kernel on in-cache operands with
// `threads` threads: the compute peak benchmarks measure their floor from.
double cpuGemmPeakGflops(int threads);

// For `tconv info` and status lines.
std::string cpuSimdTarget();  // e.g. "AVX2", "AVX3", "SSE4", "scalar"
int cpuDefaultThreadCount();
std::string cpuThreadingLibrary();  // "oneTBB 2021.8" or "std::thread"

}  // namespace tconv
