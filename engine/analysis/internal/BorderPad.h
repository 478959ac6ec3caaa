// SPDX-License-Identifier: MIT
#pragma once
// Pads (or, with negative amounts, crops) every plane of a tensor, filling the
// new border with zeros, the nearest edge pixel (replicate) or the mirror image
// without repeating the edge (reflect, as numpy's 'reflect' and PyTorch's
// ReflectionPad2d, extended periodically when the pad exceeds the size).
#include <cstdint>

#include "analysis/ResizeConv.h"
#include "core/Tensor.h"

namespace tconv {

struct Pad4 {
    int64_t top = 0, bottom = 0, left = 0, right = 0;
};

// Throws ParameterError when the result would be empty.
Tensor padPlanes(const Tensor& x, const Pad4& pad, BorderMode mode);

// Where output index o (in padded coordinates, src = o - before) reads from in
// [0, n), or -1 for a zero.
int64_t borderSource(int64_t src, int64_t n, BorderMode mode);

}  // namespace tconv
