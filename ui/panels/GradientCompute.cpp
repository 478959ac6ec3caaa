// SPDX-License-Identifier: MIT
#include "panels/GradientCompute.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <cmath>
#include <limits>
#include <memory>

#include "analysis/InputGradient.h"
#include "backends/BackendFactory.h"
#include "core/ConvError.h"
#include "core/ConvTranspose.h"

namespace tconv::ui {
namespace {

// splitmix64: a fixed, portable generator (std::normal_distribution is not the same everywhere).
uint64_t nextRandom(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double uniformOpen01(uint64_t& state) { return (static_cast<double>(nextRandom(state) >> 11) + 0.5) * 0x1.0p-53; }

Tensor weightOf(const Kernel2D& k) {
    Tensor w(Shape4{1, 1, k.h, k.w});
    std::copy(k.taps.begin(), k.taps.end(), w.data());
    return w;
}

// The interior rows (or columns) of the gradient along one axis: every tap of
// the adjoint reads a valid upstream value there. [lo, hi], empty when lo > hi.
std::pair<int64_t, int64_t> interior(int64_t in, int64_t out, int k, int s, int p, int d) {
    return {std::max<int64_t>(0, int64_t(k - 1) * d - p), std::min<int64_t>(in - 1, (out - 1) * s - p)};
}

// Per phase ((y + p) mod s), the mean or the RMS of the interior values.
PhaseGainTable measurePhases(const GradientResult& r, bool rms) {
    const GradientSpec& g = r.spec;
    PhaseGainTable t;
    t.sh = g.stride.h;
    t.sw = g.stride.w;
    t.kernel = Size2(g.kernel.h, g.kernel.w);
    t.dilation = g.dilation;
    const auto [y0, y1] = interior(g.inH, r.convOutput.h, g.kernel.h, g.stride.h, g.padding.h, g.dilation.h);
    const auto [x0, x1] = interior(g.inW, r.convOutput.w, g.kernel.w, g.stride.w, g.padding.w, g.dilation.w);
    if (y1 - y0 + 1 < g.stride.h || x1 - x0 + 1 < g.stride.w) return t;  // no full period inside
    std::vector<double> sum(static_cast<size_t>(t.sh) * t.sw, 0.0);
    std::vector<int> count(sum.size(), 0);
    const float* v = r.gradient.data();
    for (int64_t y = y0; y <= y1; ++y)
        for (int64_t x = x0; x <= x1; ++x) {
            const size_t i = static_cast<size_t>(((y + g.padding.h) % t.sh) * t.sw + (x + g.padding.w) % t.sw);
            const double e = v[y * g.inW + x];
            sum[i] += rms ? e * e : e;
            ++count[i];
        }
    t.gain.resize(sum.size());
    for (size_t i = 0; i < sum.size(); ++i) t.gain[i] = rms ? std::sqrt(sum[i] / count[i]) : sum[i] / count[i];
    t.tapCount = count;
    return t;
}

}  // namespace

Conv2dLayer gradientForwardLayer(const GradientSpec& spec) {
    Conv2dLayer l;
    l.params.kernel = Size2(spec.kernel.h, spec.kernel.w);
    l.params.stride = spec.stride;
    l.params.padding = spec.padding;
    l.params.dilation = spec.dilation;
    l.weight = weightOf(spec.kernel);
    return l;
}

ConvLayer gradientAdjointLayer(const GradientSpec& spec) {
    if (spec.inH < 1 || spec.inW < 1 || spec.inH > INT32_MAX || spec.inW > INT32_MAX)
        throw ParameterError("the gradient's input size should be positive, but got " + std::to_string(spec.inH) + "x" +
                             std::to_string(spec.inW));
    // One home for the output_padding that restores the input size (analysis/InputGradient.h).
    return inputGradientLayer(gradientForwardLayer(spec),
                              Size2(static_cast<int>(spec.inH), static_cast<int>(spec.inW)));
}

Tensor upstreamGradient(const GradientSpec& spec) {
    const Shape4 out = validateConv2d(Shape4{1, 1, spec.inH, spec.inW}, gradientForwardLayer(spec));
    Tensor g(out);
    if (spec.upstream == UpstreamKind::Constant) {
        std::fill(g.data(), g.data() + g.size(), 1.0f);
        return g;
    }
    uint64_t state = spec.seed;
    for (int64_t i = 0; i < g.size(); ++i) {  // Box-Muller, one value per pair of uniforms
        const double u = uniformOpen01(state), v = uniformOpen01(state);
        g.data()[i] = static_cast<float>(std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * v));
    }
    return g;
}

GradientResult computeInputGradient(const GradientSpec& spec, const std::atomic<bool>* cancel) {
    GradientResult r;
    r.spec = spec;
    try {
        if (spec.kernel.h < 1 || spec.kernel.w < 1 || spec.kernel.taps.size() != size_t(spec.kernel.h) * spec.kernel.w)
            throw ParameterError("the gradient needs a kernel, but got an empty one");
        const ConvLayer adjoint = gradientAdjointLayer(spec);
        r.upstream = upstreamGradient(spec);
        r.convOutput = Size2(static_cast<int>(r.upstream.shape().h), static_cast<int>(r.upstream.shape().w));
        r.outputPadding = adjoint.params.outputPadding;
        r.table = phaseGainTable(spec.kernel, spec.stride, spec.dilation);
        r.scores = artifactScores(r.table);
        if (cancel && cancel->load()) {
            r.cancelled = true;
            return r;
        }
        std::unique_ptr<Backend> backend = createBackend(BackendKind::Cpu);
        r.gradient = convTranspose2d(r.upstream, adjoint, *backend);
        if (r.gradient.shape().h != spec.inH || r.gradient.shape().w != spec.inW)
            throw ProcessingError("the input gradient came out " + shapeText(r.gradient.shape()) +
                                  ", not the input's size");
        r.measured = measurePhases(r, spec.upstream == UpstreamKind::Random);
        if (!r.measured.gain.empty()) r.measuredCv = artifactScores(r.measured).cv;
        r.cancelled = cancel && cancel->load();
    } catch (const std::exception& e) {
        r.error = QString::fromUtf8(e.what());
    }
    return r;
}

}  // namespace tconv::ui
