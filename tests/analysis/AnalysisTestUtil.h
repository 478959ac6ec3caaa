// SPDX-License-Identifier: MIT
#pragma once
// Helpers shared by the analysis tests: seeded random kernels, tensors and
// parameters, and the layer wrapper. Independent of the code under test.
#include <cmath>
#include <cstdint>
#include <random>

#include "core/ConvLayer.h"
#include "core/ConvParams.h"
#include "core/Kernel2D.h"
#include "core/OutputGeometry.h"
#include "core/Tensor.h"

namespace tconv::testutil {

inline Kernel2D randomKernel(std::mt19937& rng, int h, int w, float lo = 0.05f, float hi = 1.0f) {
    std::uniform_real_distribution<float> u(lo, hi);
    Kernel2D k(h, w);
    for (float& t : k.taps) t = u(rng);
    return k;
}

inline Tensor randomTensor(std::mt19937& rng, Shape4 s, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> u(lo, hi);
    Tensor t(s);
    for (float& v : t.storage()) v = u(rng);
    return t;
}

inline int pick(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

// Random legal parameters for one axis: padding small enough that an input of
// `in` pixels still gives a positive output.
struct AxisParams {
    int k, s, p, q, d;
};

inline AxisParams randomAxis(std::mt19937& rng, int in, int maxK = 5, int maxS = 4, int maxD = 3) {
    for (;;) {
        AxisParams a{pick(rng, 1, maxK), pick(rng, 1, maxS), pick(rng, 0, 3), 0, pick(rng, 1, maxD)};
        a.q = pick(rng, 0, std::max(a.s, a.d) - 1);
        if (outputExtent(in, a.k, a.s, a.p, a.q, a.d) > 0) return a;
    }
}

inline ConvParams makeParams(const AxisParams& h, const AxisParams& w, int groups = 1) {
    ConvParams p;
    p.kernel = Size2(h.k, w.k);
    p.stride = Size2(h.s, w.s);
    p.padding = Size2(h.p, w.p);
    p.outputPadding = Size2(h.q, w.q);
    p.dilation = Size2(h.d, w.d);
    p.groups = groups;
    return p;
}

// p with per-side padding (ONNX pads): the end padding redrawn per axis in
// [0, 4], keeping an inH x inW input's output non-empty.
inline ConvParams withRandomEndPadding(std::mt19937& rng, ConvParams p, int64_t inH, int64_t inW) {
    for (;;) {
        Pads4 f = pads(p);
        f.bottom = pick(rng, 0, 4);
        f.right = pick(rng, 0, 4);
        ConvParams q = p;
        setPads(q, f);
        const OutputSize o = outputSize(inH, inW, q);
        if (o.h > 0 && o.w > 0) return q;
    }
}

inline double maxAbsDiff(const Tensor& a, const Tensor& b) {
    double m = 0;
    for (int64_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(double(a.data()[i]) - double(b.data()[i])));
    return m;
}

}  // namespace tconv::testutil
