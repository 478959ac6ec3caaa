// SPDX-License-Identifier: MIT
#pragma once
// Checking a backend against the reference scatter, shared by the CPU
// backend's tests: seeded random tensors, a run on an output pre-filled with
// NaN (so an output the backend forgets to write fails), and a comparison
// whose tolerance scales with the magnitude of the summed terms.
#include <QString>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "core/Backend.h"
#include "core/ConvLayer.h"
#include "core/ReferenceConvTranspose.h"
#include "core/Tensor.h"
#include "core/Validation.h"

namespace tconv::test {

inline Tensor randomTensor(Shape4 s, std::mt19937& rng) {
    Tensor t(s);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (int64_t i = 0; i < t.size(); ++i) t.data()[i] = u(rng);
    return t;
}

inline Tensor absolute(const Tensor& t) {
    Tensor a = t;
    for (int64_t i = 0; i < a.size(); ++i) a.data()[i] = std::fabs(a.data()[i]);
    return a;
}

// A layer with seeded random weights (and bias) for `cin` -> `cout` channels.
inline ConvLayer randomLayer(ConvParams p, int64_t cin, int64_t cout, bool bias, std::mt19937& rng) {
    ConvLayer layer;
    layer.params = p;
    layer.weight = randomTensor(Shape4{cin, cout / p.groups, p.kernel.h, p.kernel.w}, rng);
    if (bias) layer.bias = randomTensor(Shape4{1, 1, 1, cout}, rng).storage();
    return layer;
}

// Runs the backend on an output full of NaN (so unwritten pixels show).
inline Tensor runOnNanOutput(Backend& backend, const Tensor& input, const ConvLayer& layer) {
    Tensor out(validateProblem(layer.problemFor(input.shape())), std::numeric_limits<float>::quiet_NaN());
    backend.run(input, layer, out);
    return out;
}

// Empty when equal within 1e-5 scaled by the magnitude of the summed terms
// (the reference run on |input|, |weight|, |bias|); else the first mismatch.
inline QString compareToExpected(const Tensor& fast, const Tensor& expected, const Tensor& input,
                                 const ConvLayer& layer) {
    if (fast.shape() != expected.shape()) return "shape " + QString::fromStdString(shapeText(fast.shape()));
    ConvLayer absLayer = layer;
    absLayer.weight = absolute(layer.weight);
    for (float& b : absLayer.bias) b = std::fabs(b);
    const Tensor magnitude = referenceConvTranspose2d(absolute(input), absLayer);
    const Shape4 s = fast.shape();
    for (int64_t n = 0; n < s.n; ++n)
        for (int64_t c = 0; c < s.c; ++c)
            for (int64_t y = 0; y < s.h; ++y)
                for (int64_t x = 0; x < s.w; ++x) {
                    const double got = fast.at(n, c, y, x), want = expected.at(n, c, y, x);
                    const double tol = 1e-5 * std::max(1.0, double(magnitude.at(n, c, y, x)));
                    if (!(std::fabs(got - want) <= tol))
                        return QString("at (%1,%2,%3,%4): got %5, expected %6")
                            .arg(n)
                            .arg(c)
                            .arg(y)
                            .arg(x)
                            .arg(got, 0, 'g', 9)
                            .arg(want, 0, 'g', 9);
                }
    return {};
}

}  // namespace tconv::test
