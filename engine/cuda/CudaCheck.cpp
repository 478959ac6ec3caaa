// SPDX-License-Identifier: MIT
#include "cuda/internal/CudaCheck.h"

#include <string>

#include "core/ConvError.h"

namespace tconv::cuda {

void throwCudaError(cudaError_t err, const char* call, const char* file, int line) {
    // Clears the error unless it is sticky (then the context is unusable and
    // every later call reports it too, which is what we want).
    cudaGetLastError();
    throw ProcessingError("CUDA error at " + std::string(file) + ":" + std::to_string(line) + ": " + call +
                          " failed: " + cudaGetErrorString(err) + " (" + cudaGetErrorName(err) + ")");
}

}  // namespace tconv::cuda
