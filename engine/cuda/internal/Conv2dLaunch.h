// SPDX-License-Identifier: MIT
#pragma once
// Launching the forward conv2d kernel (Conv2dKernels.cu) on a stream.
#include <cuda_runtime.h>

#include "cuda/internal/Conv2dKernels.cuh"

namespace tconv::cuda {

// args with device pointers; checked with cudaGetLastError.
void launchConv2d(const Conv2dArgs& args, cudaStream_t stream);

}  // namespace tconv::cuda
