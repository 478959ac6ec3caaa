// SPDX-License-Identifier: MIT
// The GEMM macro kernel of the channel-mixing path (layouts in GemmLayout.h):
// for each B micro-panel (16 pixels of an output row), every A micro-panel
// (channels) of the block, so the B micro-panel (kc rows of 16 floats, 16 KiB
// at kc 256) is read from L1 kGemmMc / 6 times.
//
// The register tile is 6 channels x 16 pixels: with 8-lane vectors (AVX2,
// and AVX-512 targets run the same 8-lane code through CappedTag) that is 12
// accumulators, enough independent FMA chains for two FMA units of four
// cycles' latency, plus 2 B vectors and 1 broadcast weight. With 4-lane
// vectors (SSE4) the tile needs 24 accumulators and spills: correct, not
// tuned (no x86 CPU without AVX2 is a target for channel mixing).
//
// With Highway this file is compiled once per x86 target through
// foreach_target.h and the best one is picked at run time; without Highway a
// plain-loop version is used.
#include "cpu/internal/GemmLayout.h"

#include <algorithm>

#if defined(TCONV_HAVE_HWY)

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cpu/GemmKernel.cpp"
#include <hwy/foreach_target.h>  // re-includes this file once per target
#include <hwy/cache_control.h>
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace tconv::cpu::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DG = hn::CappedTag<float, 8>;
using VG = hn::Vec<DG>;

// C tile (6 x 16 at c, leading dimension ldc) = or += A micro-panel x B
// micro-panel (packed: row k at b + k * 16, 64-byte aligned).
// Prefetch: the next B micro-panel (gemmPanelStride floats on) line by line,
// one per k, while this tile computes; done for a B panel's first A tile
// only, the others find the lines there. When accumulating, C's tile is
// requested at the start too: it is needed only after the kc steps, and with
// hundreds of channels C lives in L3 rather than L2.
template <bool Prefetch>
HWY_INLINE void gemmTile(int64_t kc, const float* HWY_RESTRICT a, const float* HWY_RESTRICT b, float* HWY_RESTRICT c,
                         int64_t ldc, bool accumulate) {
    const DG d;
    constexpr int N = static_cast<int>(hn::MaxLanes(DG()));
    constexpr int NV = kGemmNr / N;
    if (accumulate)
        for (int i = 0; i < kGemmMr; ++i) {
            hwy::Prefetch(c + i * ldc);
            hwy::Prefetch(c + i * ldc + kGemmNr - 1);
        }
    VG acc[kGemmMr][NV];
    for (int i = 0; i < kGemmMr; ++i)
        for (int v = 0; v < NV; ++v) acc[i][v] = hn::Zero(d);
    for (int64_t k = 0; k < kc; ++k, a += kGemmMr, b += kGemmNr) {
        if constexpr (Prefetch) hwy::Prefetch(b + gemmPanelStride(kc));
        VG bv[NV];
        for (int v = 0; v < NV; ++v) bv[v] = hn::Load(d, b + v * N);
        for (int i = 0; i < kGemmMr; ++i) {
            const VG av = hn::Set(d, a[i]);
            for (int v = 0; v < NV; ++v) acc[i][v] = hn::MulAdd(av, bv[v], acc[i][v]);
        }
    }
    for (int i = 0; i < kGemmMr; ++i)
        for (int v = 0; v < NV; ++v) {
            float* out = c + i * ldc + v * N;
            hn::StoreU(accumulate ? hn::Add(hn::LoadU(d, out), acc[i][v]) : acc[i][v], d, out);
        }
}

void GemmMacroKernel(const GemmBlock& g) {
    for (int64_t j = 0; j < g.nPanels; ++j) {
        const float* b = g.b + j * gemmPanelStride(g.kc);
        for (int64_t i = 0; i < g.mPanels; ++i) {
            const float* a = g.a + i * g.kc * kGemmMr;
            float* c = g.c + i * kGemmMr * g.ldc + j * kGemmNr;
            if (i == 0 && j + 1 < g.nPanels) gemmTile<true>(g.kc, a, b, c, g.ldc, g.accumulate);
            else gemmTile<false>(g.kc, a, b, c, g.ldc, g.accumulate);
        }
    }
}

template <int S>
HWY_INLINE void interleaveStride(const float* const* src, int64_t count, float bias, float* HWY_RESTRICT dst) {
    const DG d;
    constexpr int64_t N = static_cast<int64_t>(hn::MaxLanes(DG()));
    const VG b = hn::Set(d, bias);
    int64_t i = 0;
    for (; i + N <= count; i += N, dst += N * S) {
        const VG v0 = hn::Add(hn::LoadU(d, src[0] + i), b);
        if constexpr (S == 1) hn::StoreU(v0, d, dst);
        if constexpr (S >= 2) {
            const VG v1 = hn::Add(hn::LoadU(d, src[1] + i), b);
            if constexpr (S == 2) hn::StoreInterleaved2(v0, v1, d, dst);
            if constexpr (S >= 3) {
                const VG v2 = hn::Add(hn::LoadU(d, src[2] + i), b);
                if constexpr (S == 3) hn::StoreInterleaved3(v0, v1, v2, d, dst);
                if constexpr (S == 4) hn::StoreInterleaved4(v0, v1, v2, hn::Add(hn::LoadU(d, src[3] + i), b), d, dst);
            }
        }
    }
    for (; i < count; ++i, dst += S)
        for (int r = 0; r < S; ++r) dst[r] = src[r][i] + bias;
}

void InterleavePhases(const float* const* src, int s, int64_t count, float bias, float* dst) {
    switch (s) {
        case 1: return interleaveStride<1>(src, count, bias, dst);
        case 2: return interleaveStride<2>(src, count, bias, dst);
        case 3: return interleaveStride<3>(src, count, bias, dst);
        case 4: return interleaveStride<4>(src, count, bias, dst);
        default:
            for (int64_t i = 0; i < count; ++i)
                for (int r = 0; r < s; ++r) dst[i * s + r] = src[r][i] + bias;
    }
}

}  // namespace tconv::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tconv::cpu {

HWY_EXPORT(GemmMacroKernel);
HWY_EXPORT(InterleavePhases);

void gemmMacroKernel(const GemmBlock& block) { HWY_DYNAMIC_DISPATCH(GemmMacroKernel)(block); }

void interleavePhases(const float* const* src, int s, int64_t count, float bias, float* dst) {
    HWY_DYNAMIC_DISPATCH(InterleavePhases)(src, s, count, bias, dst);
}

}  // namespace tconv::cpu
#endif  // HWY_ONCE

#else  // no Highway: plain loops the compiler can vectorize

namespace tconv::cpu {

void gemmMacroKernel(const GemmBlock& g) {
    for (int64_t j = 0; j < g.nPanels; ++j)
        for (int64_t i = 0; i < g.mPanels; ++i) {
            const float* a = g.a + i * g.kc * kGemmMr;
            float acc[kGemmMr][kGemmNr] = {};
            for (int64_t k = 0; k < g.kc; ++k) {
                const float* b = g.b + j * gemmPanelStride(g.kc) + k * kGemmNr;
                for (int r = 0; r < kGemmMr; ++r)
                    for (int l = 0; l < kGemmNr; ++l) acc[r][l] += a[k * kGemmMr + r] * b[l];
            }
            float* c = g.c + i * kGemmMr * g.ldc + j * kGemmNr;
            for (int r = 0; r < kGemmMr; ++r)
                for (int l = 0; l < kGemmNr; ++l)
                    c[r * g.ldc + l] = g.accumulate ? c[r * g.ldc + l] + acc[r][l] : acc[r][l];
        }
}

void interleavePhases(const float* const* src, int s, int64_t count, float bias, float* dst) {
    for (int64_t i = 0; i < count; ++i)
        for (int r = 0; r < s; ++r) dst[i * s + r] = src[r][i] + bias;
}

}  // namespace tconv::cpu

#endif  // TCONV_HAVE_HWY
