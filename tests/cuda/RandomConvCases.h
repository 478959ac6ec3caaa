// SPDX-License-Identifier: MIT
#pragma once
// Seeded random ConvTranspose2d problems (all parameters per axis, per-side
// padding (ONNX pads) half of the time, groups, bias, sizes down to 1x1) and
// the error measure, shared by the host-grid test,
// the device test and tconv_cuda_check. Plain C++: no Qt, no CUDA.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>

#include "core/ConvLayer.h"
#include "core/OutputGeometry.h"
#include "core/Tensor.h"

namespace tconv::testing {

struct RandomCase {
    Tensor input;
    ConvLayer layer;
    std::string label;  // "seed 12: in (1, 2, 5, 7) k=3x2 s=2 ... bias"
};

struct RandomCaseLimits {
    int maxExtent = 14;   // input H, W in [1, maxExtent]
    int wideExtent = 90;  // sometimes W (and H) up to this, to span several tiles
    int maxKernel = 5;
    int maxStride = 4;
    int maxDilation = 3;
};

inline void fillUniform(Tensor& t, std::mt19937_64& rng) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (float& v : t.storage()) v = u(rng);
}

inline RandomCase makeRandomCase(uint64_t seed, const RandomCaseLimits& lim = {}) {
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 1);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    ConvParams p;
    // Per axis: kernel, stride, dilation, then a padding and output padding
    // that keep the output non-empty (PyTorch's rules: q < s or q < d); with
    // perSide, the end padding is drawn on its own (ONNX pads).
    const bool perSide = pick(0, 1) == 1;
    auto axis = [&](int in, int& k, int& s, int& d, int& pad, int& padEnd, int& q) {
        k = pick(1, lim.maxKernel);
        s = pick(1, lim.maxStride);
        d = pick(0, 2) == 0 ? pick(1, lim.maxDilation) : 1;
        q = pick(0, std::max(s, d) - 1);
        const int64_t full = outputExtent(in, k, s, 0, q, d);
        pad = pick(0, static_cast<int>(std::min<int64_t>((full - 1) / 2, 4)));
        padEnd = perSide ? pick(0, static_cast<int>(std::min<int64_t>(full - 1 - pad, 4))) : pad;
    };
    const bool wide = pick(0, 5) == 0;
    const int inH = wide ? pick(1, lim.wideExtent / 2) : pick(1, lim.maxExtent);
    const int inW = wide ? pick(lim.wideExtent / 2, lim.wideExtent) : pick(1, lim.maxExtent);
    Size2 end;
    axis(inH, p.kernel.h, p.stride.h, p.dilation.h, p.padding.h, end.h, p.outputPadding.h);
    axis(inW, p.kernel.w, p.stride.w, p.dilation.w, p.padding.w, end.w, p.outputPadding.w);
    setPads(p, Pads4{p.padding.h, p.padding.w, end.h, end.w});
    const int groups = pick(1, 3);
    const int cinG = wide ? 1 : pick(1, 3);
    // One output channel per group half of the time: the depthwise image case.
    const int coutG = pick(0, 1) == 0 ? 1 : pick(2, wide ? 3 : 6);
    const int batch = wide ? 1 : pick(1, 2);
    p.groups = groups;

    RandomCase rc;
    rc.layer.params = p;
    rc.layer.weight = Tensor(Shape4{groups * cinG, coutG, p.kernel.h, p.kernel.w});
    fillUniform(rc.layer.weight, rng);
    if (pick(0, 1) == 1) {
        rc.layer.bias.resize(static_cast<size_t>(groups * coutG));
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        for (float& b : rc.layer.bias) b = u(rng);
    }
    rc.input = Tensor(Shape4{batch, groups * cinG, inH, inW});
    fillUniform(rc.input, rng);
    rc.label = "seed " + std::to_string(seed) + ": in " + shapeText(rc.input.shape()) + " weight " +
               shapeText(rc.layer.weight.shape()) + " " + describe(p) + (rc.layer.bias.empty() ? "" : " bias");
    return rc;
}

// ||a - ref|| / ||ref|| (plain ||a|| when ref is all zero); infinity when a
// holds a NaN/inf (an unwritten, poisoned output) or the sizes differ.
inline double relativeL2(const Tensor& a, const Tensor& ref) {
    if (a.shape() != ref.shape() || a.size() != ref.size()) return INFINITY;
    double diff = 0, norm = 0;
    for (int64_t i = 0; i < a.size(); ++i) {
        const double x = a.data()[i], r = ref.data()[i];
        if (!std::isfinite(x)) return INFINITY;
        diff += (x - r) * (x - r);
        norm += r * r;
    }
    return norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

inline constexpr double kMaxRelativeL2 = 1e-5;

}  // namespace tconv::testing
