// SPDX-License-Identifier: MIT
#pragma once
// The per-sample inner loops of image decoding and encoding: 8/16-bit samples
// <-> float in [0, 1], one contiguous row (one channel) at a time. Plain loops
// over contiguous memory, written so that the compiler vectorizes them with
// baseline x86-64 SSE2 (no -march); the (de)interleaving of channels is done
// separately, by OpenCV's SIMD split/merge (ImageCodec.cpp).
#include <cstddef>
#include <cstdint>

namespace tconv::app {

// dst[i] = floor(clamp(src[i], 0, 1) * M + 0.5) with M = 255 (uint8_t) or
// 65535 (uint16_t); NaN becomes 0. The product and the sum are exact in double
// (a float times M needs at most 40 bits), so this is round-half-up of the true
// value: a float product would round first, and a value just below k + 1/2
// could then round up to k + 1.
void quantizeRow(const float* src, uint8_t* dst, size_t n);
void quantizeRow(const float* src, uint16_t* dst, size_t n);

// dst[i] = src[i] / 255 (uint8_t) or / 65535 (uint16_t), a float division:
// the float nearest the true ratio (multiplying by a rounded reciprocal is
// off by one ulp for some values).
void normalizeRow(const uint8_t* src, float* dst, size_t n);
void normalizeRow(const uint16_t* src, float* dst, size_t n);

}  // namespace tconv::app
