// SPDX-License-Identifier: MIT
#include "common/JobMemory.h"

#include <algorithm>

#include "analysis/ResizeConv.h"
#include "common/ImageIO.h"
#include "core/OutputGeometry.h"

namespace tconv::app {

void addLayerMemory(PeakMemory& peak, const Shape4& in, const ConvLayer& layer, const ConvSettings& s) {
    const Shape4 w = layer.weight.shape();
    const OutputSize out = outputSize(in.h, in.w, layer.params);
    const Shape4 outShape{in.n, layer.outChannels(), out.h, out.w};
    peak.add("weight " + shapeText(w), tensorBytes(w));
    if (s.method == ConvMethod::ResizeConv) {
        ResizeConvOptions options;
        options.resize = s.resize;
        peak.add("resize-conv intermediates", resizeConvExtraBytes(in, layer, options));
    }
    peak.add("output " + shapeText(outShape), tensorBytes(outShape));
    addChannelMixingMemory(peak, in, layer);
}

void addChannelMixingMemory(PeakMemory& peak, const Shape4& in, const ConvLayer& layer) {
    // The CPU backend runs layers that mix many channels as matrix products
    // (engine/cpu/GemmPath.cpp): it reads a copy of the input zero-padded by
    // the kernel's extent on every side and keeps the weights packed beside
    // the originals (about twice their size with the panel padding). Counted
    // for every non-depthwise layer, a small over-estimate for those the
    // direct kernels take; the per-thread scratch (about 1 MiB) is within the
    // documented allowance.
    if (layer.isDepthwise() || layer.inChannels() / std::max(layer.params.groups, 1) <= 1) return;
    const ConvParams& p = layer.params;
    const int64_t padH = int64_t(p.dilation.h) * (p.kernel.h - 1), padW = int64_t(p.dilation.w) * (p.kernel.w - 1);
    const Shape4 padded{in.n, in.c, in.h + 2 * padH, in.w + 2 * padW};
    peak.add("padded input copy " + shapeText(padded), tensorBytes(padded));
    peak.add("packed weights", mulBytes(tensorBytes(layer.weight.shape()), 2));
}

void checkConvJobMemory(const Shape4& in, const ConvLayer& layer, const ConvSettings& s, const std::string& outputPath,
                        int bitDepth, const ResourceLimits& limits) {
    PeakMemory peak;
    peak.add("input " + shapeText(in), tensorBytes(in));
    addLayerMemory(peak, in, layer, s);
    const OutputSize o = outputSize(in.h, in.w, layer.params);
    const Shape4 out{in.n, layer.outChannels(), o.h, o.w};
    peak.add("encoding '" + outputPath + "'", encodeBytes(outputPath, out, bitDepth));
    peak.check(limits, "the job for '" + outputPath + "'");
}

}  // namespace tconv::app

namespace tconv::app {
namespace {

// The figures HeatmapImage draws: small maps are enlarged to 256 pixels, and
// titles, margins and the colour bar come on top (384 x 384 per panel at
// least); 24 bytes per pixel: the 8-bit BGR canvas, its float tensor and the
// encoder's samples and file.
uint64_t figureBytes(const Shape4& out, int64_t panels) {
    const uint64_t pixels = std::max<uint64_t>(tensorBytes(Shape4{1, 1, out.h, out.w}, 1), 384u * 384u);
    return mulBytes(mulBytes(pixels, uint64_t(panels)), 24);
}

}  // namespace

void addAnalysisMemory(PeakMemory& peak, const Shape4& in, const ConvLayer& layer, const ConvSettings& s,
                       const std::string& heatmapKind, bool spectrum) {
    const OutputSize o = outputSize(in.h, in.w, layer.params);
    const Shape4 out{in.n, layer.outChannels(), o.h, o.w};
    const uint64_t O = tensorBytes(out);
    ResizeConvOptions r;
    r.resize = s.resize;
    peak.add("weight " + shapeText(layer.weight.shape()), tensorBytes(layer.weight.shape()));
    if (heatmapKind == "gain") {
        peak.add("all-ones input", tensorBytes(in));
        peak.add("gain map", mulBytes(O, 2));
        peak.add("heatmap figure", figureBytes(out, out.c));
    } else if (heatmapKind == "artifact") {
        peak.add("artifact weight", tensorBytes(layer.weight.shape()));
        peak.add("artifact map", mulBytes(O, 2));
        peak.add("heatmap figure", figureBytes(out, out.c));
    } else if (heatmapKind == "energy") {
        peak.add("results and energy maps", mulBytes(O, 4));
        peak.add("resize-conv intermediates", resizeConvExtraBytes(in, layer, r));
        peak.add("heatmap figure", figureBytes(out, 2 * out.c));
    }
    if (spectrum) {
        peak.add("spectrum input", addBytes(tensorBytes(in), O));
        if (s.method == ConvMethod::ResizeConv)
            peak.add("resize-conv intermediates", resizeConvExtraBytes(in, layer, r));
        peak.add("spectrum planes", tensorBytes(Shape4{1, 1, out.h, out.w}, 24));
        // The map beside a 520-pixel-wide radial plot.
        peak.add("spectrum figure", figureBytes(Shape4{1, 1, std::max<int64_t>(out.h, 400), out.w + 800}, 1));
    }
}

}  // namespace tconv::app
