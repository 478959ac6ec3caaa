// SPDX-License-Identifier: MIT
#pragma once
// Per-thread bodies of the ConvTranspose2d kernels, written as __host__ __device__
// functions so that the host-grid test (tests/cuda/test_cuda_host_grid.cpp) can
// run them with g++ over every blockIdx/threadIdx of a launch and compare with
// the reference. The __global__ wrappers in ConvTransposeKernels.cu only turn
// blockIdx/threadIdx into Idx3 and place the __syncthreads() between phases.
//
// Formulation: gather by output phase (core/Polyphase.h). Along one axis, output o
// receives tap k from input i = (o + p - k*d) / s when that division is exact.
// With t = o + p, q = t / s and r = t mod s, the taps that land on phase r are
// k0(r), k0 + tapStep, ... (tapStep = s / gcd(s, d)) and they read inputs
// q + off(r), then inStep (= d / gcd(s, d)) less per further tap. PhaseTap holds
// k0/off/count per phase, precomputed on the host per axis. No zero is
// inserted, nothing is scattered, no atomics.
//
// Layouts (PyTorch): input (N, C_in, H, W), weight (C_in, C_out/groups, kH, kW),
// output (N, C_out, H_out, W_out), all float32, planar, contiguous.
#include <cstddef>
#include <cstdint>

#include "core/Polyphase.h"
#include "cuda/KernelVariant.h"

#if defined(__CUDACC__)
#define TCONV_HD __host__ __device__
#else
#define TCONV_HD
#endif

// Unrolls the next loop in device code (a constant trip count); g++ would warn
// about an unknown pragma in the host-grid build.
#if defined(__CUDA_ARCH__)
#define TCONV_UNROLL _Pragma("unroll")
#else
#define TCONV_UNROLL
#endif

// The host-grid test defines TCONV_HOST_GRID_CHECKS: every shared-memory and
// phase-table index is then checked. The inline namespace keeps the checked and
// the plain host copies of these inline functions apart (no ODR clash when the
// test links the CUDA library too).
#if defined(TCONV_HOST_GRID_CHECKS) && !defined(__CUDA_ARCH__)
#include <stdexcept>
#define TCONV_KERNEL_CHECK(cond)                                                  \
    do {                                                                          \
        if (!(cond)) throw std::logic_error("kernel index check failed: " #cond); \
    } while (0)
#define TCONV_KERNEL_ABI host_checked
#else
#define TCONV_KERNEL_CHECK(cond) ((void)0)
#define TCONV_KERNEL_ABI plain
#endif

namespace tconv::cuda {
inline namespace TCONV_KERNEL_ABI {

// blockIdx / threadIdx / blockDim as plain ints.
struct Idx3 {
    int x = 0, y = 0, z = 0;
};

struct AxisGeometry {
    int in = 1, out = 1;  // extents
    int k = 1, s = 1, p = 0, d = 1;
    int tapStep = 1;  // s / gcd(s, d)
    int inStep = 1;   // d / gcd(s, d)
};

struct ConvGeometry {
    int batch = 1, inChannels = 1, outChannels = 1, groups = 1;
    int cinPerGroup = 1, coutPerGroup = 1;
    AxisGeometry y, x;
};

struct PhaseTap {
    int k0 = 0;     // first tap of this phase
    int off = 0;    // its input index is q + off (off <= 0)
    int count = 0;  // taps k0, k0 + tapStep, ... below k
};

// Everything a launch needs, passed by value. Pointers are device pointers on
// the GPU and plain host pointers in the host-grid test.
struct KernelArgs {
    ConvGeometry g;
    const float* input = nullptr;
    const float* weight = nullptr;
    const float* bias = nullptr;        // null: no bias
    const PhaseTap* phasesY = nullptr;  // g.y.s entries
    const PhaseTap* phasesX = nullptr;  // g.x.s entries
    float* output = nullptr;
    int tileH = 0, tileW = 0;  // tiled kernels: input tile in shared memory
    int smemFloats = 0;        // tiled kernels: shared memory size, for the checks
    int blockOffsetY = 0;      // grid chunking (gridDim.y/z are limited to 65535)
    int blockOffsetZ = 0;
    bool uniformPhases = false;    // tiled kernels: see tiledPhasesUniform
    int shiftY = -1, shiftX = -1;  // log2 of the stride where it is a power of two, else -1
};

// Threads per block of every conv kernel: 32 x 8. A warp is one row of 32
// consecutive output columns, so each store instruction of a warp writes 128
// consecutive bytes (full lines). Tiled threads own columns x, x+32, x+64,
// x+96 rather than four adjacent ones: adjacent threads then read adjacent (or
// equal) input-tile words for every stride, free of shared-memory bank
// conflicts, which float4 stores of adjacent columns would not be for s = 1, 2.
inline constexpr int kThreadsX = 32;
inline constexpr int kThreadsY = 8;
inline constexpr int kThreads = kThreadsX * kThreadsY;
inline constexpr int kTiledCols = 4;                        // columns per tiled thread
inline constexpr int kTiledTileW = kThreadsX * kTiledCols;  // 128 output columns per block

// A tiled thread's outputs lie 32 columns and 8 rows apart, so when the strides
// divide those (s = 1, 2, 4, 8: the image cases) they all share one output
// phase: the same taps, inputs a constant step apart. tiledAccumulate then runs
// the tap loops once for all of them instead of once per output, which is what
// bounds these kernels on a GPU (instruction issue, not DRAM: on an H200 the
// per-output loops cost ~150 instructions per output for k4 s2).
TCONV_HD inline bool tiledPhasesUniform(const ConvGeometry& g) {
    return kThreadsX % g.x.s == 0 && kThreadsY % g.y.s == 0;
}
TCONV_HD inline int strideShift(int s) {
    int shift = 0;
    while ((1 << shift) < s) ++shift;
    return (1 << shift) == s ? shift : -1;
}
// Global loads a tiled thread issues before it stores them to shared memory:
// a thread then waits one memory latency per batch, not per element.
inline constexpr int kTileLoadBatch = 4;

TCONV_HD inline int imin(int a, int b) { return a < b ? a : b; }
// Floor division for b > 0 (C++ '/' truncates toward zero).
TCONV_HD inline int floorDiv(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
// floorDiv(v, s) as an arithmetic shift where s = 2^shift: an integer division
// by a run-time divisor is ~20 instructions on a GPU, and the tiled kernels'
// per-block set-up was dominated by them.
TCONV_HD inline int floorDivStride(int v, int s, int shift) { return shift >= 0 ? v >> shift : floorDiv(v, s); }

// The first tap of phase r (core/Polyphase.h); the phase's further taps
// follow every tapStep.
TCONV_HD inline PhaseTap makePhaseTap(const AxisGeometry& a, int r) {
    for (int j = 0; j < a.tapStep && j < a.k; ++j) {
        if (polyphase::tapPhase(j, a.d, a.s) == r)
            return PhaseTap{j, -polyphase::tapOffset(j, a.d, a.s, r), (a.k - 1 - j) / a.tapStep + 1};
    }
    return PhaseTap{0, 0, 0};
}

// The taps m in [lo, hi] of a phase whose inputs i0 - m*inStep lie in [0, in).
struct TapSpan {
    int lo, hi;
};
TCONV_HD inline TapSpan clipTaps(int i0, int count, int in, int inStep) {
    const int lo = i0 >= in ? (i0 - in + inStep) / inStep : 0;
    const int hi = i0 < 0 ? -1 : imin(count - 1, i0 / inStep);
    return TapSpan{lo, hi};
}

// Phase of output o along an axis: the table entry and q = (o + p) / s.
struct AxisPhase {
    PhaseTap tap;
    int q;
};
TCONV_HD inline AxisPhase axisPhase(const AxisGeometry& a, const PhaseTap* table, int o) {
    const int q = polyphase::outputGroup(o, a.s, a.p);
    const int r = polyphase::outputPhase(o, a.s, a.p);
    TCONV_KERNEL_CHECK(r >= 0 && r < a.s);
    return AxisPhase{table[r], q};
}
// The same with shifts where the stride is 2^shift (o + p >= 0).
TCONV_HD inline AxisPhase axisPhase(const AxisGeometry& a, const PhaseTap* table, int o, int shift) {
    if (shift < 0) return axisPhase(a, table, o);
    const int t = o + a.p;
    TCONV_KERNEL_CHECK(t >= 0 && (t & (a.s - 1)) == polyphase::outputPhase(o, a.s, a.p));
    return AxisPhase{table[t & (a.s - 1)], t >> shift};
}

// The wrappers add the chunk offsets to blockIdx.
TCONV_HD inline Idx3 logicalBlock(const KernelArgs& a, Idx3 raw) {
    return Idx3{raw.x, raw.y + a.blockOffsetY, raw.z + a.blockOffsetZ};
}

// ---------------------------------------------------------------------------
// Tiled kernel: a block computes 128 x (8*R) outputs of CO output channels of
// one group. For each input channel of the group it stages the input tile (zero
// outside the image, so the tap loops need no bounds checks) and the CO kernels
// of that channel in shared memory: [CO * kH * kW weights][tileH x tileW inputs].
// Each thread accumulates R rows x 4 columns x CO channels in registers.
// Sequence per block: init; for each c < cinPerGroup { sync; load(c); sync;
// accumulate } ; store.

template <int CO, int R>
struct TiledThread {
    float acc[R][CO][kTiledCols];
    int colBase[kTiledCols], kx0[kTiledCols], cntX[kTiledCols];  // tile column of the first x tap
    int rowBase[R], ky0[R], cntY[R];                             // tile row of the first y tap
};

struct TiledBlock {
    int n, group, coBase;  // coBase: first output channel within the group
    int oy0, ox0;          // first output row/column of the block
    int tileY0, tileX0;    // input row/column of tile element (0, 0)
};

template <int CO, int R>
TCONV_HD inline TiledBlock tiledBlock(const KernelArgs& a, Idx3 block) {
    const ConvGeometry& g = a.g;
    const int coBlocks = (g.coutPerGroup + CO - 1) / CO;
    const int cb = block.z % coBlocks;
    const int zg = block.z / coBlocks;
    TiledBlock b;
    b.group = zg % g.groups;
    b.n = zg / g.groups;
    b.coBase = cb * CO;
    b.oy0 = block.y * (kThreadsY * R);
    b.ox0 = block.x * kTiledTileW;
    b.tileY0 = floorDivStride(b.oy0 + g.y.p - (g.y.k - 1) * g.y.d, g.y.s, a.shiftY);
    b.tileX0 = floorDivStride(b.ox0 + g.x.p - (g.x.k - 1) * g.x.d, g.x.s, a.shiftX);
    return b;
}

// init, load and store take the block's TiledBlock, computed once per block.
template <int CO, int R>
TCONV_HD inline void tiledInit(const KernelArgs& a, const TiledBlock& b, Idx3 thread, TiledThread<CO, R>& t) {
    const ConvGeometry& g = a.g;
    for (int co = 0; co < CO; ++co) {
        const int col = b.coBase + co;
        const float bias = (a.bias != nullptr && col < g.coutPerGroup) ? a.bias[b.group * g.coutPerGroup + col] : 0.0f;
        for (int r = 0; r < R; ++r)
            for (int v = 0; v < kTiledCols; ++v) t.acc[r][co][v] = bias;
    }
    if (a.uniformPhases) {  // one phase per axis; the others follow by constant steps
        const AxisPhase px = axisPhase(g.x, a.phasesX, b.ox0 + thread.x, a.shiftX);
        const AxisPhase py = axisPhase(g.y, a.phasesY, b.oy0 + thread.y, a.shiftY);
        for (int v = 0; v < kTiledCols; ++v) {
            t.colBase[v] = px.q + px.tap.off - b.tileX0 + v * (kThreadsX >> a.shiftX);
            t.kx0[v] = px.tap.k0;
            t.cntX[v] = px.tap.count;
        }
        for (int r = 0; r < R; ++r) {
            t.rowBase[r] = py.q + py.tap.off - b.tileY0 + r * (kThreadsY >> a.shiftY);
            t.ky0[r] = py.tap.k0;
            t.cntY[r] = py.tap.count;
        }
        return;
    }
    for (int v = 0; v < kTiledCols; ++v) {
        const AxisPhase ph = axisPhase(g.x, a.phasesX, b.ox0 + thread.x + kThreadsX * v, a.shiftX);
        t.colBase[v] = ph.q + ph.tap.off - b.tileX0;
        t.kx0[v] = ph.tap.k0;
        t.cntX[v] = ph.tap.count;
    }
    for (int r = 0; r < R; ++r) {
        const AxisPhase ph = axisPhase(g.y, a.phasesY, b.oy0 + thread.y + kThreadsY * r, a.shiftY);
        t.rowBase[r] = ph.q + ph.tap.off - b.tileY0;
        t.ky0[r] = ph.tap.k0;
        t.cntY[r] = ph.tap.count;
    }
}

// Cooperative load of input channel c of the block's group: warps read rows of
// the input plane (coalesced); the CO kernels of that channel are contiguous in
// the weight tensor.
template <int CO, int R>
TCONV_HD inline void tiledLoad(const KernelArgs& a, const TiledBlock& b, Idx3 thread, int c, float* smem) {
    const ConvGeometry& g = a.g;
    const int ci = b.group * g.cinPerGroup + c;
    const int kHW = g.y.k * g.x.k;
    const int tid = thread.y * kThreadsX + thread.x;
    const float* w = a.weight + (static_cast<int64_t>(ci) * g.coutPerGroup + b.coBase) * kHW;
    for (int co = 0; co < CO; ++co) {
        const bool valid = b.coBase + co < g.coutPerGroup;
        for (int j = tid; j < kHW; j += kThreads) {
            TCONV_KERNEL_CHECK(co * kHW + j < a.smemFloats);
            smem[co * kHW + j] = valid ? w[co * kHW + j] : 0.0f;
        }
    }
    float* tile = smem + CO * kHW;
    const float* plane = a.input + (static_cast<int64_t>(b.n) * g.inChannels + ci) * g.y.in * g.x.in;
    for (int row = thread.y; row < a.tileH; row += kThreadsY) {
        const int iy = b.tileY0 + row;
        const bool rowIn = iy >= 0 && iy < g.y.in;
        const float* src = plane + static_cast<int64_t>(rowIn ? iy : 0) * g.x.in;
        for (int col0 = thread.x; col0 < a.tileW; col0 += kThreadsX * kTileLoadBatch) {
            float v[kTileLoadBatch];
            TCONV_UNROLL
            for (int u = 0; u < kTileLoadBatch; ++u) {
                const int ix = b.tileX0 + col0 + u * kThreadsX;
                v[u] = (rowIn && col0 + u * kThreadsX < a.tileW && ix >= 0 && ix < g.x.in) ? src[ix] : 0.0f;
            }
            TCONV_UNROLL
            for (int u = 0; u < kTileLoadBatch; ++u) {
                const int col = col0 + u * kThreadsX;
                if (col >= a.tileW) break;
                TCONV_KERNEL_CHECK(CO * kHW + row * a.tileW + col < a.smemFloats);
                tile[row * a.tileW + col] = v[u];
            }
        }
    }
}

// The tile covers every input any output of the block reads (rows
// floor((oy0+p-(k-1)d)/s) .. floor((oy0+TH-1+p)/s), likewise for columns), so
// rows and columns below are always inside it.
// Uniform phases (tiledPhasesUniform): one pair of tap loops for all R x 4
// outputs, whose inputs lie rowStep and colStep apart in the tile.
template <int CO, int R>
TCONV_HD inline void tiledAccumulateUniform(const KernelArgs& a, const float* smem, TiledThread<CO, R>& t) {
    const ConvGeometry& g = a.g;
    const int kW = g.x.k;
    const int kHW = g.y.k * kW;
    const int colStep = kThreadsX >> a.shiftX;
    const int rowStep = (kThreadsY >> a.shiftY) * a.tileW;
    const float* origin = smem + CO * kHW + t.rowBase[0] * a.tileW + t.colBase[0];
    for (int my = 0; my < t.cntY[0]; ++my) {
        const float* wrow = smem + (t.ky0[0] + my * g.y.tapStep) * kW;
        const float* inRow = origin - my * g.y.inStep * a.tileW;
        for (int mx = 0; mx < t.cntX[0]; ++mx) {
            const int kx = t.kx0[0] + mx * g.x.tapStep;
            float w[CO];
            TCONV_UNROLL
            for (int co = 0; co < CO; ++co) w[co] = wrow[co * kHW + kx];
            const float* in = inRow - mx * g.x.inStep;
            TCONV_UNROLL
            for (int r = 0; r < R; ++r) {
                TCONV_UNROLL
                for (int v = 0; v < kTiledCols; ++v) {
                    TCONV_KERNEL_CHECK(t.rowBase[r] - my * g.y.inStep >= 0 && t.rowBase[r] - my * g.y.inStep < a.tileH);
                    TCONV_KERNEL_CHECK(t.colBase[v] - mx * g.x.inStep >= 0 && t.colBase[v] - mx * g.x.inStep < a.tileW);
                    const float x = in[r * rowStep + v * colStep];
                    TCONV_UNROLL
                    for (int co = 0; co < CO; ++co) t.acc[r][co][v] += x * w[co];
                }
            }
        }
    }
}

template <int CO, int R>
TCONV_HD inline void tiledAccumulate(const KernelArgs& a, const float* smem, TiledThread<CO, R>& t) {
    if (a.uniformPhases) {
        tiledAccumulateUniform<CO, R>(a, smem, t);
        return;
    }
    const ConvGeometry& g = a.g;
    const int kW = g.x.k;
    const int kHW = g.y.k * kW;
    const float* tile = smem + CO * kHW;
    for (int r = 0; r < R; ++r) {
        for (int my = 0; my < t.cntY[r]; ++my) {
            const int row = t.rowBase[r] - my * g.y.inStep;
            TCONV_KERNEL_CHECK(row >= 0 && row < a.tileH);
            const float* trow = tile + row * a.tileW;
            const float* wrow = smem + (t.ky0[r] + my * g.y.tapStep) * kW;
            for (int v = 0; v < kTiledCols; ++v) {
                for (int mx = 0; mx < t.cntX[v]; ++mx) {
                    const int col = t.colBase[v] - mx * g.x.inStep;
                    TCONV_KERNEL_CHECK(col >= 0 && col < a.tileW);
                    const float in = trow[col];
                    const int kx = t.kx0[v] + mx * g.x.tapStep;
                    for (int co = 0; co < CO; ++co) t.acc[r][co][v] += in * wrow[co * kHW + kx];
                }
            }
        }
    }
}

// Blocks wholly inside the output (all but the right and bottom edges) store
// without per-output bounds checks.
template <int CO, int R>
TCONV_HD inline void tiledStore(const KernelArgs& a, const TiledBlock& b, Idx3 thread, const TiledThread<CO, R>& t) {
    const ConvGeometry& g = a.g;
    const int64_t planeSize = static_cast<int64_t>(g.y.out) * g.x.out;
    const bool interior = b.ox0 + kTiledTileW <= g.x.out && b.oy0 + kThreadsY * R <= g.y.out;
    for (int co = 0; co < CO; ++co) {
        const int col = b.coBase + co;
        if (col >= g.coutPerGroup) break;
        float* plane =
            a.output + (static_cast<int64_t>(b.n) * g.outChannels + b.group * g.coutPerGroup + col) * planeSize;
        TCONV_UNROLL
        for (int r = 0; r < R; ++r) {
            const int oy = b.oy0 + thread.y + kThreadsY * r;
            if (!interior && oy >= g.y.out) break;
            float* row = plane + static_cast<int64_t>(oy) * g.x.out + b.ox0 + thread.x;
            TCONV_UNROLL
            for (int v = 0; v < kTiledCols; ++v)
                if (interior || b.ox0 + thread.x + kThreadsX * v < g.x.out) row[kThreadsX * v] = t.acc[r][co][v];
        }
    }
}

// ---------------------------------------------------------------------------
// Direct kernel: one output per thread, inputs and weights straight from
// global memory (through L1), taps clipped to the image. The fallback when the
// tiled kernel's shared memory would not fit (large kernels or dilations).
TCONV_HD inline void directOutput(const KernelArgs& a, Idx3 block, Idx3 thread) {
    const ConvGeometry& g = a.g;
    const int ox = block.x * kThreadsX + thread.x;
    const int oy = block.y * kThreadsY + thread.y;
    if (ox >= g.x.out || oy >= g.y.out) return;
    const int n = block.z / g.outChannels;
    const int co = block.z - n * g.outChannels;
    const int group = co / g.coutPerGroup;
    const int col = co - group * g.coutPerGroup;
    const AxisPhase py = axisPhase(g.y, a.phasesY, oy);
    const AxisPhase px = axisPhase(g.x, a.phasesX, ox);
    const int iy0 = py.q + py.tap.off, ix0 = px.q + px.tap.off;
    const TapSpan sy = clipTaps(iy0, py.tap.count, g.y.in, g.y.inStep);
    const TapSpan sx = clipTaps(ix0, px.tap.count, g.x.in, g.x.inStep);
    const int kHW = g.y.k * g.x.k;
    const int64_t inPlane = static_cast<int64_t>(g.y.in) * g.x.in;
    float acc = a.bias != nullptr ? a.bias[co] : 0.0f;
    for (int c = 0; c < g.cinPerGroup; ++c) {
        const int ci = group * g.cinPerGroup + c;
        const float* in = a.input + (static_cast<int64_t>(n) * g.inChannels + ci) * inPlane;
        const float* w = a.weight + (static_cast<int64_t>(ci) * g.coutPerGroup + col) * kHW;
        for (int my = sy.lo; my <= sy.hi; ++my) {
            const float* inRow = in + static_cast<int64_t>(iy0 - my * g.y.inStep) * g.x.in;
            const float* wRow = w + (py.tap.k0 + my * g.y.tapStep) * g.x.k;
            for (int mx = sx.lo; mx <= sx.hi; ++mx)
                acc += inRow[ix0 - mx * g.x.inStep] * wRow[px.tap.k0 + mx * g.x.tapStep];
        }
    }
    a.output[(static_cast<int64_t>(n) * g.outChannels + co) * g.y.out * g.x.out + static_cast<int64_t>(oy) * g.x.out +
             ox] = acc;
}

// (CO, R) of the tiled instantiations: Tiled1 serves one output channel per
// group (the depthwise image case) with 4 rows per thread, 8 with uniform
// phases (its tap loops run once for all of a thread's outputs, so the
// per-block set-up and tile load are what more rows amortise); Tiled4 serves
// several output channels per group, reusing each staged input value 4 times.
inline constexpr int kTiled1CO = 1, kTiled1R = 4, kTiled1UniformR = 8;
inline constexpr int kTiled4CO = 4, kTiled4R = 2;

// Rows per thread (R) of a tiled variant.
TCONV_HD inline int tiledRowsPerThread(KernelVariant v, bool uniform) {
    if (v == KernelVariant::Tiled1) return uniform ? kTiled1UniformR : kTiled1R;
    return kTiled4R;
}

}  // namespace TCONV_KERNEL_ABI
}  // namespace tconv::cuda
