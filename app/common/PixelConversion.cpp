// SPDX-License-Identifier: MIT
#include "common/PixelConversion.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tconv::app {
namespace {

// The scalar definition, for the tails and for targets without SSE2. After
// clamping, v * M + 0.5 is positive, so truncation is floor.
template <typename T, int M>
T quantizeOne(float v) {
    v = v > 0.0f ? v : 0.0f;  // NaN -> 0
    v = v < 1.0f ? v : 1.0f;
    return static_cast<T>(static_cast<int32_t>(static_cast<double>(v) * M + 0.5));
}

#if defined(__SSE2__)
// GCC does not if-convert the clamp above without -fno-trapping-math, so the
// loop is written with SSE2 intrinsics (baseline x86-64): 4 floats -> 4
// int32 through two pairs of doubles. maxps returns its second operand when
// either is NaN, hence max(v, 0) maps NaN to 0 like the scalar code.
template <int M>
inline __m128i quantize4(const float* src) {
    const __m128 v = _mm_min_ps(_mm_max_ps(_mm_loadu_ps(src), _mm_setzero_ps()), _mm_set1_ps(1.0f));
    const __m128d m = _mm_set1_pd(M), half = _mm_set1_pd(0.5);
    const __m128d lo = _mm_add_pd(_mm_mul_pd(_mm_cvtps_pd(v), m), half);
    const __m128d hi = _mm_add_pd(_mm_mul_pd(_mm_cvtps_pd(_mm_movehl_ps(v, v)), m), half);
    return _mm_unpacklo_epi64(_mm_cvttpd_epi32(lo), _mm_cvttpd_epi32(hi));
}
#endif

void quantize8(const float* src, uint8_t* dst, size_t n) {
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 16 <= n; i += 16) {
        // Values are 0..255: the signed saturating packs are exact.
        const __m128i a = _mm_packs_epi32(quantize4<255>(src + i), quantize4<255>(src + i + 4));
        const __m128i b = _mm_packs_epi32(quantize4<255>(src + i + 8), quantize4<255>(src + i + 12));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_packus_epi16(a, b));
    }
#endif
    for (; i < n; ++i) dst[i] = quantizeOne<uint8_t, 255>(src[i]);
}

void quantize16(const float* src, uint16_t* dst, size_t n) {
    size_t i = 0;
#if defined(__SSE2__)
    // SSE2 has only a signed 32 -> 16 pack: shift 0..65535 to -32768..32767,
    // pack, and flip the sign bit back.
    const __m128i bias = _mm_set1_epi32(32768);
    const __m128i flip = _mm_set1_epi16(static_cast<short>(0x8000));
    for (; i + 8 <= n; i += 8) {
        const __m128i a = _mm_sub_epi32(quantize4<65535>(src + i), bias);
        const __m128i b = _mm_sub_epi32(quantize4<65535>(src + i + 4), bias);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_xor_si128(_mm_packs_epi32(a, b), flip));
    }
#endif
    for (; i < n; ++i) dst[i] = quantizeOne<uint16_t, 65535>(src[i]);
}

// Vectorized by the compiler (int -> float conversion and divps).
template <typename T, int M>
void normalize(const T* __restrict src, float* __restrict dst, size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] = static_cast<float>(static_cast<int32_t>(src[i])) / static_cast<float>(M);
}

}  // namespace

void quantizeRow(const float* src, uint8_t* dst, size_t n) { quantize8(src, dst, n); }
void quantizeRow(const float* src, uint16_t* dst, size_t n) { quantize16(src, dst, n); }
void normalizeRow(const uint8_t* src, float* dst, size_t n) { normalize<uint8_t, 255>(src, dst, n); }
void normalizeRow(const uint16_t* src, float* dst, size_t n) { normalize<uint16_t, 65535>(src, dst, n); }

}  // namespace tconv::app
