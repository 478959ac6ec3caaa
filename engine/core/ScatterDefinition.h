// SPDX-License-Identifier: MIT
#pragma once
// The definition of ConvTranspose2d, the one place it is written: along each
// axis, input index i multiplied by kernel tap j is added to output index
//   o = i*s - p + j*d,
// p the begin padding (padBegin, ConvParams.h: top for rows, left for
// columns); the end padding only shortens the output and never moves an index.
// The reference implementation and the studio's provenance (which input pixels
// and taps made this output pixel) both enumerate it from here; the fast
// backends reorganise it (see core/Polyphase.h) and are tested against the
// reference.
#include <cstdint>
#include <vector>

#include "core/ConvParams.h"

namespace tconv {

// The output index that input i reaches through tap j (may lie outside the output).
constexpr int64_t scatterTarget(int64_t i, int j, int s, int p, int d) {
    return i * s - p + static_cast<int64_t>(j) * d;
}

// One (input index, tap) pair along one axis.
struct AxisSource {
    int64_t input = 0;
    int tap = 0;
};

// All pairs with 0 <= input < inExtent and scatterTarget(input, tap, ...) == o,
// in increasing tap order.
std::vector<AxisSource> axisSources(int64_t o, int64_t inExtent, int k, int s, int p, int d);

// One (input pixel, kernel tap) pair that contributes to an output pixel.
struct ScatterSource {
    int64_t iy = 0, ix = 0;  // input pixel
    int ky = 0, kx = 0;      // kernel tap
};

// All (input pixel, tap) pairs that make output pixel (oy, ox): the product of
// the two axes' sources, in row-major order of the taps.
std::vector<ScatterSource> scatterSources(const ConvParams& p, int64_t inH, int64_t inW, int64_t oy, int64_t ox);

}  // namespace tconv
