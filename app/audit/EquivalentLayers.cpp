// SPDX-License-Identifier: MIT
#include "audit/EquivalentLayers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/ConvError.h"

namespace tconv::app {
namespace {

// The input coordinate that output t reads, relative to input 0 (integer scale:
// shifting t by s shifts it by 1, so this is the whole story away from the borders).
double inputCoordinate(const ResizeDesc& r, int s, int64_t t) {
    const double x = static_cast<double>(t), sd = s;
    if (r.coordinates == "half_pixel" || r.coordinates == "pytorch_half_pixel") return (x + 0.5) / sd - 0.5;
    if (r.coordinates == "asymmetric") return x / sd;
    if (r.coordinates == "tf_half_pixel_for_nn") return (x + 0.5) / sd;
    throw ParameterError("Resize coordinate_transformation_mode '" + r.coordinates +
                         "' is not analysed (its sampling grid is not periodic); expected half_pixel, "
                         "pytorch_half_pixel, asymmetric or tf_half_pixel_for_nn");
}

int64_t nearestIndex(const std::string& mode, double x) {
    if (mode == "round_prefer_floor")
        return static_cast<int64_t>(x - std::floor(x) == 0.5 ? std::floor(x) : std::round(x));
    if (mode == "round_prefer_ceil") return static_cast<int64_t>(std::floor(x + 0.5));
    if (mode == "floor") return static_cast<int64_t>(std::floor(x));
    if (mode == "ceil") return static_cast<int64_t>(std::ceil(x));
    throw ParameterError("Resize nearest_mode '" + mode +
                         "' is not known; expected round_prefer_floor, round_prefer_ceil, floor or ceil");
}

// The weight of input 0 at coordinate x.
double resizeWeight(const ResizeDesc& r, double x) {
    const double ax = std::abs(x), a = r.cubicCoeffA;
    switch (r.kind) {
        case ResizeKind::Nearest: return nearestIndex(r.nearestMode, x) == 0 ? 1.0 : 0.0;
        case ResizeKind::Linear: return std::max(0.0, 1.0 - ax);
        case ResizeKind::Cubic:
            if (ax <= 1) return ((a + 2) * ax - (a + 3)) * ax * ax + 1;
            if (ax < 2) return ((a * ax - 5 * a) * ax + 8 * a) * ax - 4 * a;
            return 0.0;
    }
    return 0.0;
}

void checkConvolution(const ConvolutionDesc& c, const char* what) {
    const Shape4 w = c.weight.shape();
    if (w.n < 1 || w.c < 1 || w.h < 1 || w.w < 1 || c.groups < 1 || w.n % c.groups != 0)
        throw ParameterError(std::string(what) + ": the convolution's weight " + shapeText(w) +
                             " does not fit group=" + std::to_string(c.groups));
    if (c.dilation.h < 1 || c.dilation.w < 1)
        throw ParameterError(std::string(what) + ": the convolution's dilations should be at least 1, but got " +
                             sizeText(c.dilation));
    if (!c.bias.empty() && static_cast<int64_t>(c.bias.size()) != w.n)
        throw ParameterError(std::string(what) + ": the convolution has " + std::to_string(c.bias.size()) +
                             " bias values for " + std::to_string(w.n) + " output channels");
}

UpsamplingLayer makeLayer(const char* op, Tensor weight, Size2 stride, int groups, const CropPads& pads) {
    UpsamplingLayer l;
    l.op = op;
    l.pads = pads;
    ConvParams& p = l.layer.params;
    p.kernel = Size2(static_cast<int>(weight.shape().h), static_cast<int>(weight.shape().w));
    p.stride = stride;
    p.groups = groups;
    // The engine crops only; a negative crop (a convolution padding more than its
    // reach) stays in `pads` for the chain and is shown as 0 in the layer.
    setPads(p, Pads4{std::max(0, pads[0]), std::max(0, pads[1]), std::max(0, pads[2]), std::max(0, pads[3])});
    if (*std::min_element(pads.begin(), pads.end()) < 0)
        l.notes.push_back("the convolution pads more than its kernel reaches: the equivalent layer adds " +
                          padsText(pads) + " zero rows/columns (negative crops)");
    l.layer.weight = std::move(weight);
    return l;
}

}  // namespace

ResizeAxisKernel resizeAxisKernel(const ResizeDesc& r, int scale) {
    if (scale < 1) throw ParameterError("Resize scale should be a whole number >= 1, but got " + std::to_string(scale));
    std::vector<double> w;
    const int64_t first = -4 * int64_t(scale), last = 4 * int64_t(scale);
    for (int64_t t = first; t <= last; ++t) w.push_back(resizeWeight(r, inputCoordinate(r, scale, t)));
    const auto nonZero = [](double v) { return std::abs(v) > 1e-12; };
    const auto lo = std::find_if(w.begin(), w.end(), nonZero);
    const auto hi = std::find_if(w.rbegin(), w.rend(), nonZero).base();
    ResizeAxisKernel k;
    k.taps.assign(lo, hi);
    k.crop = -static_cast<int>(first + (lo - w.begin()));
    return k;
}

UpsamplingLayer resizeConvLayer(const ResizeDesc& resize, const ConvolutionDesc& conv) {
    checkConvolution(conv, "Resize+Conv");
    const ResizeAxisKernel ah = resizeAxisKernel(resize, resize.scale.h), aw = resizeAxisKernel(resize, resize.scale.w);
    const Shape4 w = conv.weight.shape();
    const int kh = static_cast<int>(w.h), kw = static_cast<int>(w.w), dh = conv.dilation.h, dw = conv.dilation.w;
    const int64_t outH = static_cast<int64_t>(ah.taps.size()) + int64_t(dh) * (kh - 1);
    const int64_t outW = static_cast<int64_t>(aw.taps.size()) + int64_t(dw) * (kw - 1);
    const int64_t coutG = w.n / conv.groups, cinG = w.c;
    Tensor k(Shape4{cinG * conv.groups, coutG, outH, outW});
    for (int64_t co = 0; co < w.n; ++co)
        for (int64_t a = 0; a < cinG; ++a) {
            const float* src = conv.weight.plane(co, a);
            float* dst = k.plane(co / coutG * cinG + a, co % coutG);
            for (int64_t j = 0; j < outH; ++j)
                for (int64_t l = 0; l < outW; ++l) {
                    double sum = 0;
                    for (int u = 0; u < kh; ++u) {
                        const int64_t ja = j - int64_t(dh) * (kh - 1 - u);
                        if (ja < 0 || ja >= static_cast<int64_t>(ah.taps.size())) continue;
                        for (int v = 0; v < kw; ++v) {
                            const int64_t la = l - int64_t(dw) * (kw - 1 - v);
                            if (la < 0 || la >= static_cast<int64_t>(aw.taps.size())) continue;
                            sum +=
                                src[u * kw + v] * ah.taps[static_cast<size_t>(ja)] * aw.taps[static_cast<size_t>(la)];
                        }
                    }
                    dst[j * outW + l] = static_cast<float>(sum);
                }
        }
    const int reachH = dh * (kh - 1), reachW = dw * (kw - 1);
    const int lh = static_cast<int>(ah.taps.size()), lw = static_cast<int>(aw.taps.size());
    const CropPads crops{ah.crop + reachH - conv.pads[0], aw.crop + reachW - conv.pads[1],
                         lh - resize.scale.h - ah.crop + reachH - conv.pads[2],
                         lw - resize.scale.w - aw.crop + reachW - conv.pads[3]};
    UpsamplingLayer l = makeLayer("Resize+Conv", std::move(k), resize.scale, conv.groups, crops);
    l.layer.bias = conv.bias;
    if (resize.kind != ResizeKind::Nearest)
        l.notes.push_back("exact away from the borders (the resize repeats the edge pixels there)");
    return l;
}

UpsamplingLayer depthToSpaceLayer(int r, bool crd, const ConvolutionDesc& conv) {
    checkConvolution(conv, "DepthToSpace");
    const Shape4 w = conv.weight.shape();
    if (r < 1 || w.n % (int64_t(r) * r) != 0)
        throw ParameterError("DepthToSpace: blocksize " + std::to_string(r) + " does not divide the " +
                             std::to_string(w.n) + " channels of the convolution before it into blocksize^2 parts");
    const int64_t outC = w.n / (int64_t(r) * r), cinG = w.c, coutG = w.n / conv.groups;
    const int kh = static_cast<int>(w.h), kw = static_cast<int>(w.w), dh = conv.dilation.h, dw = conv.dilation.w;
    const int64_t extH = int64_t(r) * (int64_t(dh) * (kh - 1) + 1), extW = int64_t(r) * (int64_t(dw) * (kw - 1) + 1);
    Tensor k(Shape4{cinG * conv.groups, outC, extH, extW});
    double biasSpread = 0;
    int64_t channelsWithBiasSpread = 0;
    std::vector<float> bias;
    for (int64_t c = 0; c < outC; ++c) {
        double lo = 0, hi = 0;
        for (int a = 0; a < r; ++a)
            for (int b = 0; b < r; ++b) {
                const int64_t m = crd ? (c * r + a) * r + b : (int64_t(a) * r + b) * outC + c;
                const int64_t firstInput = m / coutG * cinG;
                for (int64_t i = 0; i < cinG; ++i) {
                    const float* src = conv.weight.plane(m, i);
                    float* dst = k.plane(firstInput + i, c);
                    for (int u = 0; u < kh; ++u)
                        for (int v = 0; v < kw; ++v)
                            dst[(a + int64_t(r) * dh * (kh - 1 - u)) * extW + b + int64_t(r) * dw * (kw - 1 - v)] =
                                src[u * kw + v];
                }
                if (conv.bias.empty()) continue;
                const double bv = conv.bias[static_cast<size_t>(m)];
                if (a == 0 && b == 0) lo = hi = bv;
                lo = std::min(lo, bv);
                hi = std::max(hi, bv);
            }
        if (!conv.bias.empty()) bias.push_back(conv.bias[static_cast<size_t>(crd ? c * r * r : c)]);
        if (hi - lo > 0) ++channelsWithBiasSpread;
        biasSpread = std::max(biasSpread, hi - lo);
    }
    const CropPads crops{r * (dh * (kh - 1) - conv.pads[0]), r * (dw * (kw - 1) - conv.pads[1]),
                         r * (dh * (kh - 1) - conv.pads[2]), r * (dw * (kw - 1) - conv.pads[3])};
    UpsamplingLayer l = makeLayer("DepthToSpace", std::move(k), Size2(r, r), 1, crops);
    l.notes.push_back(std::string("analysed with the convolution before it as one transposed convolution (mode ") +
                      (crd ? "CRD" : "DCR") + ")");
    if (channelsWithBiasSpread > 0) {
        char buf[400];
        std::snprintf(buf, sizeof buf,
                      "the convolution's bias differs across the %dx%d sub-pixels of %lld channel(s) (by up to %.3g): "
                      "a fixed pattern of its own, not in the gains (the bias shown is the first sub-pixel's)",
                      r, r, static_cast<long long>(channelsWithBiasSpread), biasSpread);
        l.notes.push_back(buf);
    }
    l.layer.bias = std::move(bias);
    return l;
}

UpsamplingLayer depthToSpaceAlone(int r, bool crd, int64_t inChannels) {
    if (r < 1 || inChannels < 1 || inChannels % (int64_t(r) * r) != 0)
        throw ParameterError("DepthToSpace: blocksize " + std::to_string(r) + " does not divide " +
                             std::to_string(inChannels) + " input channels into blocksize^2 parts");
    const int64_t outC = inChannels / (int64_t(r) * r);
    Tensor k(Shape4{inChannels, outC, r, r});
    for (int64_t c = 0; c < outC; ++c)
        for (int a = 0; a < r; ++a)
            for (int b = 0; b < r; ++b) {
                const int64_t m = crd ? (c * r + a) * r + b : (int64_t(a) * r + b) * outC + c;
                k.at(m, c, a, b) = 1.0f;
            }
    UpsamplingLayer l = makeLayer("DepthToSpace", std::move(k), Size2(r, r), 1, CropPads{0, 0, 0, 0});
    l.notes.push_back(
        "its input is not a stride-1 convolution's output: analysed as the shuffle alone (flat on a "
        "constant input; the ripple, if any, comes from what feeds it)");
    return l;
}

}  // namespace tconv::app
