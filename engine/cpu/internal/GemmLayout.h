// SPDX-License-Identifier: MIT
#pragma once
// The channel-mixing path as a GEMM: the shapes and memory layouts that the
// packing (GemmWeights.cpp, GemmPath.cpp) and the SIMD kernel
// (GemmKernel.cpp) agree on.
//
// Per output phase (ry, rx) the polyphase split (PhaseTable) makes the layer
// a stride-1 correlation, and per group g it is one matrix product
//     C[co][q] = sum over k of A[co][k] * B[k][q]
// with co the group's output channels (M = C_out / groups), q the output
// pixels of the phase (my, mx) and k = (ci, y tap, x tap) of the phase
// (K = C_in / groups * taps_y(ry) * taps_x(rx)):
//     A[co][k] = weight[ci][co][ky][kx],  B[k][q] = input[ci][my - ty][mx - tx]
// (0 where that reads outside the input). A is packed once per weight
// (PackedWeights, cached), B per block of pixels; C is a per-thread scratch
// written out to the strided output pixels of the phase with the bias.
//
// Blocking (BLIS's): K in chunks of kGemmKc, so that one B micro-panel
// (kGemmKc x kGemmNr) stays in L1 while the kernel walks the A micro-panels
// (kGemmMr x kGemmKc each) of up to kGemmMc channels, which stay in L2.
// Register tile kGemmMr x kGemmNr: 6 x 16 = 12 AVX2 accumulators, 2 B
// vectors, 1 broadcast A (15 of 16 registers), 12 FMAs per 2 loads and 6
// broadcasts.
//
// Packed A of one (group, phase), chunk c covering k in [k0, k0 + kc):
//     panel i (channels [i*MR, i*MR + MR)) at k0 * Mpad + i * kc * MR,
//     element (k, co) at that + (k - k0) * MR + co % MR
// B is taken from a zero-padded copy of the input (so no tap needs a bounds
// check) and packed per block of output pixels and K chunk (GemmPath.cpp):
//     micro-panel j (16 pixels of one output row) at j * kc * NR,
//     element (k, pixel) at that + (k - k0) * NR + pixel % NR
// one contiguous, 64-byte aligned 16 KiB panel, packed once and then read by
// every A micro-panel of the block (Mpad / MR times). Reading B in place
// instead (each row k of a micro-panel a stretch of a different input row)
// touched two cache lines per k and defeated the hardware prefetcher.
// M is padded with zeros to whole panels (Mpad) and each output row segment
// to whole micro-panels: edge tiles are computed whole (reading the padding)
// and only their valid part is written out.
#include <cstdint>

namespace tconv::cpu {

inline constexpr int kGemmMr = 6;
inline constexpr int kGemmNr = 16;
inline constexpr int64_t kGemmKc = 256;
inline constexpr int64_t kGemmMc = 96;  // 16 panels: 96 x 256 floats = 96 KiB of A in L2

inline int64_t roundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

// Floats from one packed B micro-panel to the next: the panel plus one
// cache line, so that the same k row of consecutive panels (written
// together by the packing) falls in different L1 sets rather than all in
// one (the panel itself is a multiple of 4 KiB at kc 256).
inline int64_t gemmPanelStride(int64_t kc) { return kc * kGemmNr + kGemmNr; }

// One macro-kernel call: the C tiles (mPanels x nPanels) = or += A panels x
// B panels over kc values of k. A: mPanels consecutive micro-panels of kc *
// MR floats; B: nPanels consecutive packed micro-panels of kc * NR floats
// (64-byte aligned). C: row-major with leading dimension ldc, tile (i, j) at
// c + i * MR * ldc + j * NR.
struct GemmBlock {
    int64_t kc = 0;
    int64_t mPanels = 0, nPanels = 0;
    const float* a = nullptr;
    const float* b = nullptr;
    float* c = nullptr;
    int64_t ldc = 0;
    bool accumulate = false;  // false: C = A x B (first chunk), true: C += A x B
};

// GemmKernel.cpp: the SIMD macro kernel for the running CPU.
void gemmMacroKernel(const GemmBlock& block);

// dst[i * s + r] = src[r][i] + bias for i in [0, count), r in [0, s): the s
// x phases of an output row interleaved back into it (s >= 1).
void interleavePhases(const float* const* src, int s, int64_t count, float bias, float* dst);

}  // namespace tconv::cpu
