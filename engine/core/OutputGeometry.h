// SPDX-License-Identifier: MIT
#pragma once
// The output-size formula of ConvTranspose2d, the one place it is written:
//   out = (in - 1) * s - pBegin - pEnd + d * (k - 1) + q + 1
// (PyTorch: pBegin = pEnd = p; ONNX: pads [top, left, bottom, right]).
// Every backend, the CLI and the studio call these functions.
#include <cstdint>
#include <optional>

#include "core/ConvParams.h"

namespace tconv {

// Extents beyond this are reported as this (saturated; validation refuses them).
inline constexpr int64_t kMaxExtent = int64_t(1) << 62;

// Extent along one axis; may be <= 0 for invalid parameters (validation
// refuses those); saturates at +-kMaxExtent instead of overflowing.
// Symmetric padding p (PyTorch), and per-side padding pBegin, pEnd (ONNX).
int64_t outputExtent(int64_t in, int k, int s, int p, int q, int d);
int64_t outputExtent(int64_t in, int k, int s, int pBegin, int pEnd, int q, int d);

struct OutputSize {
    int64_t h = 0;
    int64_t w = 0;
    friend bool operator==(const OutputSize&, const OutputSize&) = default;
};

// Honours per-side padding (padBegin, padEnd of ConvParams.h).
OutputSize outputSize(int64_t inH, int64_t inW, const ConvParams& p);

// PyTorch's output_padding rule, the one place it is written: per axis,
// output_padding must be smaller than the stride or smaller than the dilation,
// i.e. at most max(stride, dilation) - 1. Validation, the padding solver and the
// studio's editors all use these two.
constexpr int maxOutputPadding(int stride, int dilation) { return (stride > dilation ? stride : dilation) - 1; }
constexpr bool outputPaddingAllowed(int outputPadding, int stride, int dilation) {
    return outputPadding <= maxOutputPadding(stride, dilation);
}

// PyTorch's `output_size` argument: the padding and output_padding (per axis)
// that make one axis `target` long, preferring the smallest padding. nullopt
// when no padding >= 0 and legal output_padding reaches it.
struct AxisPadding {
    int padding = 0;
    int outputPadding = 0;
};
std::optional<AxisPadding> solvePaddingForExtent(int64_t in, int k, int s, int d, int64_t target);

}  // namespace tconv
