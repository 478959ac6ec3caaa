// SPDX-License-Identifier: MIT
#include "document/StudioParams.h"

#include <QFileInfo>
#include <algorithm>

#include "core/ConvError.h"
#include "analysis/ChannelScores.h"
#include "analysis/LayerKernels.h"
#include "core/KernelPresets.h"
#include "core/Validation.h"

namespace tconv::ui {

QString heatmapKindName(HeatmapKind k) {
    switch (k) {
        case HeatmapKind::GainMap: return QStringLiteral("gain");
        case HeatmapKind::ArtifactComponent: return QStringLiteral("artifact");
        case HeatmapKind::PeriodicEnergy: return QStringLiteral("energy");
    }
    return {};
}

QString heatmapKindTitle(HeatmapKind k) {
    switch (k) {
        case HeatmapKind::GainMap: return QStringLiteral("Gain map");
        case HeatmapKind::ArtifactComponent: return QStringLiteral("Artifact component");
        case HeatmapKind::PeriodicEnergy: return QStringLiteral("Periodic energy");
    }
    return {};
}

ConvParams StudioParams::defaultGeometry() {
    // A 3x3 box at stride 2: the classic checkerboard (CV 0.48), so a first
    // start shows what the tool is about.
    ConvParams g;
    g.kernel = Size2(3, 3);
    g.stride = Size2(2, 2);
    g.padding = Size2(1, 1);
    g.outputPadding = Size2(1, 1);
    return g;
}

Kernel2D resolveKernel(const StudioParams& p) {
    const Size2 k = p.geometry.kernel;
    if (k.h > kMaxKernelExtent || k.w > kMaxKernelExtent)
        throw ParameterError("kernel size " + sizeText(k) + " is above the maximum of " +
                             std::to_string(kMaxKernelExtent) + " per axis");
    if (p.isFullWeight()) return channelKernel(fullWeightLayer(p), p.weightChannel);
    if (p.kernelSource.isWeight())
        throw ParameterError("no layer weight is loaded: load a (C_in, C_out/groups, kH, kW) .npy or pick a preset");
    if (p.isCustomKernel()) {
        const Kernel2D& k = p.customKernel;
        if (k.h != p.geometry.kernel.h || k.w != p.geometry.kernel.w)
            return resizedKernel(k, p.geometry.kernel.h, p.geometry.kernel.w);
        return k;
    }
    const auto preset = p.kernelSource.presetKind();  // the kinds left: a preset
    if (!preset) throw ParameterError("unknown kernel source '" + p.kernelSource.name().toStdString() + "'");
    PresetOptions o;
    o.stride = p.geometry.stride;
    o.size = p.geometry.kernel;
    o.sigma = p.sigma;
    o.seed = p.seed;
    return makePresetKernel(*preset, o);
}

ConvLayer buildStudioLayer(const StudioParams& p, const Kernel2D& kernel, int channels) {
    std::vector<float> bias;
    if (p.bias != 0.0f) bias.push_back(p.bias);
    return makeDepthwiseLayer(kernel, channels, p.geometry, bias);
}

ConvLayer fullWeightLayer(const StudioParams& p) {
    if (!p.weight) throw ParameterError("no layer weight is loaded");
    ConvLayer layer;
    layer.params = p.geometry;
    layer.params.kernel = Size2(p.weight->shape().h, p.weight->shape().w);
    validateParams(layer.params);
    validateWeight(p.weight->shape(), layer.params);
    layer.weight = *p.weight;
    if (p.bias != 0.0f && p.geometry.groups > 0) layer.bias.assign(static_cast<size_t>(layer.outChannels()), p.bias);
    return layer;
}

StudioParams weightModeParams(StudioParams p, std::shared_ptr<const Tensor> weight, const QString& path, int groups) {
    p.kernelSource = KernelSource::weight();
    p.geometry.kernel = Size2(weight->shape().h, weight->shape().w);
    p.geometry.groups = groups;
    // A layer's outputs are features, not [0, 1] intensities.
    p.tone = ToneMode::AutoRange;
    p.weight = std::move(weight);
    p.weightPath = path;
    p.weightChannel = 0;
    p.weightChannel = worstWeightChannel(p);
    return p;
}

int worstWeightChannel(const StudioParams& p) {
    try {
        return static_cast<int>(channelScores(fullWeightLayer(p)).worst);
    } catch (const std::exception&) {
        return 0;
    }
}

void clampWeightChannel(StudioParams& p) {
    if (!p.weight || p.geometry.groups < 1) return;
    const int64_t cout = p.weight->shape().c * p.geometry.groups;
    p.weightChannel = static_cast<int>(std::clamp<int64_t>(p.weightChannel, 0, std::max<int64_t>(cout - 1, 0)));
}

const ResourceLimits& studioLimits() {
    static const ResourceLimits limits = [] {
        ResourceLimits l = defaultResourceLimits();
        l.maxOutputBytes = std::max<uint64_t>(l.maxOutputBytes / 4, 64ull << 20);
        return l;
    }();
    return limits;
}

Kernel2D resizedKernel(const Kernel2D& k, int h, int w) {
    Kernel2D r(std::max(h, 0), std::max(w, 0));
    for (int y = 0; y < std::min(h, k.h); ++y)
        for (int x = 0; x < std::min(w, k.w); ++x) r.at(y, x) = k.at(y, x);
    return r;
}

app::ConvSettings toConvSettings(const StudioParams& p) {
    app::ConvSettings s;
    s.kernelSize = p.geometry.kernel;
    s.stride = p.geometry.stride;
    s.padding = p.geometry.padding;
    if (hasAsymmetricPadding(p.geometry)) s.pads = pads(p.geometry);  // the CLI's --pads
    s.outputPadding = p.geometry.outputPadding;
    s.dilation = p.geometry.dilation;
    s.kernel = p.isCustomKernel() ? std::string("custom")
               : p.isFullWeight() ? p.weightPath.toStdString()
                                  : p.kernelSource.name().toStdString();
    if (p.isFullWeight()) s.groups = p.geometry.groups;
    s.sigma = p.sigma;
    s.seed = p.seed;
    if (p.bias != 0.0f) s.bias = {p.bias};
    s.backend = p.backend;
    s.resize = p.resize;
    return s;
}

bool StudioParams::weightHasFile() const { return !weightPath.isEmpty() && QFileInfo(weightPath).isFile(); }

}  // namespace tconv::ui
