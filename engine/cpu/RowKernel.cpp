// SPDX-License-Identifier: MIT
// The row kernel: the interior of an output row, vectorized along m (the group
// index), one vector per x phase, the phases interleaved on store so every
// output float is written exactly once.
//
// Two interior kernels. The general one walks the row's tap lists at run
// time (any stride, any number of channels and taps). The register kernel
// (interiorRegisters) takes the tap counts per phase as template arguments;
// it covers the image cases (depthwise; k == s; the 2s bilinear kernel; k3 at
// strides 1 and 2), where it keeps weights and pointers in registers for the
// whole row. Both give each tap's weight to U consecutive vectors with U
// independent accumulators: one accumulator per phase would chain the taps'
// FMA latencies. Stride 1 stores plainly, strides 2..4 through Highway's
// StoreInterleaved2/3/4, larger strides lane by lane.
//
// With Highway this file is compiled once per x86 target (SSSE3 .. AVX-512)
// through foreach_target.h and the best one for the running CPU is picked at
// run time (HWY_DYNAMIC_DISPATCH); no -march flags are needed. Without
// Highway a plain-loop version is used.
#include "cpu/internal/RowPlan.h"

#include <algorithm>
#include <type_traits>
#include <vector>

#if defined(TCONV_HAVE_HWY)

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cpu/RowKernel.cpp"
#include <hwy/foreach_target.h>  // re-includes this file once per target
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace tconv::cpu::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using D = hn::ScalableTag<float>;
using V = hn::Vec<D>;

// acc[u] = the Lanes outputs of one phase for groups m + u*Lanes ... Interior
// only: every tap reads inside its input row.
template <int U>
HWY_INLINE void phaseBlock(D d, const RowTap* tap, const RowTap* end, int64_t m, V bias, V* acc) {
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    for (int u = 0; u < U; ++u) acc[u] = bias;
    for (; tap != end; ++tap) {
        const V w = hn::Set(d, tap->w);
        const float* src = tap->row + (m - tap->t);
        for (int u = 0; u < U; ++u) acc[u] = hn::MulAdd(w, hn::LoadU(d, src + u * N), acc[u]);
    }
}

// The general kernel: groups [m, m + U*Lanes) of stride S (1..4: one interleaving store per
// vector; 0: any larger stride, stored lane by lane). dst is group m's first output.
template <int S, int U>
HWY_INLINE void groupBlock(D d, const RowPlan& plan, int64_t m, V bias, float* HWY_RESTRICT dst) {
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    V a0[U], a1[U], a2[U], a3[U];
    if constexpr (S >= 1 && S <= 4) phaseBlock<U>(d, plan.phaseBegin(0), plan.phaseEnd(0), m, bias, a0);
    if constexpr (S >= 2 && S <= 4) phaseBlock<U>(d, plan.phaseBegin(1), plan.phaseEnd(1), m, bias, a1);
    if constexpr (S >= 3 && S <= 4) phaseBlock<U>(d, plan.phaseBegin(2), plan.phaseEnd(2), m, bias, a2);
    if constexpr (S == 4) phaseBlock<U>(d, plan.phaseBegin(3), plan.phaseEnd(3), m, bias, a3);
    for (int u = 0; u < U; ++u) {
        float* out = dst + u * N * (S == 0 ? plan.x->stride() : S);
        if constexpr (S == 1) hn::StoreU(a0[u], d, out);
        if constexpr (S == 2) hn::StoreInterleaved2(a0[u], a1[u], d, out);
        if constexpr (S == 3) hn::StoreInterleaved3(a0[u], a1[u], a2[u], d, out);
        if constexpr (S == 4) hn::StoreInterleaved4(a0[u], a1[u], a2[u], a3[u], d, out);
    }
    if constexpr (S == 0) {
        const int s = plan.x->stride();
        HWY_ALIGN float lanes[U * HWY_MAX_BYTES / sizeof(float)];
        for (int r = 0; r < s; ++r) {
            phaseBlock<U>(d, plan.phaseBegin(r), plan.phaseEnd(r), m, bias, a0);
            for (int u = 0; u < U; ++u) hn::Store(a0[u], d, lanes + u * N);
            for (int64_t l = 0; l < U * N; ++l) dst[l * s + r] = lanes[l];
        }
    }
}

template <int S>
int64_t interiorGeneral(const RowPlan& plan, int64_t m, int64_t mEnd, float* dst) {
    const D d;
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    const int64_t step = S == 0 ? plan.x->stride() : S;
    const V bias = hn::Set(d, plan.bias);
    constexpr int U = 4;
    const int64_t mBegin = m;
    for (; m + U * N <= mEnd; m += U * N, dst += U * N * step) groupBlock<S, U>(d, plan, m, bias, dst);
    for (; m + N <= mEnd; m += N, dst += N * step) groupBlock<S, 1>(d, plan, m, bias, dst);
    if (m < mEnd && mEnd - mBegin >= N) {  // the last partial vector, overlapping (same values)
        groupBlock<S, 1>(d, plan, mEnd - N, bias, dst - (m - (mEnd - N)) * step);
        m = mEnd;
    }
    return m;
}

// The fast path: phase r has exactly Nr taps, known at compile time (the
// image case in the interior rows: 1 tap for k == s, 4 for the 2s-wide
// bilinear kernel, 4 and 2 for k3 s2, 9 for k3 at stride 1, ...). Weights and
// source pointers then live in registers for the whole row and the compiler
// unrolls everything into independent loads and FMAs.
template <int S, int N0, int N1 = 0, int N2 = 0, int N3 = 0>
int64_t interiorRegisters(const RowPlan& plan, int64_t m, int64_t mEnd, float* dst) {
    constexpr int nt[4] = {N0, N1, N2, N3};
    constexpr int maxNt = std::max(std::max(N0, N1), std::max(N2, N3));
    constexpr int U = S * 4 + N0 + N1 + N2 + N3 <= 16 ? 4 : 2;  // accumulators + weights in 16 registers
    const D d;
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    const V bias = hn::Set(d, plan.bias);
    V w[S][maxNt];
    const float* src[S][maxNt];  // group m's first input for each tap (m >= t inside the interior)
    // Fully unrolled (constant indices), so that w, src and acc become registers.
#pragma GCC unroll 4
    for (int r = 0; r < S; ++r)
#pragma GCC unroll 16
        for (int j = 0; j < nt[r]; ++j) {
            const RowTap& tap = plan.phaseBegin(r)[j];
            w[r][j] = hn::Set(d, tap.w);
            src[r][j] = tap.row + (m - tap.t);
        }
    // Groups [m + off, m + off + K*N): K vectors per phase, interleaved out.
    auto block = [&](auto k, int64_t off, float* out) HWY_ATTR {
        constexpr int K = decltype(k)::value;
        V acc[S][K];
#pragma GCC unroll 4
        for (int r = 0; r < S; ++r)
#pragma GCC unroll 4
            for (int u = 0; u < K; ++u) {
                acc[r][u] = bias;
#pragma GCC unroll 16
                for (int j = 0; j < nt[r]; ++j)
                    acc[r][u] = hn::MulAdd(w[r][j], hn::LoadU(d, src[r][j] + off + u * N), acc[r][u]);
            }
#pragma GCC unroll 4
        for (int u = 0; u < K; ++u) {
            float* o = out + u * N * S;
            if constexpr (S == 1) hn::StoreU(acc[0][u], d, o);
            if constexpr (S == 2) hn::StoreInterleaved2(acc[0][u], acc[1][u], d, o);
            if constexpr (S == 3) hn::StoreInterleaved3(acc[0][u], acc[1][u], acc[2][u], d, o);
            if constexpr (S == 4) hn::StoreInterleaved4(acc[0][u], acc[1][u], acc[2][u], acc[3][u], d, o);
        }
    };
    int64_t off = 0;
    for (; m + off + U * N <= mEnd; off += U * N) block(std::integral_constant<int, U>(), off, dst + off * S);
    for (; m + off + N <= mEnd; off += N) block(std::integral_constant<int, 1>(), off, dst + off * S);
    if (m + off < mEnd && mEnd - m >= N) {
        // The last partial vector: recompute the final N groups, overlapping
        // groups already written with the very same values.
        off = mEnd - m - N;
        block(std::integral_constant<int, 1>(), off, dst + off * S);
        off += N;
    }
    return m + off;
}

int tapCount(const RowPlan& plan, int r) {
    return plan.begin[static_cast<size_t>(r) + 1] - plan.begin[static_cast<size_t>(r)];
}

// The register kernel for the row's tap counts when there is one; returns
// the first group it did not compute (mBegin when none applies).
template <int S>
int64_t interiorFastPath(const RowPlan& plan, int64_t m, int64_t mEnd, float* dst) {
    const int n0 = tapCount(plan, 0);
    if constexpr (S == 1) {
        switch (n0) {
            case 1: return interiorRegisters<1, 1>(plan, m, mEnd, dst);
            case 2: return interiorRegisters<1, 2>(plan, m, mEnd, dst);
            case 4: return interiorRegisters<1, 4>(plan, m, mEnd, dst);
            case 9: return interiorRegisters<1, 9>(plan, m, mEnd, dst);
        }
    } else if constexpr (S == 2) {
        const int n1 = tapCount(plan, 1);
        if (n0 > 4 || n1 > 4) return m;
        constexpr auto key = [](int a, int b) { return a * 8 + b; };  // unique for a, b <= 4
        switch (key(n0, n1)) {
            case key(1, 1): return interiorRegisters<2, 1, 1>(plan, m, mEnd, dst);
            case key(1, 2): return interiorRegisters<2, 1, 2>(plan, m, mEnd, dst);
            case key(1, 4): return interiorRegisters<2, 1, 4>(plan, m, mEnd, dst);
            case key(2, 1): return interiorRegisters<2, 2, 1>(plan, m, mEnd, dst);
            case key(2, 2): return interiorRegisters<2, 2, 2>(plan, m, mEnd, dst);
            case key(2, 4): return interiorRegisters<2, 2, 4>(plan, m, mEnd, dst);
            case key(4, 1): return interiorRegisters<2, 4, 1>(plan, m, mEnd, dst);
            case key(4, 2): return interiorRegisters<2, 4, 2>(plan, m, mEnd, dst);
            case key(4, 4): return interiorRegisters<2, 4, 4>(plan, m, mEnd, dst);
        }
    } else {
        for (int r = 1; r < S; ++r)
            if (tapCount(plan, r) != n0) return m;
        switch (n0) {
            case 1: return interiorRegisters<S, 1, 1, 1, (S == 4 ? 1 : 0)>(plan, m, mEnd, dst);
            case 2: return interiorRegisters<S, 2, 2, 2, (S == 4 ? 2 : 0)>(plan, m, mEnd, dst);
            case 4: return interiorRegisters<S, 4, 4, 4, (S == 4 ? 4 : 0)>(plan, m, mEnd, dst);
        }
    }
    return m;
}

template <int S>
int64_t interiorStride(const RowPlan& plan, int64_t mBegin, int64_t mEnd, float* dst) {
    const int64_t m = interiorFastPath<S>(plan, mBegin, mEnd, dst);
    // What is left (all of it, for rows with other tap counts): the general loop.
    return interiorGeneral<S>(plan, m, mEnd, dst + (m - mBegin) * S);
}

// Computes groups from mBegin on, into dst (group mBegin's first output), while
// whole vectors fit below mEnd; returns the first group not computed.
int64_t ComputeInterior(const RowPlan& plan, int64_t mBegin, int64_t mEnd, float* dst) {
    switch (plan.x->stride()) {
        case 1: return interiorStride<1>(plan, mBegin, mEnd, dst);
        case 2: return interiorStride<2>(plan, mBegin, mEnd, dst);
        case 3: return interiorStride<3>(plan, mBegin, mEnd, dst);
        case 4: return interiorStride<4>(plan, mBegin, mEnd, dst);
        default: return interiorGeneral<0>(plan, mBegin, mEnd, dst);
    }
}

const char* TargetName() { return hwy::TargetName(HWY_TARGET); }

}  // namespace tconv::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tconv::cpu {

HWY_EXPORT(ComputeInterior);
HWY_EXPORT(TargetName);

static int64_t computeInterior(const RowPlan& plan, int64_t mBegin, int64_t mEnd, float* dst) {
    return HWY_DYNAMIC_DISPATCH(ComputeInterior)(plan, mBegin, mEnd, dst);
}

const char* rowKernelTarget() { return HWY_DYNAMIC_DISPATCH(TargetName)(); }

}  // namespace tconv::cpu
#endif  // HWY_ONCE

#else  // no Highway: plain loops the compiler can vectorize, one phase at a time

namespace tconv::cpu {

static int64_t computeInterior(const RowPlan& plan, int64_t mBegin, int64_t mEnd, float* dst) {
    const int s = plan.x->stride();
    const int64_t count = mEnd - mBegin;
    thread_local std::vector<float> acc;  // one phase of the row
    acc.resize(static_cast<size_t>(count));
    for (int r = 0; r < s; ++r) {
        std::fill(acc.begin(), acc.end(), plan.bias);
        for (const RowTap* tap = plan.phaseBegin(r); tap != plan.phaseEnd(r); ++tap) {
            const float* src = tap->row + (mBegin - tap->t);
            const float w = tap->w;
            float* a = acc.data();
            for (int64_t i = 0; i < count; ++i) a[i] += w * src[i];
        }
        for (int64_t i = 0; i < count; ++i) dst[i * s + r] = acc[static_cast<size_t>(i)];
    }
    return mEnd;
}

const char* rowKernelTarget() { return "scalar"; }

}  // namespace tconv::cpu

#endif  // TCONV_HAVE_HWY

#if !defined(TCONV_HAVE_HWY) || HWY_ONCE
namespace tconv::cpu {

void computeRow(const RowPlan& plan, int64_t oxBegin, int64_t oxEnd, float* dst) {
    const PhaseTable& x = *plan.x;
    const int s = x.stride(), p = x.padding();
    // Groups whose s outputs all lie in [oxBegin, oxEnd) and in the interior.
    const int64_t mBegin = std::max(x.interiorBegin(), (oxBegin + p + s - 1) / s);
    const int64_t mEnd = std::min(x.interiorEnd(), (oxEnd + p) / s);
    int64_t simdBegin = oxBegin, simdEnd = oxBegin;  // the outputs the SIMD kernel wrote
    if (mEnd > mBegin) {
        simdBegin = x.outputOf(mBegin, 0);
        simdEnd = x.outputOf(computeInterior(plan, mBegin, mEnd, dst + (simdBegin - oxBegin)), 0);
        if (simdEnd == simdBegin) simdBegin = simdEnd = oxBegin;
    }
    edgePixels(plan, oxBegin, simdBegin, dst);
    edgePixels(plan, simdEnd, oxEnd, dst + (simdEnd - oxBegin));
}

}  // namespace tconv::cpu
#endif
