// SPDX-License-Identifier: MIT
#pragma once
// Launching the kernels of ConvTransposeKernels.cuh / ImageKernels.cuh on a
// stream. Every launch is checked (cudaGetLastError); grids larger than
// CUDA's 65535 limit in y/z are split into several launches.
#include <cuda_runtime.h>

#include "cuda/internal/ImageKernels.cuh"
#include "cuda/internal/LaunchPlan.h"

namespace tconv::cuda {

// args as from bindArgs(..., plan, ...) with device pointers.
void launchConvTranspose(const KernelArgs& args, const LaunchPlan& plan, cudaStream_t stream);

// 8-bit interleaved (a.bytesIn, a.pitch) -> planar float (a.planesOut).
void launchUnpackImage8(const Image8Args& a, cudaStream_t stream);
// planar float (a.planesIn) -> packed interleaved 8-bit (a.bytesOut).
void launchPackImage8(const Image8Args& a, cudaStream_t stream);

// Whether this binary holds code the current device can run: cudaSuccess, or
// cudaErrorNoKernelImageForDevice / cudaErrorInvalidDeviceFunction when the
// device is older than the oldest architecture built.
cudaError_t checkKernelImage();

// The architectures this library was built for, e.g. "75-real,80-real,...,90".
const char* builtArchitectures();

}  // namespace tconv::cuda
