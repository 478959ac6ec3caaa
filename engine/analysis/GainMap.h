// SPDX-License-Identifier: MIT
#pragma once
// Heatmap 1, the gain map: the transposed convolution of an all-ones image of
// the input's size, divided by the channel's mean phase gain Gbar, minus 1.
// In the interior it repeats G / Gbar - 1 with period s; at the borders it
// shows the frame that padding and output_padding cut from the kernel's support.
#include <cstdint>

#include "core/Backend.h"
#include "core/ConvLayer.h"
#include "core/Tensor.h"

namespace tconv {

// (1, C_out, H_out, W_out). The bias is left out (it is not a gain). A channel
// whose kernel sums to zero (Gbar = 0) has no relative gain: its plane holds the
// raw all-ones response instead. Throws ParameterError like convTranspose2d.
Tensor gainMap(const ConvLayer& layer, int64_t inH, int64_t inW, Backend& backend);
// The same into `out`, reusing its storage when it already has the size (a
// view refreshed per edit: no new 16 MB buffer, no page faults, per 1 MP input).
void gainMap(const ConvLayer& layer, int64_t inH, int64_t inW, Backend& backend, Tensor& out);

}  // namespace tconv
