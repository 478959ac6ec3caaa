// SPDX-License-Identifier: MIT
// The block kernel: the interior of the output rows of a block of output
// channels (BlockPlan), vectorized along m like the row kernel (RowKernel.cpp),
// one vector per x phase and channel, phases interleaved on store.
//
// Per tap, U input vectors are loaded once and each is multiplied by the
// tap's weight for every channel of the block: CO x U independent
// accumulators per phase (enough chains to cover the FMA latency without
// running out of the 16 AVX2 registers; the finished phases' accumulators
// wait for the interleaving store, spilled if need be). The channel count
// CO (1..4) and the stride S (1..4 interleaved; 0: larger strides stored
// lane by lane) are template arguments, so all loops over them unroll.
//
// With Highway this file is compiled once per x86 target through
// foreach_target.h and the best one is picked at run time
// (HWY_DYNAMIC_DISPATCH); without Highway a plain-loop version is used.
#include "cpu/internal/BlockPlan.h"

#include <algorithm>
#include <vector>

#if defined(TCONV_HAVE_HWY)

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cpu/BlockKernel.cpp"
#include <hwy/foreach_target.h>  // re-includes this file once per target
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace tconv::cpu::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DB = hn::ScalableTag<float>;
using VB = hn::Vec<DB>;

// acc[c][u] = channel c's Lanes outputs of one phase for groups m + u*Lanes ...
// Interior only: every tap reads inside its input row.
template <int CO, int U>
HWY_INLINE void blockPhase(DB d, const BlockTap* tap, const BlockTap* end, int64_t m, const VB* bias,
                           VB (&acc)[CO][U]) {
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    for (int c = 0; c < CO; ++c)
        for (int u = 0; u < U; ++u) acc[c][u] = bias[c];
    for (; tap != end; ++tap) {
        const float* src = tap->row + (m - tap->t);
        VB in[U];
        for (int u = 0; u < U; ++u) in[u] = hn::LoadU(d, src + u * N);
        for (int c = 0; c < CO; ++c) {
            const VB w = hn::Set(d, tap->w[c]);
            for (int u = 0; u < U; ++u) acc[c][u] = hn::MulAdd(w, in[u], acc[c][u]);
        }
    }
}

// Groups [m, m + U*Lanes) of stride S for the block's CO channels. dst is
// channel 0's output of group m; channel c's is dst + c * cs.
template <int CO, int S, int U>
HWY_INLINE void blockGroups(DB d, const BlockPlan& plan, int64_t m, const VB* bias, float* HWY_RESTRICT dst,
                            int64_t cs) {
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    if constexpr (S == 0) {
        const int s = plan.x->stride();
        VB a[CO][U];
        HWY_ALIGN float lanes[CO * U * HWY_MAX_BYTES / sizeof(float)];
        for (int r = 0; r < s; ++r) {
            blockPhase<CO, U>(d, plan.phaseBegin(r), plan.phaseEnd(r), m, bias, a);
            for (int c = 0; c < CO; ++c)
                for (int u = 0; u < U; ++u) hn::Store(a[c][u], d, lanes + (c * U + u) * N);
            for (int c = 0; c < CO; ++c)
                for (int64_t l = 0; l < U * N; ++l) dst[c * cs + l * s + r] = lanes[c * U * N + l];
        }
    } else {
        VB a0[CO][U], a1[CO][U], a2[CO][U], a3[CO][U];
        blockPhase<CO, U>(d, plan.phaseBegin(0), plan.phaseEnd(0), m, bias, a0);
        if constexpr (S >= 2) blockPhase<CO, U>(d, plan.phaseBegin(1), plan.phaseEnd(1), m, bias, a1);
        if constexpr (S >= 3) blockPhase<CO, U>(d, plan.phaseBegin(2), plan.phaseEnd(2), m, bias, a2);
        if constexpr (S == 4) blockPhase<CO, U>(d, plan.phaseBegin(3), plan.phaseEnd(3), m, bias, a3);
        for (int c = 0; c < CO; ++c)
            for (int u = 0; u < U; ++u) {
                float* out = dst + c * cs + u * N * S;
                if constexpr (S == 1) hn::StoreU(a0[c][u], d, out);
                if constexpr (S == 2) hn::StoreInterleaved2(a0[c][u], a1[c][u], d, out);
                if constexpr (S == 3) hn::StoreInterleaved3(a0[c][u], a1[c][u], a2[c][u], d, out);
                if constexpr (S == 4) hn::StoreInterleaved4(a0[c][u], a1[c][u], a2[c][u], a3[c][u], d, out);
            }
    }
}

template <int CO, int S>
int64_t blockInterior(const BlockPlan& plan, int64_t m, int64_t mEnd, float* dst, int64_t cs) {
    const DB d;
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    const int64_t step = S == 0 ? plan.x->stride() : S;
    VB bias[CO];
    for (int c = 0; c < CO; ++c) bias[c] = hn::Set(d, plan.bias[c]);
    // 8 or 9 accumulators per phase for CO >= 2: two FMAs a cycle, four cycles
    // of latency (CO 3: U 3 measured ~7% faster than U 2).
    constexpr int U = CO <= 2 ? 4 : CO == 3 ? 3 : 2;
    const int64_t mBegin = m;
    for (; m + U * N <= mEnd; m += U * N, dst += U * N * step) blockGroups<CO, S, U>(d, plan, m, bias, dst, cs);
    for (; m + N <= mEnd; m += N, dst += N * step) blockGroups<CO, S, 1>(d, plan, m, bias, dst, cs);
    if (m < mEnd && mEnd - mBegin >= N) {  // the last partial vector, overlapping (same values)
        blockGroups<CO, S, 1>(d, plan, mEnd - N, bias, dst - (m - (mEnd - N)) * step, cs);
        m = mEnd;
    }
    return m;
}

template <int CO>
int64_t blockInteriorStride(const BlockPlan& plan, int64_t mBegin, int64_t mEnd, float* dst, int64_t cs) {
    switch (plan.x->stride()) {
        case 1: return blockInterior<CO, 1>(plan, mBegin, mEnd, dst, cs);
        case 2: return blockInterior<CO, 2>(plan, mBegin, mEnd, dst, cs);
        case 3: return blockInterior<CO, 3>(plan, mBegin, mEnd, dst, cs);
        case 4: return blockInterior<CO, 4>(plan, mBegin, mEnd, dst, cs);
        default: return blockInterior<CO, 0>(plan, mBegin, mEnd, dst, cs);
    }
}

// Computes groups from mBegin on, into dst (channel 0's output of group
// mBegin), while whole vectors fit below mEnd; returns the first group not
// computed.
int64_t ComputeBlockInterior(const BlockPlan& plan, int64_t mBegin, int64_t mEnd, float* dst, int64_t cs) {
    switch (plan.channels) {
        case 1: return blockInteriorStride<1>(plan, mBegin, mEnd, dst, cs);
        case 2: return blockInteriorStride<2>(plan, mBegin, mEnd, dst, cs);
        case 3: return blockInteriorStride<3>(plan, mBegin, mEnd, dst, cs);
        case 4: return blockInteriorStride<4>(plan, mBegin, mEnd, dst, cs);
        default: return mBegin;
    }
}

}  // namespace tconv::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tconv::cpu {

HWY_EXPORT(ComputeBlockInterior);

static int64_t computeBlockInterior(const BlockPlan& plan, int64_t mBegin, int64_t mEnd, float* dst, int64_t cs) {
    return HWY_DYNAMIC_DISPATCH(ComputeBlockInterior)(plan, mBegin, mEnd, dst, cs);
}

}  // namespace tconv::cpu
#endif  // HWY_ONCE

#else  // no Highway: plain loops the compiler can vectorize, one phase at a time

namespace tconv::cpu {

// acc holds one phase of the row for each channel: acc[c * count + i].
template <int CO>
static int64_t blockInteriorPlain(const BlockPlan& plan, int64_t mBegin, int64_t mEnd, float* dst, int64_t cs) {
    const int s = plan.x->stride();
    const int64_t count = mEnd - mBegin;
    thread_local std::vector<float> acc;
    acc.resize(static_cast<size_t>(CO * count));
    for (int r = 0; r < s; ++r) {
        for (int c = 0; c < CO; ++c) std::fill_n(acc.data() + c * count, count, plan.bias[c]);
        for (const BlockTap* tap = plan.phaseBegin(r); tap != plan.phaseEnd(r); ++tap) {
            const float* src = tap->row + (mBegin - tap->t);
            float* a = acc.data();
            for (int64_t i = 0; i < count; ++i) {
                const float v = src[i];
                for (int c = 0; c < CO; ++c) a[c * count + i] += tap->w[c] * v;
            }
        }
        for (int c = 0; c < CO; ++c)
            for (int64_t i = 0; i < count; ++i) dst[c * cs + i * s + r] = acc[static_cast<size_t>(c * count + i)];
    }
    return mEnd;
}

static int64_t computeBlockInterior(const BlockPlan& plan, int64_t mBegin, int64_t mEnd, float* dst, int64_t cs) {
    switch (plan.channels) {
        case 1: return blockInteriorPlain<1>(plan, mBegin, mEnd, dst, cs);
        case 2: return blockInteriorPlain<2>(plan, mBegin, mEnd, dst, cs);
        case 3: return blockInteriorPlain<3>(plan, mBegin, mEnd, dst, cs);
        case 4: return blockInteriorPlain<4>(plan, mBegin, mEnd, dst, cs);
        default: return mBegin;
    }
}

}  // namespace tconv::cpu

#endif  // TCONV_HAVE_HWY

#if !defined(TCONV_HAVE_HWY) || HWY_ONCE
namespace tconv::cpu {

void computeBlockRow(const BlockPlan& plan, int64_t oxBegin, int64_t oxEnd, float* dst, int64_t channelStride) {
    const PhaseTable& x = *plan.x;
    const int s = x.stride(), p = x.padding();
    // Groups whose s outputs all lie in [oxBegin, oxEnd) and in the interior.
    const int64_t mBegin = std::max(x.interiorBegin(), (oxBegin + p + s - 1) / s);
    const int64_t mEnd = std::min(x.interiorEnd(), (oxEnd + p) / s);
    int64_t simdBegin = oxBegin, simdEnd = oxBegin;  // the outputs the interior kernel wrote
    if (mEnd > mBegin) {
        simdBegin = x.outputOf(mBegin, 0);
        const int64_t mDone = computeBlockInterior(plan, mBegin, mEnd, dst + (simdBegin - oxBegin), channelStride);
        simdEnd = x.outputOf(mDone, 0);
        if (simdEnd == simdBegin) simdBegin = simdEnd = oxBegin;
    }
    blockEdgePixels(plan, oxBegin, simdBegin, dst, channelStride);
    blockEdgePixels(plan, simdEnd, oxEnd, dst + (simdEnd - oxBegin), channelStride);
}

}  // namespace tconv::cpu
#endif
