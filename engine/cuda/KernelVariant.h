// SPDX-License-Identifier: MIT
#pragma once
// Which ConvTranspose2d kernel a launch uses. Public (CudaBackendOptions lets
// tests and benchmarks force one), so it lives apart from the kernels' bodies.
namespace tconv::cuda {

enum class KernelVariant { Tiled1, Tiled4, Direct };

inline const char* variantName(KernelVariant v) {
    switch (v) {
        case KernelVariant::Tiled1: return "tiled1";
        case KernelVariant::Tiled4: return "tiled4";
        case KernelVariant::Direct: return "direct";
    }
    return "?";
}

}  // namespace tconv::cuda
