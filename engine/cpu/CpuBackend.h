#pragma once
// The fast CPU backend: polyphase gather (see PhaseTable), threaded and SIMD.
#include <memory>
#include <string>

#include "core/Backend.h"

namespace tconv {

// threads <= 0: all hardware threads.
std::unique_ptr<Backend> createCpuBackend(int threads = 0);

// For `tconv info` and status lines.
std::string cpuSimdTarget();    // e.g. "AVX2", "AVX3", "SSE4", "scalar"
int cpuDefaultThreadCount();
std::string cpuThreadingLibrary();  // "oneTBB 2021.8" or "std::thread"

}  // namespace tconv
