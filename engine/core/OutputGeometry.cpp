// SPDX-License-Identifier: MIT
#include "core/OutputGeometry.h"

namespace tconv {

int64_t outputExtent(int64_t in, int k, int s, int pBegin, int pEnd, int q, int d) {
    // In 128 bits, saturated: a huge input times a huge stride must read as
    // "too large", never wrap into a small or negative extent.
    const __int128 e = (static_cast<__int128>(in) - 1) * s - static_cast<__int128>(pBegin) - pEnd +
                       static_cast<__int128>(d) * (k - 1) + q + 1;
    if (e > kMaxExtent) return kMaxExtent;
    if (e < -kMaxExtent) return -kMaxExtent;
    return static_cast<int64_t>(e);
}

int64_t outputExtent(int64_t in, int k, int s, int p, int q, int d) { return outputExtent(in, k, s, p, p, q, d); }

OutputSize outputSize(int64_t inH, int64_t inW, const ConvParams& p) {
    const Size2 b = padBegin(p), e = padEnd(p);
    return {outputExtent(inH, p.kernel.h, p.stride.h, b.h, e.h, p.outputPadding.h, p.dilation.h),
            outputExtent(inW, p.kernel.w, p.stride.w, b.w, e.w, p.outputPadding.w, p.dilation.w)};
}

std::optional<AxisPadding> solvePaddingForExtent(int64_t in, int k, int s, int d, int64_t target) {
    if (in < 1 || k < 1 || s < 1 || d < 1 || target < 1) return std::nullopt;
    // target = base - 2p + q, with base the extent at p = q = 0.
    const int64_t base = outputExtent(in, k, s, 0, 0, d);
    const int64_t excess = base - target;  // = 2p - q
    AxisPadding r;
    if (excess <= 0) {
        r.padding = 0;
        r.outputPadding = static_cast<int>(-excess);
    } else {
        r.padding = static_cast<int>((excess + 1) / 2);
        r.outputPadding = static_cast<int>(2 * static_cast<int64_t>(r.padding) - excess);
    }
    if (!outputPaddingAllowed(r.outputPadding, s, d)) return std::nullopt;
    return r;
}

}  // namespace tconv
