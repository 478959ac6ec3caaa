// SPDX-License-Identifier: MIT
#pragma once
// Everything needed to compute one output row: for each x phase, the list of
// (input row, x offset, weight) products that land on that phase. The y phase
// and the channel mixing are already resolved into the list: one entry per
// input channel of the group, valid kernel row ky and x tap of the phase.
//
// Output x = m*s + r - p of the row is
//     bias + sum over taps of phase r: w * row[m - t]   (reads inside the row only)
#include <cstdint>
#include <vector>

#include "cpu/internal/PhaseTable.h"

namespace tconv::cpu {

struct RowTap {
    const float* row;  // one input row, inW floats
    int64_t t;         // reads row[m - t]
    float w;
};

struct RowPlan {
    const PhaseTable* x = nullptr;
    std::vector<RowTap> taps;  // grouped by x phase
    std::vector<int> begin;    // x.stride() + 1 offsets into taps
    float bias = 0.0f;

    const RowTap* phaseBegin(int r) const { return taps.data() + begin[static_cast<size_t>(r)]; }
    const RowTap* phaseEnd(int r) const { return taps.data() + begin[static_cast<size_t>(r) + 1]; }
};

// Outputs [oxBegin, oxEnd) with bounds checks, into dst[0 ..): the edges of
// the row, where some taps fall outside the input or a group of s outputs is
// cut by the row's (or a tile's) ends. Phase and group advance incrementally.
inline void edgePixels(const RowPlan& plan, int64_t oxBegin, int64_t oxEnd, float* dst) {
    if (oxBegin >= oxEnd) return;
    const PhaseTable& x = *plan.x;
    int r = x.phaseOf(oxBegin);
    int64_t m = x.groupOf(oxBegin);
    for (int64_t ox = oxBegin; ox < oxEnd; ++ox) {
        float acc = plan.bias;
        for (const RowTap* tap = plan.phaseBegin(r); tap != plan.phaseEnd(r); ++tap) {
            const int64_t i = m - tap->t;
            if (i >= 0 && i < x.inExtent()) acc += tap->w * tap->row[i];
        }
        *dst++ = acc;
        if (++r == x.stride()) r = 0, ++m;
    }
}

// Computes outputs [oxBegin, oxEnd) of the row into dst[0 .. oxEnd - oxBegin):
// the interior with the SIMD kernel, the edges with edgePixels.
void computeRow(const RowPlan& plan, int64_t oxBegin, int64_t oxEnd, float* dst);

// The SIMD target the row kernel dispatches to on this CPU ("AVX2", ...), or
// "scalar" when built without Highway.
const char* rowKernelTarget();

}  // namespace tconv::cpu
