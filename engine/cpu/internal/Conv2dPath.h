// SPDX-License-Identifier: MIT
#pragma once
// The CPU backend's forward conv2d (core/Conv2d.h): a direct convolution
// whose register tile is CO output channels x R output rows x U vectors of
// output pixels (CO * R * U = 8 accumulators), the whole tap loop (input
// channel, ky, kx) inside, so each output is stored once. Many output
// channels per group (the gradient of a deconvolutional network, 1 -> 16
// channels) take CO = 4 (one loaded input vector feeds 4 channels); few (its
// synthesis, 16 -> 1) take R = 4 (one broadcast weight feeds 4 rows).
//
// With stride and dilation 1 along y and kh <= 7 the tile is one channel x
// kConv2dReuseRows rows x 1 vector instead, and each loaded input row feeds
// every output row it reaches (Conv2dKernel.cpp's reuseBlock): about half the
// loads per multiply-add, which is what bounds both of the deconvolutional
// network's convolutions.
//
// The input is read from a zero-padded copy (none when padding is 0), so no
// tap needs a bounds check; stride along x must be 1 for the vector tile
// (consecutive outputs read consecutive inputs), other strides take a scalar
// loop. Threads take units (n, group, channel block, block of R rows), which
// write disjoint outputs; each output's sum runs in the same order whatever
// the threading, so results do not depend on the thread count.
#include <cstdint>

#include "core/Conv2d.h"
#include "core/Tensor.h"
#include "parallel/RowScheduler.h"

namespace tconv::cpu {

// output: already shaped by conv2d(); every element is written.
void runConv2dLayer(const Tensor& input, const Conv2dLayer& layer, RowScheduler& scheduler, Tensor& output);

// Rows of the row-reuse tile (see above); a band with this many rows takes it.
inline constexpr int kConv2dReuseRows = 8;
inline constexpr int kConv2dReuseMaxKh = 7;

// One tile row band for the SIMD kernel (Conv2dKernel.cpp).
struct Conv2dTile {
    const float* src = nullptr;  // input channel 0 of the group, row oy0 * sy of the (padded) input, column 0
    int64_t planeStride = 0;     // next input channel
    int64_t rowStride = 0;       // next input row
    int cin = 0;                 // input channels of the group
    int kh = 0, kw = 0, sy = 1, dy = 1, dx = 1;
    const float* w = nullptr;  // packed weights: [ci][ky][kx][co], co in [0, CO)
    int co = 1;                // CO: 4 or 1
    int rows = 1;              // R: 4, kConv2dReuseRows or 1 (CO == 1 only)
    float* out = nullptr;      // output channel co0, row oy0, column 0
    int64_t outPlaneStride = 0, outRowStride = 0;
    int validCo = 1;              // channels of the block that exist (<= CO)
    const float* bias = nullptr;  // CO values
    int64_t width = 0;            // output columns
};

// Computes the band's outputs: channels [0, validCo) x rows [0, rows) x
// columns [0, width). Blocks of 2 vectors; a width that is not a multiple
// ends with one block overlapping the previous (same values written twice),
// bands narrower than a block take a scalar loop.
void conv2dBand(const Conv2dTile& t);

}  // namespace tconv::cpu
