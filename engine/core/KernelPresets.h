// SPDX-License-Identifier: MIT
#pragma once
// Image kernels, applied per channel (depthwise). Presets are scaled so that
// their taps sum to sH * sW, which keeps the mean brightness of the upsampled
// image equal to the input's; a kernel from a file is used raw, exactly.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ConvParams.h"
#include "core/Kernel2D.h"

namespace tconv {

enum class KernelPreset { Box, Nearest, Bilinear, Gaussian, Random };

struct PresetOptions {
    Size2 stride{2, 2};
    std::optional<Size2> size;  // kernel size; when absent, the preset's natural size
    double sigma = 1.0;         // gaussian, in output pixels
    uint64_t seed = 0;          // random
};

// "box", "nearest", "bilinear", "gaussian", "random"; nullopt otherwise.
std::optional<KernelPreset> parseKernelPreset(const std::string& name);
const char* presetName(KernelPreset p);
std::vector<std::string> presetNames();

// The preset's natural kernel size for a stride: nearest s, bilinear 2s,
// box s, gaussian 2s+1 (odd, so it has a centre tap), random 3.
Size2 naturalKernelSize(KernelPreset p, Size2 stride);

// Builds the kernel. `nearest` requires size == stride and `bilinear` works
// for any size (the tent 1 - |x - c| / s, zero outside). Throws ParameterError
// naming the value (bad sigma, nearest with size != stride, size <= 0).
Kernel2D makePresetKernel(KernelPreset p, const PresetOptions& o);

// Scales taps so they sum to target (no-op for an all-zero kernel).
void normalizeKernelSum(Kernel2D& k, double target);

}  // namespace tconv
