// SPDX-License-Identifier: MIT
// The SIMD kernel of the CPU backend's forward conv2d (layout and tiling in
// cpu/internal/Conv2dPath.h): CO channels x R rows x 2 vectors of
// accumulators, all taps summed in registers, each output stored once.
//
// With Highway this file is compiled once per x86 target through
// foreach_target.h and the best one is picked at run time; 8-lane vectors at
// most (CappedTag), so the AVX2 tile is 8 accumulators + 2 input vectors + up
// to 4 broadcast weights in 16 registers. Without Highway a plain-loop version
// is used.
#include "cpu/internal/Conv2dPath.h"

#include <algorithm>

// foreach_target.h re-includes this file once per target: the scalar code is
// compiled on the first pass only.
#ifndef TCONV_CONV2D_KERNEL_SCALAR
#define TCONV_CONV2D_KERNEL_SCALAR
namespace tconv::cpu {
namespace {

// Outputs [ox0, ox1) of the band, one by one (bands narrower than a block).
void scalarBand(const Conv2dTile& t, int64_t ox0, int64_t ox1) {
    for (int c = 0; c < t.validCo; ++c)
        for (int r = 0; r < t.rows; ++r)
            for (int64_t ox = ox0; ox < ox1; ++ox) {
                float acc = 0.0f;
                for (int ci = 0; ci < t.cin; ++ci)
                    for (int ky = 0; ky < t.kh; ++ky) {
                        const float* row = t.src + ci * t.planeStride + (r * t.sy + ky * t.dy) * t.rowStride + ox;
                        const float* w = t.w + (ci * t.kh + ky) * t.kw * t.co + c;
                        for (int kx = 0; kx < t.kw; ++kx) acc += w[kx * t.co] * row[kx * t.dx];
                    }
                t.out[c * t.outPlaneStride + r * t.outRowStride + ox] = acc + t.bias[c];
            }
}

}  // namespace
}  // namespace tconv::cpu
#endif  // TCONV_CONV2D_KERNEL_SCALAR

#if defined(TCONV_HAVE_HWY)

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cpu/Conv2dKernel.cpp"
#include <hwy/foreach_target.h>  // re-includes this file once per target
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace tconv::cpu::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

using DC = hn::CappedTag<float, 8>;
using VC = hn::Vec<DC>;

// The 2-vector block of outputs starting at column ox0, summed over input
// channels [ci0, ci1): stored (plus bias) when `accumulate` is false, added
// to what the output holds when true.
template <int CO, int R>
HWY_INLINE void tileBlock(const Conv2dTile& t, int64_t ox0, int ci0, int ci1, bool accumulate) {
    const DC d;
    constexpr int64_t N = static_cast<int64_t>(hn::MaxLanes(DC()));
    VC acc[CO][R][2];
    for (int c = 0; c < CO; ++c)
        for (int r = 0; r < R; ++r) acc[c][r][0] = acc[c][r][1] = hn::Zero(d);
    for (int ci = ci0; ci < ci1; ++ci) {
        const float* plane = t.src + ci * t.planeStride + ox0;
        for (int ky = 0; ky < t.kh; ++ky) {
            const float* rows[R];
            for (int r = 0; r < R; ++r) rows[r] = plane + (r * t.sy + ky * t.dy) * t.rowStride;
            const float* w = t.w + (ci * t.kh + ky) * t.kw * CO;
            for (int kx = 0; kx < t.kw; ++kx, w += CO) {
                VC wv[CO];
                for (int c = 0; c < CO; ++c) wv[c] = hn::Set(d, w[c]);
                const int64_t off = int64_t(kx) * t.dx;
                for (int r = 0; r < R; ++r) {
                    const VC v0 = hn::LoadU(d, rows[r] + off), v1 = hn::LoadU(d, rows[r] + off + N);
                    for (int c = 0; c < CO; ++c) {
                        acc[c][r][0] = hn::MulAdd(wv[c], v0, acc[c][r][0]);
                        acc[c][r][1] = hn::MulAdd(wv[c], v1, acc[c][r][1]);
                    }
                }
            }
        }
    }
    for (int c = 0; c < CO; ++c) {
        if (c >= t.validCo) break;
        const VC b = hn::Set(d, t.bias[c]);
        for (int r = 0; r < R; ++r) {
            float* out = t.out + c * t.outPlaneStride + r * t.outRowStride + ox0;
            const VC base0 = accumulate ? hn::LoadU(d, out) : b, base1 = accumulate ? hn::LoadU(d, out + N) : b;
            hn::StoreU(hn::Add(acc[c][r][0], base0), d, out);
            hn::StoreU(hn::Add(acc[c][r][1], base1), d, out + N);
        }
    }
}

// Row reuse (stride and dilation 1 along y, kh <= 7, CO = 1): one vector of
// outputs in each of R rows, R accumulators. For one input channel and one
// column kx the kh weights w[ky][kx] stay in registers, and each input row
// of the band (R + kh - 1 of them) is loaded once and feeds every output row
// it reaches (output row r reads input row r + ky): (R + kh - 1) loads + kh
// broadcasts per R * kh multiply-adds, against one load per multiply-add
// without reuse. The synthesis of a deconvolutional network (16 -> 1) and its
// gradient (1 -> 16) both take it. R = 8: 8 accumulators + 7 weights + the
// loaded row fill the 16 AVX2 registers.
template <int KH, int R>
HWY_INLINE void reuseBlock(const Conv2dTile& t, int64_t ox0, int ci0, int ci1, bool accumulate) {
    const DC d;
    VC acc[R];
    for (int r = 0; r < R; ++r) acc[r] = hn::Zero(d);
    for (int ci = ci0; ci < ci1; ++ci) {
        const float* plane = t.src + ci * t.planeStride + ox0;
        const float* wc = t.w + ci * KH * t.kw;  // [ky][kx] (CO = 1)
        for (int kx = 0; kx < t.kw; ++kx) {
            VC wv[KH];
            for (int ky = 0; ky < KH; ++ky) wv[ky] = hn::Set(d, wc[ky * t.kw + kx]);
            const float* col = plane + int64_t(kx) * t.dx;
#pragma GCC unroll 16
            for (int ir = 0; ir < R + KH - 1; ++ir) {
                const VC v = hn::LoadU(d, col + ir * t.rowStride);
#pragma GCC unroll 8
                for (int r = 0; r < R; ++r)
                    if (ir - r >= 0 && ir - r < KH) acc[r] = hn::MulAdd(wv[ir - r], v, acc[r]);
            }
        }
    }
    const VC b = hn::Set(d, t.bias[0]);
    for (int r = 0; r < R; ++r) {
        float* out = t.out + r * t.outRowStride + ox0;
        hn::StoreU(hn::Add(acc[r], accumulate ? hn::LoadU(d, out) : b), d, out);
    }
}

template <int KH>
HWY_INLINE void reuseBand(const Conv2dTile& t) {
    constexpr int R = kConv2dReuseRows;
    constexpr int64_t block = static_cast<int64_t>(hn::MaxLanes(DC()));
    if (t.width < block) return scalarBand(t, 0, t.width);
    // As band() below: channels in chunks whose band rows fit in L1.
    const int64_t bytesPerChannel = int64_t(R + KH - 1) * t.rowStride * int64_t(sizeof(float));
    const int chunk =
        static_cast<int>(std::clamp<int64_t>((16 << 10) / std::max<int64_t>(1, bytesPerChannel), 1, t.cin));
    const int64_t full = t.width / block * block;
    for (int ci0 = 0; ci0 < t.cin; ci0 += chunk) {
        const int ci1 = std::min(t.cin, ci0 + chunk);
        for (int64_t ox = 0; ox < full; ox += block) reuseBlock<KH, R>(t, ox, ci0, ci1, ci0 > 0);
    }
    if (full < t.width) reuseBlock<KH, R>(t, t.width - block, 0, t.cin, false);
}

// Input channels are taken in chunks whose rows of the band fit in L1
// (16 KiB), each chunk swept over the whole band before the next: with many
// input channels (a deconvnet's synthesis, 16 -> 1) the rows of all of them
// at once would spill to L2 on every block. The band's outputs stay in L1
// between chunks. The overlapping last block is summed over all channels at
// once, after the chunks, and stored (not added), so no output counts twice.
template <int CO, int R>
HWY_INLINE void band(const Conv2dTile& t) {
    constexpr int64_t block = 2 * static_cast<int64_t>(hn::MaxLanes(DC()));
    if (t.width < block) return scalarBand(t, 0, t.width);
    const int64_t rowsPerChannel = int64_t(R - 1) * t.sy + int64_t(t.kh - 1) * t.dy + 1;
    const int64_t bytesPerChannel = rowsPerChannel * t.rowStride * int64_t(sizeof(float));
    const int chunk =
        static_cast<int>(std::clamp<int64_t>((16 << 10) / std::max<int64_t>(1, bytesPerChannel), 1, t.cin));
    const int64_t full = t.width / block * block;
    for (int ci0 = 0; ci0 < t.cin; ci0 += chunk) {
        const int ci1 = std::min(t.cin, ci0 + chunk);
        for (int64_t ox = 0; ox < full; ox += block) tileBlock<CO, R>(t, ox, ci0, ci1, ci0 > 0);
    }
    if (full < t.width) tileBlock<CO, R>(t, t.width - block, 0, t.cin, false);
}

void Conv2dBand(const Conv2dTile& t) {
    if (t.rows == kConv2dReuseRows) {
        switch (t.kh) {
            case 1: return reuseBand<1>(t);
            case 2: return reuseBand<2>(t);
            case 3: return reuseBand<3>(t);
            case 4: return reuseBand<4>(t);
            case 5: return reuseBand<5>(t);
            case 6: return reuseBand<6>(t);
            case 7: return reuseBand<7>(t);
            default: break;
        }
    }
    if (t.co == 4) return band<4, 1>(t);
    if (t.rows == 4) return band<1, 4>(t);
    return band<1, 1>(t);
}

}  // namespace tconv::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tconv::cpu {

HWY_EXPORT(Conv2dBand);

void conv2dBand(const Conv2dTile& t) { HWY_DYNAMIC_DISPATCH(Conv2dBand)(t); }

}  // namespace tconv::cpu
#endif  // HWY_ONCE

#else  // no Highway: the scalar loop (the compiler vectorizes what it can)

namespace tconv::cpu {

void conv2dBand(const Conv2dTile& t) { scalarBand(t, 0, t.width); }

}  // namespace tconv::cpu

#endif  // TCONV_HAVE_HWY
