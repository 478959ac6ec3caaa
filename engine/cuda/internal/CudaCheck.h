// SPDX-License-Identifier: MIT
#pragma once
// Every CUDA runtime call and kernel launch goes through these: a failure
// becomes a tconv::ProcessingError naming the file, line, the call and CUDA's
// own description, e.g.
//   "CUDA error at engine/cuda/CudaBackend.cpp:120: cudaMemcpyAsync(...) failed:
//    out of memory (cudaErrorMemoryAllocation)"
#include <cuda_runtime.h>

namespace tconv::cuda {

[[noreturn]] void throwCudaError(cudaError_t err, const char* call, const char* file, int line);

inline void checkCuda(cudaError_t err, const char* call, const char* file, int line) {
    if (err != cudaSuccess) throwCudaError(err, call, file, line);
}

}  // namespace tconv::cuda

#define TCONV_CUDA_CHECK(call) ::tconv::cuda::checkCuda((call), #call, __FILE__, __LINE__)
// Kernel launches (ConvTransposeKernels.cu) are followed by
// checkCuda(cudaGetLastError(), "launch of <kernel>", ...): configuration
// errors surface there, errors during execution at the next synchronizing call.
