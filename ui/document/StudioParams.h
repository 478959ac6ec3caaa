// SPDX-License-Identifier: MIT
#pragma once
// The studio's model: everything the user can set that changes what is
// computed. The main window owns one; each compute request carries a copy, so
// a result always knows the parameters it was computed for.
#include <QString>
#include <memory>

#include "analysis/ResizeConv.h"
#include "common/ConvSettings.h"
#include "core/Backend.h"
#include "core/ConvLayer.h"
#include "core/ConvParams.h"
#include "core/Kernel2D.h"
#include "core/ResourceLimits.h"
#include "core/Tensor.h"
#include "core/Validation.h"
#include "document/KernelSource.h"

namespace tconv::ui {

// The largest kernel extent per axis the studio accepts: the engine's cap
// (Validation.h), what a person could mean. Above it the kernel editor would
// need millions of cells and the convolution minutes.
inline constexpr int kMaxKernelExtent = kMaxKernelSize;

enum class HeatmapKind { GainMap, ArtifactComponent, PeriodicEnergy };
enum class ToneMode { Clamp01, AutoRange };

QString heatmapKindName(HeatmapKind k);   // "gain", "artifact", "energy" (JSON/CLI spelling)
QString heatmapKindTitle(HeatmapKind k);  // "Gain map", ...

struct StudioParams {
    // Geometry; geometry.kernel is the kernel size, geometry.groups is set by
    // the layer (the image case is depthwise: one kernel per channel).
    ConvParams geometry = defaultGeometry();
    // An engine preset (scaled to sum sH*sW), the custom taps (customKernel,
    // used raw) or the full layer weight below.
    KernelSource kernelSource;
    double sigma = 1.0;
    quint64 seed = 0;
    Kernel2D customKernel;
    // Weight mode: a full PyTorch ConvTranspose2d weight (C_in, C_out/groups,
    // kH, kW) loaded from weightPath, with geometry.groups as the layer's
    // groups. The analysis (kernel editor, gain map, provenance) follows one
    // output channel, weightChannel, through its channelKernel. Kept while
    // another kernel source is chosen, so the user can switch back.
    std::shared_ptr<const Tensor> weight;
    QString weightPath;
    int weightChannel = 0;
    float bias = 0.0f;
    BackendKind backend = BackendKind::Auto;
    ResizeMode resize = ResizeMode::Nearest;
    BorderMode border = BorderMode::Zeros;
    HeatmapKind heatmap = HeatmapKind::GainMap;
    ToneMode tone = ToneMode::Clamp01;

    static ConvParams defaultGeometry();
    bool isCustomKernel() const { return kernelSource.isCustom(); }
    bool isFullWeight() const { return kernelSource.isWeight() && weight != nullptr; }
    // The weight has an .npy file that holds it: not a repaired weight (no path yet)
    // and not a layer taken from an ONNX model ("model.onnx › /layer/name", no file).
    // What the batch, presets and the PyTorch snippet need, since they read the file.
    bool weightHasFile() const;
    friend bool operator==(const StudioParams&, const StudioParams&) = default;
};

// The taps the parameters describe: the preset at geometry.kernel and
// geometry.stride, the custom kernel (which must match geometry.kernel), or in
// weight mode the analysed channel's channelKernel. Throws ParameterError with
// the engine's message.
Kernel2D resolveKernel(const StudioParams& p);

// The same settings in the CLI's terms, so a batch runs exactly what the
// studio shows (a custom kernel travels separately as a Kernel2D; its
// settings say "custom").
app::ConvSettings toConvSettings(const StudioParams& p);

// The depthwise layer for `channels` channels with the bias (one value for all).
ConvLayer buildStudioLayer(const StudioParams& p, const Kernel2D& kernel, int channels);

// Weight mode: the full layer (weight, geometry with its groups, the bias on
// every output channel). Throws ParameterError when there is no weight.
ConvLayer fullWeightLayer(const StudioParams& p);

// `p` switched to weight mode on `weight` (loaded from `path`): its kernel
// size, `groups` (PyTorch's default is 1; the weight does not record them),
// and the worst channel (channelScores) analysed first.
StudioParams weightModeParams(StudioParams p, std::shared_ptr<const Tensor> weight, const QString& path,
                              int groups = 1);

// Weight mode: the output channel with the largest checkerboard CV (ties: the
// first), to show first. 0 when no channel can be analysed.
int worstWeightChannel(const StudioParams& p);

// Keeps weightChannel inside the layer's output channels (fewer groups, fewer
// outputs); no-op outside weight mode.
void clampWeightChannel(StudioParams& p);

// The studio keeps several output-sized buffers (result, resize-conv,
// heatmap, images), so it refuses single outputs above a quarter of what the
// engine would accept: a typo never exhausts memory.
const ResourceLimits& studioLimits();

// Resizes a kernel to h x w keeping the top-left taps, new taps 0.
Kernel2D resizedKernel(const Kernel2D& k, int h, int w);

}  // namespace tconv::ui
