// SPDX-License-Identifier: MIT
#pragma once
// Seeded random channel-mixing ConvTranspose2d problems for the CUDA GEMM
// variant (KernelVariant::Gemm): C_in/g and C_out/g from 1 to a few tiles of
// 64 (odd sizes included), groups, bias, every parameter per axis, per-side
// padding half of the time, and images large enough for several 64-pixel
// tiles per phase. Shared by the host-grid test and tconv_cuda_check. Plain
// C++: no Qt, no CUDA.
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>

#include "core/ConvLayer.h"
#include "core/OutputGeometry.h"
#include "core/Tensor.h"
#include "cuda/RandomConvCases.h"

namespace tconv::testing {

struct MixingCaseLimits {
    int maxChannels = 128;  // C_in and C_out (all groups) at most this
    int maxExtent = 12;     // input H, W in [1, maxExtent]
};

inline RandomCase makeMixingCase(uint64_t seed, const MixingCaseLimits& lim = {}) {
    std::mt19937_64 rng(seed * 0xD1B54A32D192ED03ull + 7);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, std::max(lo, hi))(rng); };
    ConvParams p;
    const bool perSide = pick(0, 1) == 1;
    auto axis = [&](int in, int& k, int& s, int& d, int& pad, int& padEnd, int& q) {
        k = pick(1, 5);
        s = pick(1, 4);
        d = pick(0, 2) == 0 ? pick(1, 3) : 1;
        q = pick(0, std::max(s, d) - 1);
        const int64_t full = outputExtent(in, k, s, 0, q, d);
        pad = pick(0, static_cast<int>(std::min<int64_t>((full - 1) / 2, 4)));
        padEnd = perSide ? pick(0, static_cast<int>(std::min<int64_t>(full - 1 - pad, 4))) : pad;
    };
    const int inH = pick(1, lim.maxExtent), inW = pick(1, lim.maxExtent);
    Size2 end;
    axis(inH, p.kernel.h, p.stride.h, p.dilation.h, p.padding.h, end.h, p.outputPadding.h);
    axis(inW, p.kernel.w, p.stride.w, p.dilation.w, p.padding.w, end.w, p.outputPadding.w);
    setPads(p, Pads4{p.padding.h, p.padding.w, end.h, end.w});
    const int groups = pick(0, 2) == 0 ? pick(2, 4) : 1;
    // Channels per group: a quarter of the cases small (partial 64-channel
    // tiles, K tails), the others up to the limit (several tiles).
    const int perGroup = lim.maxChannels / groups;
    const bool small = pick(0, 3) == 0;
    const int cinG = small ? pick(1, 15) : pick(8, perGroup);
    const int coutG = small ? pick(1, 15) : pick(16, perGroup);
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
    rc.input = Tensor(Shape4{pick(1, 2), groups * cinG, inH, inW});
    fillUniform(rc.input, rng);
    rc.label = "mixing seed " + std::to_string(seed) + ": in " + shapeText(rc.input.shape()) + " weight " +
               shapeText(rc.layer.weight.shape()) + " " + describe(p) + (rc.layer.bias.empty() ? "" : " bias");
    return rc;
}

}  // namespace tconv::testing
