// SPDX-License-Identifier: MIT
#include "analysis/ChainAnalysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "analysis/KernelRepair.h"
#include "analysis/LayerKernels.h"
#include "analysis/internal/ParallelFor.h"
#include "core/ConvError.h"

namespace tconv {
namespace {

constexpr int64_t kMaxPhases = int64_t(1) << 22;

// One period of a periodic multi-channel signal: x[c][i][j] = value[c][i mod ph][j mod pw]
// in absolute coordinates. `reach` counts the tap paths that reach each value
// (0: a hole, whatever the weights), planar like `value`.
struct PeriodicSignal {
    int64_t channels = 0, ph = 1, pw = 1;
    std::vector<double> value, reach;
};

int64_t floorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
int64_t floorMod(int64_t a, int64_t b) { return a - floorDiv(a, b) * b; }

// For each output phase o in [0, period*s) and tap j: the input phase read, or -1.
std::vector<int64_t> axisTable(int64_t period, int s, int d, int k, int crop) {
    const int64_t out = period * s;
    std::vector<int64_t> t(static_cast<size_t>(out * k), -1);
    for (int64_t o = 0; o < out; ++o)
        for (int j = 0; j < k; ++j) {
            const int64_t v = o + crop - int64_t(j) * d;
            if (floorMod(v, s) == 0) t[static_cast<size_t>(o * k + j)] = floorMod(floorDiv(v, s), period);
        }
    return t;
}

std::string stepName(const std::vector<ChainStep>& steps, size_t i) {
    return "chain step " + std::to_string(i + 1) + " ('" + steps[i].name + "')";
}

void checkStep(const std::vector<ChainStep>& steps, size_t i, int64_t channels) {
    const ConvLayer& l = steps[i].layer;
    const ConvParams& p = l.params;
    const Shape4 w = l.weight.shape();
    if (p.stride.h < 1 || p.stride.w < 1 || p.dilation.h < 1 || p.dilation.w < 1)
        throw ParameterError(stepName(steps, i) + ": stride and dilation should be at least 1, but got stride " +
                             sizeText(p.stride) + ", dilation " + sizeText(p.dilation));
    if (w.n < 1 || w.c < 1 || w.h < 1 || w.w < 1 || p.groups < 1 || w.n % p.groups != 0)
        throw ParameterError(stepName(steps, i) + ": weight " + shapeText(w) +
                             " does not fit groups=" + std::to_string(p.groups));
    if (w.n != channels)
        throw ParameterError(stepName(steps, i) + ": expects " + std::to_string(w.n) +
                             " input channels, but the previous step gives " + std::to_string(channels));
}

// One step: the output period is the input period times the stride.
PeriodicSignal propagate(const PeriodicSignal& x, const ChainStep& step) {
    const ConvParams& p = step.layer.params;
    const Tensor& weight = step.layer.weight;
    const Shape4 w = weight.shape();
    const int kh = static_cast<int>(w.h), kw = static_cast<int>(w.w);
    const int64_t cinG = w.n / p.groups, coutG = w.c;
    PeriodicSignal y;
    y.channels = coutG * p.groups;
    y.ph = x.ph * p.stride.h;
    y.pw = x.pw * p.stride.w;
    const size_t plane = static_cast<size_t>(y.ph * y.pw), inPlane = static_cast<size_t>(x.ph * x.pw);
    y.value.assign(plane * static_cast<size_t>(y.channels), 0.0);
    y.reach.assign(y.value.size(), 0.0);
    const std::vector<int64_t> th = axisTable(x.ph, p.stride.h, p.dilation.h, kh, step.cropBegin.h);
    const std::vector<int64_t> tw = axisTable(x.pw, p.stride.w, p.dilation.w, kw, step.cropBegin.w);
    analysis::parallelFor(0, y.channels, 1, [&](int64_t lo, int64_t hi) {
        for (int64_t co = lo; co < hi; ++co) {
            double* out = y.value.data() + static_cast<size_t>(co) * plane;
            double* outReach = y.reach.data() + static_cast<size_t>(co) * plane;
            const int64_t group = co / coutG, col = co % coutG;
            for (int64_t ci = group * cinG; ci < (group + 1) * cinG; ++ci) {
                const float* taps = weight.plane(ci, col);
                const double* in = x.value.data() + static_cast<size_t>(ci) * inPlane;
                const double* inReach = x.reach.data() + static_cast<size_t>(ci) * inPlane;
                for (int64_t oy = 0; oy < y.ph; ++oy)
                    for (int ky = 0; ky < kh; ++ky) {
                        const int64_t iy = th[static_cast<size_t>(oy * kh + ky)];
                        if (iy < 0) continue;
                        for (int kx = 0; kx < kw; ++kx) {
                            const double t = taps[ky * kw + kx];
                            for (int64_t ox = 0; ox < y.pw; ++ox) {
                                const int64_t ix = tw[static_cast<size_t>(ox * kw + kx)];
                                if (ix < 0) continue;
                                const size_t src = static_cast<size_t>(iy * x.pw + ix),
                                             dst = static_cast<size_t>(oy * y.pw + ox);
                                out[dst] += t * in[src];
                                outReach[dst] += inReach[src];
                            }
                        }
                    }
            }
        }
    });
    return y;
}

PhaseGainTable channelTable(const PeriodicSignal& s, int64_t c) {
    PhaseGainTable t;
    t.sh = static_cast<int>(s.ph);
    t.sw = static_cast<int>(s.pw);
    t.kernel = Size2(t.sh, t.sw);  // no kernel-size reason for holes: they come from the chain
    const size_t plane = static_cast<size_t>(s.ph * s.pw);
    t.gain.assign(s.value.begin() + static_cast<std::ptrdiff_t>(c * static_cast<int64_t>(plane)),
                  s.value.begin() + static_cast<std::ptrdiff_t>((c + 1) * static_cast<int64_t>(plane)));
    t.tapCount.resize(plane);
    for (size_t i = 0; i < plane; ++i) {
        const double r = s.reach[static_cast<size_t>(c) * plane + i];
        t.tapCount[i] = r <= 0 ? 0 : static_cast<int>(std::min(r, 1e9));
    }
    return t;
}

double meanCv(const std::vector<ArtifactScores>& scores) {
    double sum = 0;
    for (const ArtifactScores& s : scores) {
        if (!std::isfinite(s.cv)) return std::numeric_limits<double>::infinity();
        sum += s.cv;
    }
    return scores.empty() ? 0.0 : sum / static_cast<double>(scores.size());
}

double signalCv(const PeriodicSignal& s) {
    std::vector<ArtifactScores> scores;
    for (int64_t c = 0; c < s.channels; ++c) scores.push_back(artifactScores(channelTable(s, c)));
    return meanCv(scores);
}

PeriodicSignal constantInput(const std::vector<ChainStep>& steps) {
    if (steps.empty()) throw ParameterError("a chain needs at least one step");
    PeriodicSignal x;
    x.channels = steps.front().layer.weight.shape().n;
    x.value.assign(static_cast<size_t>(std::max<int64_t>(x.channels, 0)), 1.0);
    x.reach = x.value;
    int64_t sh = 1, sw = 1, channels = x.channels;
    for (size_t i = 0; i < steps.size(); ++i) {
        checkStep(steps, i, channels);
        const ConvParams& p = steps[i].layer.params;
        sh *= p.stride.h;
        sw *= p.stride.w;
        if (sh > kMaxPhases || sw > kMaxPhases || sh * sw > kMaxPhases)
            throw ParameterError(stepName(steps, i) + ": the compound stride reaches " + std::to_string(sh) + "x" +
                                 std::to_string(sw) + ", more than " + std::to_string(kMaxPhases) +
                                 " phases to tabulate");
        channels = steps[i].layer.outChannels();
    }
    return x;
}

PeriodicSignal runChain(const std::vector<ChainStep>& steps, std::vector<double>* cvAfter) {
    PeriodicSignal x = constantInput(steps);
    for (const ChainStep& step : steps) {
        x = propagate(x, step);
        if (cvAfter) cvAfter->push_back(signalCv(x));
    }
    return x;
}

// The step with its ripple removed: every slice additively repaired, or where
// a class has no taps, the zero-order hold kernel (dilation 1) at the same crop.
ChainStep repairedStep(const ChainStep& step) {
    ConvLayer plain = step.layer;
    plain.bias.clear();
    plain.params.padding = Size2(0, 0);
    plain.params.outputPadding = Size2(0, 0);
    plain.params.kernel = Size2(static_cast<int>(plain.weight.shape().h), static_cast<int>(plain.weight.shape().w));
    ChainStep r = step;
    const LayerRepair additive = repairLayer(plain, RepairMethod::Additive, ResourceLimits{});
    if (additive.ok) {
        r.layer = additive.layer;
        return r;
    }
    const Shape4 w = plain.weight.shape();
    const ConvParams& p = plain.params;
    const Kernel2D first = zeroOrderHoldKernel(weightSlice(plain, 0, 0), p.stride, p.dilation);
    r.layer.weight = Tensor(Shape4{w.n, w.c, first.h, first.w});
    for (int64_t ci = 0; ci < w.n; ++ci)
        for (int64_t col = 0; col < w.c; ++col)
            setWeightSlice(r.layer, ci, col, zeroOrderHoldKernel(weightSlice(plain, ci, col), p.stride, p.dilation));
    r.layer.params.kernel = Size2(first.h, first.w);
    r.layer.params.dilation = Size2(1, 1);
    return r;
}

}  // namespace

ChainStep convolutionStep(const std::string& name, const Tensor& convWeight, Size2 dilation, int groups,
                          Size2 padBegin) {
    const Shape4 w = convWeight.shape();
    if (groups < 1 || w.n % groups != 0 || w.n < 1 || w.c < 1 || w.h < 1 || w.w < 1)
        throw ParameterError("convolution '" + name + "': weight " + shapeText(w) +
                             " does not fit groups=" + std::to_string(groups));
    const int64_t coutG = w.n / groups, cinG = w.c;
    ChainStep s;
    s.name = name;
    s.layer.params.kernel = Size2(static_cast<int>(w.h), static_cast<int>(w.w));
    s.layer.params.dilation = dilation;
    s.layer.params.groups = groups;
    s.layer.weight = Tensor(Shape4{cinG * groups, coutG, w.h, w.w});
    for (int64_t co = 0; co < w.n; ++co)
        for (int64_t a = 0; a < cinG; ++a) {
            const int64_t ci = co / coutG * cinG + a;
            const float* src = convWeight.plane(co, a);
            float* dst = s.layer.weight.plane(ci, co % coutG);
            for (int64_t y = 0; y < w.h; ++y)
                for (int64_t x = 0; x < w.w; ++x) dst[(w.h - 1 - y) * w.w + (w.w - 1 - x)] = src[y * w.w + x];
        }
    s.cropBegin =
        Size2(dilation.h * static_cast<int>(w.h - 1) - padBegin.h, dilation.w * static_cast<int>(w.w - 1) - padBegin.w);
    return s;
}

std::vector<PhaseGainTable> compoundPhaseGains(const std::vector<ChainStep>& steps) {
    const PeriodicSignal y = runChain(steps, nullptr);
    std::vector<PhaseGainTable> tables;
    for (int64_t c = 0; c < y.channels; ++c) tables.push_back(channelTable(y, c));
    return tables;
}

ChainAnalysis analyzeChain(const std::vector<ChainStep>& steps) {
    ChainAnalysis a;
    const PeriodicSignal y = runChain(steps, &a.cvAfterStep);
    a.stride = Size2(static_cast<int>(y.ph), static_cast<int>(y.pw));
    a.meanTable.sh = a.stride.h;
    a.meanTable.sw = a.stride.w;
    a.meanTable.kernel = a.stride;
    a.meanTable.gain.assign(static_cast<size_t>(y.ph * y.pw), 0.0);
    a.meanTable.tapCount.assign(a.meanTable.gain.size(), 0);
    int ph = 1, pw = 1;
    for (int64_t c = 0; c < y.channels; ++c) {
        a.tables.push_back(channelTable(y, c));
        a.scores.push_back(artifactScores(a.tables.back()));
        ph = std::lcm(ph, a.scores.back().periodH);
        pw = std::lcm(pw, a.scores.back().periodW);
        for (size_t i = 0; i < a.meanTable.gain.size(); ++i) {
            a.meanTable.gain[i] += a.tables.back().gain[i] / static_cast<double>(y.channels);
            a.meanTable.tapCount[i] = std::max(a.meanTable.tapCount[i], a.tables.back().tapCount[i]);
        }
    }
    a.period = Size2(ph, pw);
    a.cv = meanCv(a.scores);
    a.cvWithStepRepaired.assign(steps.size(), std::numeric_limits<double>::quiet_NaN());
    if (!(a.cv >= kArtifactFreeCv)) return a;
    double best = 0;
    for (size_t i = 0; i < steps.size(); ++i) {
        const ConvParams& p = steps[i].layer.params;
        if (p.stride.h == 1 && p.stride.w == 1) continue;
        std::vector<ChainStep> repaired = steps;
        try {
            repaired[i] = repairedStep(steps[i]);
        } catch (const ParameterError&) {
            continue;  // no repair fits this step (e.g. a zero-order hold beyond the largest kernel): NaN
        }
        std::vector<ArtifactScores> scores;
        const PeriodicSignal r = runChain(repaired, nullptr);
        for (int64_t c = 0; c < r.channels; ++c) scores.push_back(artifactScores(channelTable(r, c)));
        a.cvWithStepRepaired[i] = meanCv(scores);
        // An infinite CV (holes, a zero mean) lowered to a finite one counts as the largest gain.
        const double gain = std::isfinite(a.cv) ? a.cv - a.cvWithStepRepaired[i]
                                                : (std::isfinite(a.cvWithStepRepaired[i]) ? 1e300 : 0.0);
        if (gain > best) {
            best = gain;
            a.worstStep = static_cast<int64_t>(i);
        }
    }
    return a;
}

}  // namespace tconv
