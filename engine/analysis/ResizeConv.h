// SPDX-License-Identifier: MIT
#pragma once
// The resize-then-convolution alternative (Distill 2016): resize the input by
// the stride, then a stride-1 correlation with the flipped kernel / (sH * sW),
// padded so the output has exactly the transposed convolution's size.
//
// Per axis, with k_e = d(k-1)+1 and the layer's begin and end padding pb, pe
// (ConvParams.h; pb = pe = p for PyTorch layers): u = resize(x) to s*H; v =
// correlation of u, padded by P_l = k_e-1-pb-floor((s-1)/2) before and
// P_r = k_e-1-pe+q-ceil((s-1)/2) after (negative = crop), with the flipped
// kernel at dilation d. Size of v: s*H + P_l + P_r - k_e + 1
// = (H-1)s - pb - pe + d(k-1) + q + 1, the ConvT size.
#include <optional>
#include <string>

#include "core/Backend.h"
#include "core/ConvLayer.h"
#include "core/ResourceLimits.h"
#include "core/Tensor.h"

namespace tconv {

enum class ResizeMode { Nearest, Bilinear };
enum class BorderMode { Zeros, Replicate, Reflect };

// "nearest" | "bilinear"; "zeros" | "replicate" | "reflect"; nullopt otherwise.
std::optional<ResizeMode> parseResizeMode(const std::string& name);
std::optional<BorderMode> parseBorderMode(const std::string& name);
const char* resizeModeName(ResizeMode m);
const char* borderModeName(BorderMode m);

struct ResizeConvOptions {
    ResizeMode resize = ResizeMode::Nearest;
    BorderMode border = BorderMode::Zeros;  // how the resized image is padded before the correlation
};

// Same layer (kernel, stride, padding, output_padding, dilation, groups, bias)
// as the transposed convolution; output shape identical to it. Validates with
// the same rules. The correlation runs on `backend` as a stride-1 transposed
// convolution (with padding k_e-1 a transposed convolution is a "valid"
// correlation with the flipped kernel), so every backend's fast path serves it.
void resizeConv2d(const Tensor& input, const ConvLayer& layer, const ResizeConvOptions& options, Backend& backend,
                  Tensor& output, const ResourceLimits& limits = defaultResourceLimits());

// Intermediate buffers, kept by callers that run resize-conv repeatedly (the
// studio) so that no fresh memory is touched per run. Not thread-safe: one
// workspace per concurrent caller.
struct ResizeConvWorkspace {
    Tensor resized;  // the resized, padded input (general path)
};

// How the work is done: nearest with zero borders is one transposed
// convolution with the zero-order-hold kernel box_s * dilate_d(K) / (sH sW) at
// stride s, begin padding pb + floor((s-1)/2) and the end padding (or
// output_padding) that keeps the size -- the same sums, and no resized image; the
// rest resizes and pads into the workspace and runs the stride-1 correlation.
void resizeConv2d(const Tensor& input, const ConvLayer& layer, const ResizeConvOptions& options, Backend& backend,
                  Tensor& output, ResizeConvWorkspace& workspace,
                  const ResourceLimits& limits = defaultResourceLimits());

Tensor resizeConv2d(const Tensor& input, const ConvLayer& layer, const ResizeConvOptions& options, Backend& backend,
                    const ResourceLimits& limits = defaultResourceLimits());

// X of MemoryEstimate.h: the bytes resize-conv allocates beside the input,
// the layer's weight and the output (the general path's resized, padded input
// and scaled weight copy; the fast path's zero-order-hold weight, its
// accumulator). Saturating.
uint64_t resizeConvExtraBytes(const Shape4& input, const ConvLayer& layer, const ResizeConvOptions& options);

// The padding of u before and after, per axis: (P_l, P_r) as above.
struct ResizeConvPadding {
    int64_t beforeH = 0, afterH = 0, beforeW = 0, afterW = 0;
};
ResizeConvPadding resizeConvPadding(const ConvParams& p);

// a - b, elementwise (e.g. transposed minus resize-conv). Throws ParameterError
// when the shapes differ.
Tensor differenceImage(const Tensor& a, const Tensor& b);

}  // namespace tconv
