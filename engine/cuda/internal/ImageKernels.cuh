// SPDX-License-Identifier: MIT
#pragma once
// Per-thread bodies of the 8-bit image conversions (see ConvTransposeKernels.cuh
// for TCONV_HD and the host-grid testing scheme). For interactive use the bytes
// crossing PCIe are the cost, so images travel as 8-bit and are converted here:
//   unpack: interleaved uint8 (rows `pitch` bytes apart) -> planar float, v / 255
//   pack:   planar float -> interleaved uint8, clamped to [0, 1], round(v * 255)
//           (round half to even, as OpenCV's convertTo; NaN -> 0)
// Each thread handles 4 consecutive pixels of one row: when the row length is a
// multiple of 4 (and the 8-bit rows are 4-byte aligned), it moves them as one
// float4 per channel and C 32-bit words of bytes; otherwise byte by byte.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "cuda/internal/ConvTransposeKernels.cuh"

namespace tconv::cuda {
inline namespace TCONV_KERNEL_ABI {

struct Image8Args {
    int height = 0, width = 0, channels = 0;  // channels 1..4
    int64_t pitch = 0;                        // bytes between 8-bit rows (>= width * channels)
    const uint8_t* bytesIn = nullptr;         // unpack source
    uint8_t* bytesOut = nullptr;              // pack destination
    const float* planesIn = nullptr;          // pack source (C, H, W)
    float* planesOut = nullptr;               // unpack destination (C, H, W)
    int blockOffsetY = 0;                     // grid chunking: block.y is a row
};

inline constexpr int kImageThreads = 128;  // threads per block; 4 pixels each
inline constexpr int kImagePixelsPerThread = 4;

TCONV_HD inline uint8_t quantize8(float v) {
    if (!(v > 0.0f)) return 0;  // also NaN
    if (v >= 1.0f) return 255;
    return static_cast<uint8_t>(rintf(v * 255.0f));
}

TCONV_HD inline float unquantize8(uint8_t b) { return static_cast<float>(b) / 255.0f; }

// 32-bit word access to byte buffers (4-byte aligned on the fast path); the host
// copy goes through memcpy to stay clear of type punning.
TCONV_HD inline uint32_t loadWord(const uint8_t* p) {
    TCONV_KERNEL_CHECK(reinterpret_cast<uintptr_t>(p) % 4 == 0);
#if defined(__CUDA_ARCH__)
    return *reinterpret_cast<const uint32_t*>(p);
#else
    uint32_t w;
    std::memcpy(&w, p, 4);
    return w;
#endif
}
TCONV_HD inline void storeWord(uint8_t* p, uint32_t w) {
    TCONV_KERNEL_CHECK(reinterpret_cast<uintptr_t>(p) % 4 == 0);
#if defined(__CUDA_ARCH__)
    *reinterpret_cast<uint32_t*>(p) = w;
#else
    std::memcpy(p, &w, 4);
#endif
}

// Fast paths: 4 pixels = 4*C bytes = C aligned words. C is a template
// parameter so that every word/byte index is a compile-time constant (a
// run-time index would move the arrays to local memory).
template <int C>
TCONV_HD inline void unpack4(const uint8_t* src, float* dst, int64_t planeSize) {
    uint32_t words[C];
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
    for (int i = 0; i < C; ++i) words[i] = loadWord(src + 4 * i);
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
    for (int c = 0; c < C; ++c) {
        float v[4];
        for (int px = 0; px < 4; ++px) {
            const int byte = px * C + c;
            v[px] = unquantize8(static_cast<uint8_t>(words[byte / 4] >> (8 * (byte % 4))));
        }
        TCONV_KERNEL_CHECK(reinterpret_cast<uintptr_t>(dst + c * planeSize) % 16 == 0);
#if defined(__CUDA_ARCH__)
        *reinterpret_cast<float4*>(dst + c * planeSize) = make_float4(v[0], v[1], v[2], v[3]);
#else
        for (int px = 0; px < 4; ++px) dst[c * planeSize + px] = v[px];
#endif
    }
}

template <int C>
TCONV_HD inline void pack4(const float* src, uint8_t* dst, int64_t planeSize) {
    uint32_t words[C];
    for (int i = 0; i < C; ++i) words[i] = 0;
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
    for (int c = 0; c < C; ++c) {
        float v[4];
        TCONV_KERNEL_CHECK(reinterpret_cast<uintptr_t>(src + c * planeSize) % 16 == 0);
#if defined(__CUDA_ARCH__)
        const float4 f = *reinterpret_cast<const float4*>(src + c * planeSize);
        v[0] = f.x, v[1] = f.y, v[2] = f.z, v[3] = f.w;
#else
        for (int px = 0; px < 4; ++px) v[px] = src[c * planeSize + px];
#endif
        for (int px = 0; px < 4; ++px) {
            const int byte = px * C + c;
            words[byte / 4] |= static_cast<uint32_t>(quantize8(v[px])) << (8 * (byte % 4));
        }
    }
    for (int i = 0; i < C; ++i) storeWord(dst + 4 * i, words[i]);
}

// block.x * kImageThreads + thread.x: group of 4 pixels; block.y: row.
TCONV_HD inline void unpackImage8(const Image8Args& a, Idx3 block, Idx3 thread) {
    const int y = block.y + a.blockOffsetY;
    const int x0 = (block.x * kImageThreads + thread.x) * kImagePixelsPerThread;
    if (y >= a.height || x0 >= a.width) return;
    const int C = a.channels;
    const int64_t planeSize = static_cast<int64_t>(a.height) * a.width;
    const uint8_t* src = a.bytesIn + y * a.pitch + static_cast<int64_t>(x0) * C;
    float* dst = a.planesOut + static_cast<int64_t>(y) * a.width + x0;
    if (a.width % 4 == 0 && a.pitch % 4 == 0) {
        switch (C) {
            case 1: return unpack4<1>(src, dst, planeSize);
            case 2: return unpack4<2>(src, dst, planeSize);
            case 3: return unpack4<3>(src, dst, planeSize);
            default: return unpack4<4>(src, dst, planeSize);
        }
    }
    const int n = imin(kImagePixelsPerThread, a.width - x0);
    for (int px = 0; px < n; ++px)
        for (int c = 0; c < C; ++c) dst[c * planeSize + px] = unquantize8(src[px * C + c]);
}

// Writes packed rows (pitch = width * channels). Same grid as unpackImage8.
TCONV_HD inline void packImage8(const Image8Args& a, Idx3 block, Idx3 thread) {
    const int y = block.y + a.blockOffsetY;
    const int x0 = (block.x * kImageThreads + thread.x) * kImagePixelsPerThread;
    if (y >= a.height || x0 >= a.width) return;
    const int C = a.channels;
    const int64_t planeSize = static_cast<int64_t>(a.height) * a.width;
    const float* src = a.planesIn + static_cast<int64_t>(y) * a.width + x0;
    uint8_t* dst = a.bytesOut + static_cast<int64_t>(y) * a.width * C + static_cast<int64_t>(x0) * C;
    if (a.width % 4 == 0) {
        switch (C) {
            case 1: return pack4<1>(src, dst, planeSize);
            case 2: return pack4<2>(src, dst, planeSize);
            case 3: return pack4<3>(src, dst, planeSize);
            default: return pack4<4>(src, dst, planeSize);
        }
    }
    const int n = imin(kImagePixelsPerThread, a.width - x0);
    for (int px = 0; px < n; ++px)
        for (int c = 0; c < C; ++c) dst[px * C + c] = quantize8(src[c * planeSize + px]);
}

}  // namespace TCONV_KERNEL_ABI
}  // namespace tconv::cuda
