// SPDX-License-Identifier: MIT
#pragma once
// The polyphase (sub-pixel) split of one axis of a transposed convolution, the
// one place it is written; the CPU backend's PhaseTable, the CUDA kernels'
// phase tables and the analysis' phase-gain classes are all built from it.
//
// Input i lands on output o = i*s - p + j*d through kernel tap j
// (core/ScatterDefinition.h). Write o + p = s*m + r with phase r in [0, s) and
// group m. Tap j reaches phase r exactly when (j*d) mod s == r, and then reads
// input i = m - t with t = (j*d - r) / s (always >= 0). So output o only ever
// sees the taps of its own phase: the scatter becomes a gather, no tap
// multiplies an inserted zero, and every output is written by one owner.
//
// Header-only, constexpr and __host__ __device__ under nvcc: the CUDA kernels
// use it in device code. Templated on the index type so the kernels keep
// 32-bit arithmetic and the CPU side 64-bit. Requires j, o + p >= 0, s, d >= 1.
#if defined(__CUDACC__)
#define TCONV_POLYPHASE_HD __host__ __device__
#else
#define TCONV_POLYPHASE_HD
#endif

namespace tconv::polyphase {

// The phase tap j writes: (j*d) mod s.
template <class I>
TCONV_POLYPHASE_HD constexpr int tapPhase(I j, int d, int s) {
    return static_cast<int>((j * d) % s);
}

// The input offset t of tap j in phase r = tapPhase(j, d, s): the tap reads input m - t.
template <class I>
TCONV_POLYPHASE_HD constexpr I tapOffset(I j, int d, int s, int r) {
    return (j * d - r) / s;
}

// Output o's phase r and group m (o + p = s*m + r), and back.
template <class I>
TCONV_POLYPHASE_HD constexpr int outputPhase(I o, int s, int p) {
    return static_cast<int>((o + p) % s);
}
template <class I>
TCONV_POLYPHASE_HD constexpr I outputGroup(I o, int s, int p) {
    return (o + p) / s;
}
template <class I>
TCONV_POLYPHASE_HD constexpr I outputOf(I m, int r, int s, int p) {
    return m * s + r - p;
}

}  // namespace tconv::polyphase
