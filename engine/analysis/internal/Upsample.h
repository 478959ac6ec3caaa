// SPDX-License-Identifier: MIT
#pragma once
// Integer-factor upsampling of planar tensors for the resize-conv path:
// `nearest` repeats each pixel f times per axis; `bilinear` uses half-pixel
// centres (src = (o + 0.5) / f - 0.5, clamped to the edge), exactly as OpenCV's
// INTER_LINEAR and PyTorch's interpolate(mode='bilinear', align_corners=False).
#include "analysis/ResizeConv.h"
#include "analysis/internal/BorderPad.h"
#include "core/ConvParams.h"
#include "core/Tensor.h"

namespace tconv {

// (N, C, H, W) -> (N, C, f.h * H, f.w * W). Throws ParameterError for f <= 0.
Tensor upsample(const Tensor& x, Size2 factor, ResizeMode mode);

// padPlanes(upsample(x, factor, mode), pad, border) in one pass, into `out`
// (reshaped; its allocation is reused when large enough, so callers that run
// repeatedly, like the studio, touch no fresh memory). Throws ParameterError
// for f <= 0 or an empty result.
void upsamplePadded(const Tensor& x, Size2 factor, ResizeMode mode, const Pad4& pad, BorderMode border, Tensor& out);

}  // namespace tconv
