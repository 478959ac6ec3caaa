// SPDX-License-Identifier: MIT
#pragma once
// Per-thread bodies of the channel-mixing kernel (KernelVariant::Gemm): an
// implicit GEMM per output phase, the CUDA counterpart of engine/cpu/GemmPath.
// Written as __host__ __device__ functions so the host-grid test
// (tests/cuda/HostGrid.h, emulateGemmBlock) runs them over every block and
// thread of the real launch, phase by phase between the barriers.
//
// Formulation: the outputs of one phase (ry, rx) (r = (o + padBegin) mod s,
// see ConvTransposeKernels.cuh) are a stride-1 correlation with the phase's
// sub-kernel, i.e. per (batch item, group) a GEMM
//     out[co][pix] = bias[co] + sum_k A[co][k] * B[k][pix]
//     k = (c, my, mx): c < C_in/g, my < taps of ry, mx < taps of rx
//     A[co][k]  = weight[ci][co][ky0 + my*tapStep][kx0 + mx*tapStep]
//     B[k][pix] = input[n][ci][qy + offY - my*inStep][qx + offX - mx*inStep] (0 outside)
// with pix = (qy, qx) over the phase's output rows/columns o = q*s + r - padBegin.
// Nothing is materialised: B is gathered from the input while staging.
//
// Launch: blocks of 16 x 16 threads; grid x = 64-pixel tiles of a phase (of the
// largest phase: blocks past a smaller phase's end exit as a whole), y = phase
// (ry * s_x + rx), z = (batch item, group, 64-channel tile). A block computes
// 64 output channels x 64 pixels; thread (tx, ty) owns channels ty + 16i and
// pixels tx + 16j (i, j < 4): a warp then reads 16 consecutive B words and 2
// A words per step (no bank conflicts) and stores 16 consecutive pixels.
// Sequence per block: init; for each K chunk of 16 { sync; load; sync;
// accumulate }; store. Shared memory: A chunk [16][64], then B chunk [16][64]
// (8 KiB).
#include "cuda/internal/ConvTransposeKernels.cuh"

namespace tconv::cuda {
inline namespace TCONV_KERNEL_ABI {

inline constexpr int kGemmThreadsX = 16;
inline constexpr int kGemmThreadsY = 16;
inline constexpr int kGemmThreads = kGemmThreadsX * kGemmThreadsY;
inline constexpr int kGemmTileM = 64;  // output channels per block
inline constexpr int kGemmTileN = 64;  // pixels of one phase per block
inline constexpr int kGemmTileK = 16;  // GEMM depth per shared-memory stage
inline constexpr int kGemmRegM = kGemmTileM / kGemmThreadsY;
inline constexpr int kGemmRegN = kGemmTileN / kGemmThreadsX;
inline constexpr int kGemmSmemFloats = kGemmTileK * (kGemmTileM + kGemmTileN);

// The outputs of phase r along an axis: o = (q0 + i)*s + r - p for i < n.
struct PhaseSpan {
    int q0, n;
};
TCONV_HD inline PhaseSpan phaseSpan(const AxisGeometry& a, int r) {
    const int q0 = -floorDiv(r - a.p, a.s);             // ceil((p - r) / s): first o >= 0
    const int q1 = floorDiv(a.out - 1 + a.p - r, a.s);  // last o < out
    return PhaseSpan{q0, q1 >= q0 ? q1 - q0 + 1 : 0};
}

struct GemmBlock {
    int n, group, coBase;  // coBase: first output channel within the group
    int ry, rx;            // the phase
    PhaseTap tapY, tapX;   // its taps
    PhaseSpan spanY, spanX;
    int pixels;  // spanY.n * spanX.n (planLaunch keeps it below INT_MAX - kGemmTileN)
    int pix0;    // first pixel of the block, row-major over spanY.n x spanX.n
    int taps;    // tapY.count * tapX.count
    int depth;   // GEMM depth K = cinPerGroup * taps
};

TCONV_HD inline GemmBlock gemmBlock(const KernelArgs& a, Idx3 block) {
    const ConvGeometry& g = a.g;
    const int coBlocks = (g.coutPerGroup + kGemmTileM - 1) / kGemmTileM;
    GemmBlock b;
    const int zg = block.z / coBlocks;
    b.coBase = (block.z - zg * coBlocks) * kGemmTileM;
    b.group = zg % g.groups;
    b.n = zg / g.groups;
    b.ry = block.y / g.x.s;
    b.rx = block.y - b.ry * g.x.s;
    TCONV_KERNEL_CHECK(b.ry < g.y.s && b.n < g.batch);
    b.tapY = a.phasesY[b.ry];
    b.tapX = a.phasesX[b.rx];
    b.spanY = phaseSpan(g.y, b.ry);
    b.spanX = phaseSpan(g.x, b.rx);
    b.pixels = b.spanY.n * b.spanX.n;
    b.pix0 = block.x * kGemmTileN;
    b.taps = b.tapY.count * b.tapX.count;
    b.depth = g.cinPerGroup * b.taps;
    return b;
}

// Blocks past the end of a smaller phase have nothing to do (uniform per
// block, so they may return before the first barrier).
TCONV_HD inline bool gemmBlockActive(const GemmBlock& b) { return b.pix0 < b.pixels; }
TCONV_HD inline int gemmChunks(const GemmBlock& b) { return (b.depth + kGemmTileK - 1) / kGemmTileK; }

struct GemmThread {
    float acc[kGemmRegM][kGemmRegN];
};

TCONV_HD inline void gemmInit(const KernelArgs& a, const GemmBlock& b, Idx3 thread, GemmThread& t) {
    const ConvGeometry& g = a.g;
    for (int i = 0; i < kGemmRegM; ++i) {
        const int co = b.coBase + thread.y + kGemmThreadsY * i;
        const float bias = (a.bias != nullptr && co < g.coutPerGroup) ? a.bias[b.group * g.coutPerGroup + co] : 0.0f;
        for (int j = 0; j < kGemmRegN; ++j) t.acc[i][j] = bias;
    }
}

// GEMM row k of the block's phase: input channel c (within the group) and the
// tap indices (my, mx) within the phase.
struct GemmTap {
    int c, my, mx;
};
TCONV_HD inline GemmTap gemmTap(const GemmBlock& b, int k) {
    GemmTap t;
    t.c = k / b.taps;
    const int rest = k - t.c * b.taps;
    t.my = rest / b.tapX.count;
    t.mx = rest - t.my * b.tapX.count;
    return t;
}

// Cooperative load of GEMM rows k0 .. k0+15: A (weights; rows past the depth
// and channels past the group are 0) and B (inputs gathered through the phase
// tables; 0 outside the image, past the depth and past the phase's pixels).
// Consecutive threads fill consecutive words: for B that is consecutive
// pixels, i.e. mostly consecutive input columns (coalesced). Each thread keeps
// one column of A and of B (its channel, its pixel, decoded once) and fills
// every 4th row.
static_assert(kGemmThreads % kGemmTileM == 0 && kGemmThreads % kGemmTileN == 0, "whole rows per pass");
TCONV_HD inline void gemmLoad(const KernelArgs& a, const GemmBlock& b, Idx3 thread, int k0, float* smem) {
    const ConvGeometry& g = a.g;
    const int tid = thread.y * kGemmThreadsX + thread.x;
    const int kW = g.x.k;
    const int kHW = g.y.k * kW;
    float* tileA = smem;
    float* tileB = smem + kGemmTileK * kGemmTileM;
    const int m = tid % kGemmTileM, co = b.coBase + m;
    for (int kk = tid / kGemmTileM; kk < kGemmTileK; kk += kGemmThreads / kGemmTileM) {
        const int k = k0 + kk;
        float w = 0.0f;
        if (k < b.depth && co < g.coutPerGroup) {
            const GemmTap t = gemmTap(b, k);
            const int ci = b.group * g.cinPerGroup + t.c;
            const int ky = b.tapY.k0 + t.my * g.y.tapStep, kx = b.tapX.k0 + t.mx * g.x.tapStep;
            TCONV_KERNEL_CHECK(ky >= 0 && ky < g.y.k && kx >= 0 && kx < kW);
            w = a.weight[(static_cast<int64_t>(ci) * g.coutPerGroup + co) * kHW + ky * kW + kx];
        }
        TCONV_KERNEL_CHECK(kk * kGemmTileM + m < a.smemFloats);
        tileA[kk * kGemmTileM + m] = w;
    }
    const int col = tid % kGemmTileN, pix = b.pix0 + col;
    const bool pixIn = pix < b.pixels;
    const int py = pixIn ? pix / b.spanX.n : 0;
    const int iy0 = b.spanY.q0 + py + b.tapY.off;                      // input row of tap my = 0
    const int ix0 = b.spanX.q0 + (pix - py * b.spanX.n) + b.tapX.off;  // input column of tap mx = 0
    const int64_t inPlane = static_cast<int64_t>(g.y.in) * g.x.in;
    for (int kk = tid / kGemmTileN; kk < kGemmTileK; kk += kGemmThreads / kGemmTileN) {
        const int k = k0 + kk;
        float v = 0.0f;
        if (k < b.depth && pixIn) {
            const GemmTap t = gemmTap(b, k);
            const int iy = iy0 - t.my * g.y.inStep, ix = ix0 - t.mx * g.x.inStep;
            if (iy >= 0 && iy < g.y.in && ix >= 0 && ix < g.x.in) {
                const int ci = b.group * g.cinPerGroup + t.c;
                v = a.input[(static_cast<int64_t>(b.n) * g.inChannels + ci) * inPlane +
                            static_cast<int64_t>(iy) * g.x.in + ix];
            }
        }
        TCONV_KERNEL_CHECK(kGemmTileK * kGemmTileM + kk * kGemmTileN + col < a.smemFloats);
        tileB[kk * kGemmTileN + col] = v;
    }
}

TCONV_HD inline void gemmAccumulate(const float* smem, Idx3 thread, GemmThread& t) {
    const float* tileA = smem;
    const float* tileB = smem + kGemmTileK * kGemmTileM;
    for (int kk = 0; kk < kGemmTileK; ++kk) {
        float av[kGemmRegM], bv[kGemmRegN];
        for (int i = 0; i < kGemmRegM; ++i) av[i] = tileA[kk * kGemmTileM + thread.y + kGemmThreadsY * i];
        for (int j = 0; j < kGemmRegN; ++j) bv[j] = tileB[kk * kGemmTileN + thread.x + kGemmThreadsX * j];
        for (int i = 0; i < kGemmRegM; ++i)
            for (int j = 0; j < kGemmRegN; ++j) t.acc[i][j] += av[i] * bv[j];
    }
}

TCONV_HD inline void gemmStore(const KernelArgs& a, const GemmBlock& b, Idx3 thread, const GemmThread& t) {
    const ConvGeometry& g = a.g;
    const int64_t planeSize = static_cast<int64_t>(g.y.out) * g.x.out;
    for (int i = 0; i < kGemmRegM; ++i) {
        const int co = b.coBase + thread.y + kGemmThreadsY * i;
        if (co >= g.coutPerGroup) break;
        float* plane =
            a.output + (static_cast<int64_t>(b.n) * g.outChannels + b.group * g.coutPerGroup + co) * planeSize;
        for (int j = 0; j < kGemmRegN; ++j) {
            const int pix = b.pix0 + thread.x + kGemmThreadsX * j;
            if (pix >= b.pixels) break;
            const int py = pix / b.spanX.n;
            const int oy = (b.spanY.q0 + py) * g.y.s + b.ry - g.y.p;
            const int ox = (b.spanX.q0 + pix - py * b.spanX.n) * g.x.s + b.rx - g.x.p;
            TCONV_KERNEL_CHECK(oy >= 0 && oy < g.y.out && ox >= 0 && ox < g.x.out);
            plane[static_cast<int64_t>(oy) * g.x.out + ox] = t.acc[i][j];
        }
    }
}

}  // namespace TCONV_KERNEL_ABI
}  // namespace tconv::cuda
