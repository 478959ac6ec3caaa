// SPDX-License-Identifier: MIT
#pragma once
// Which ConvTranspose2d kernel a launch uses. Public (CudaBackendOptions lets
// tests and benchmarks force one), so it lives apart from the kernels' bodies.
namespace tconv::cuda {

// Gemm: the channel-mixing implicit GEMM per output phase (MixingGemmKernels.cuh).
enum class KernelVariant { Tiled1, Tiled4, Direct, Gemm };

inline const char* variantName(KernelVariant v) {
    switch (v) {
        case KernelVariant::Tiled1: return "tiled1";
        case KernelVariant::Tiled4: return "tiled4";
        case KernelVariant::Direct: return "direct";
        case KernelVariant::Gemm: return "gemm";
    }
    return "?";
}

}  // namespace tconv::cuda
