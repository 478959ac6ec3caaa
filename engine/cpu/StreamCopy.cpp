// SPDX-License-Identifier: MIT
#include "cpu/internal/StreamCopy.h"

#include <cstring>

#if defined(TCONV_HAVE_HWY)

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "cpu/StreamCopy.cpp"
#include <hwy/foreach_target.h>  // re-includes this file once per target
#include <hwy/cache_control.h>
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace tconv::cpu::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void StreamCopy(const float* src, float* dst, int64_t n) {
    const hn::ScalableTag<float> d;
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    const uintptr_t align = static_cast<uintptr_t>(N) * sizeof(float);
    // Scalar head up to the first vector-aligned destination (dst is at least
    // float-aligned, so this takes fewer than N steps).
    int64_t i = 0;
    while (i < n && reinterpret_cast<uintptr_t>(dst + i) % align != 0) dst[i] = src[i], ++i;
    for (; i + N <= n; i += N) hn::Stream(hn::LoadU(d, src + i), d, dst + i);
    for (; i < n; ++i) dst[i] = src[i];
}

}  // namespace tconv::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tconv::cpu {

HWY_EXPORT(StreamCopy);

void streamCopy(const float* src, float* dst, int64_t n) { HWY_DYNAMIC_DISPATCH(StreamCopy)(src, dst, n); }

void streamFence() { hwy::FlushStream(); }

}  // namespace tconv::cpu
#endif  // HWY_ONCE

#else  // no Highway: an ordinary copy, no fence needed

namespace tconv::cpu {

void streamCopy(const float* src, float* dst, int64_t n) {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
}

void streamFence() {}

}  // namespace tconv::cpu

#endif
