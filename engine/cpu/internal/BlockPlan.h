// SPDX-License-Identifier: MIT
#pragma once
// Everything needed to compute one output row (n, oy) for a block of up to
// kMaxBlockChannels output channels of the same group at once: the
// channel-mixing counterpart of RowPlan.
//
// Why: with channel mixing every output channel of a group reads the same
// input rows through the same (row, x offset) taps and differs only in the
// weights. Evaluating the channels one row at a time (RowPlan) loads each
// input vector once per output channel; here each tap carries the weights of
// all channels of the block, so an input vector loaded once feeds
// `channels` multiply-adds into `channels` accumulators.
//
// Layout: taps grouped by x phase as in RowPlan (one entry per input channel
// of the group, valid kernel row ky and x tap of the phase); tap.w[c] is the
// weight for the block's channel c (entries past `channels` are unused).
// Outputs go to dst + c * channelStride for channel c: the output planes of
// the block's channels (stride H_out * W_out) or a per-thread scratch.
//
// Output x = m*s + r - p of channel c's row is
//     bias[c] + sum over taps of phase r: w[c] * row[m - t]
#include <cstdint>
#include <vector>

#include "cpu/internal/PhaseTable.h"

namespace tconv::cpu {

inline constexpr int kMaxBlockChannels = 4;

struct BlockTap {
    const float* row;  // one input row, inW floats
    int64_t t;         // reads row[m - t]
    float w[kMaxBlockChannels];
};

struct BlockPlan {
    const PhaseTable* x = nullptr;
    int channels = 1;            // 1 .. kMaxBlockChannels
    std::vector<BlockTap> taps;  // grouped by x phase
    std::vector<int> begin;      // x.stride() + 1 offsets into taps
    float bias[kMaxBlockChannels] = {};

    const BlockTap* phaseBegin(int r) const { return taps.data() + begin[static_cast<size_t>(r)]; }
    const BlockTap* phaseEnd(int r) const { return taps.data() + begin[static_cast<size_t>(r) + 1]; }
};

// Outputs [oxBegin, oxEnd) of every channel of the block with bounds checks:
// the row's edges and groups of s outputs cut by a tile's ends (see
// edgePixels in RowPlan.h). Channel c's outputs go to dst + c * channelStride.
inline void blockEdgePixels(const BlockPlan& plan, int64_t oxBegin, int64_t oxEnd, float* dst, int64_t channelStride) {
    if (oxBegin >= oxEnd) return;
    const PhaseTable& x = *plan.x;
    const int channels = plan.channels;
    int r = x.phaseOf(oxBegin);
    int64_t m = x.groupOf(oxBegin);
    for (int64_t ox = oxBegin; ox < oxEnd; ++ox, ++dst) {
        float acc[kMaxBlockChannels];
        for (int c = 0; c < channels; ++c) acc[c] = plan.bias[c];
        for (const BlockTap* tap = plan.phaseBegin(r); tap != plan.phaseEnd(r); ++tap) {
            const int64_t i = m - tap->t;
            if (i < 0 || i >= x.inExtent()) continue;
            const float v = tap->row[i];
            for (int c = 0; c < channels; ++c) acc[c] += tap->w[c] * v;
        }
        for (int c = 0; c < channels; ++c) dst[c * channelStride] = acc[c];
        if (++r == x.stride()) r = 0, ++m;
    }
}

// Computes outputs [oxBegin, oxEnd) of the block's rows: channel c's into
// dst + c * channelStride + [0, oxEnd - oxBegin). Interior with the SIMD block
// kernel (BlockKernel.cpp), edges with blockEdgePixels.
void computeBlockRow(const BlockPlan& plan, int64_t oxBegin, int64_t oxEnd, float* dst, int64_t channelStride);

}  // namespace tconv::cpu
