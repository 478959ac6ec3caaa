// SPDX-License-Identifier: MIT
#pragma once
// Copying finished output rows out of the per-thread scratch with
// non-temporal (streaming) stores. An output larger than the caches is
// written once and not read again by us: streaming stores skip the read for
// ownership of each destination line and leave the caches to the inputs.
// (On the 2-core VM: 10-15% faster on write-bound cases, neutral on the image
// case with 2 threads; see docs/benchmarks.md.)
#include <cstdint>

namespace tconv::cpu {

// dst[0 .. n) = src[0 .. n). Streams the vector-aligned middle of dst.
void streamCopy(const float* src, float* dst, int64_t n);

// Makes this thread's streaming stores globally visible; call before the
// thread reports its part of the output done.
void streamFence();

}  // namespace tconv::cpu
