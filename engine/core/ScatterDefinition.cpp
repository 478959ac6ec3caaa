// SPDX-License-Identifier: MIT
#include "core/ScatterDefinition.h"

namespace tconv {

std::vector<AxisSource> axisSources(int64_t o, int64_t inExtent, int k, int s, int p, int d) {
    std::vector<AxisSource> sources;
    for (int j = 0; j < k; ++j) {
        // Solve o = i*s - p + j*d for i: it must be a whole, in-range index.
        const int64_t t = o + p - static_cast<int64_t>(j) * d;
        if (t < 0 || t % s != 0) continue;
        const int64_t i = t / s;
        if (i < inExtent) sources.push_back({i, j});
    }
    return sources;
}

std::vector<ScatterSource> scatterSources(const ConvParams& p, int64_t inH, int64_t inW, int64_t oy, int64_t ox) {
    const std::vector<AxisSource> ys = axisSources(oy, inH, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h);
    const std::vector<AxisSource> xs = axisSources(ox, inW, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w);
    std::vector<ScatterSource> sources;
    sources.reserve(ys.size() * xs.size());
    for (const AxisSource& y : ys)
        for (const AxisSource& x : xs) sources.push_back({y.input, x.input, y.tap, x.tap});
    return sources;
}

}  // namespace tconv
