// SPDX-License-Identifier: MIT
#pragma once
// What the engine computes for the studio's parameters and image: the layer,
// how the image becomes its input, and which computed channel the analysis
// follows.
//
// Image mode (presets, custom kernels): the depthwise layer, the image as is.
// Weight mode (a full PyTorch weight), so that a decoder layer of any width can
// be looked at on any image while at most three channels are computed:
//   - C_in == image channels: the image feeds the layer. C_out == 3 is shown in
//     colour (the whole layer); any other C_out shows the analysed output
//     channel alone (outputChannelLayer, reading its group's input channels).
//   - otherwise the image's luminance (grayscale(), the spectrum's grey: Rec.
//     709 luma) feeds every input channel. Then each
//     output channel is its channelKernel applied to that one plane, exactly
//     (collapsedLayer): C_out == 3 in colour, else the analysed channel.
#include <QString>
#include <memory>

#include "document/StudioParams.h"
#include "core/ConvLayer.h"
#include "core/Tensor.h"

namespace tconv::ui {

enum class StudioInput { Image, Luminance, GroupChannels };

struct StudioProblem {
    ConvLayer layer;  // what the engine runs
    StudioInput input = StudioInput::Image;
    int64_t groupBegin = 0;     // GroupChannels: first image channel read
    int64_t inputChannels = 0;  // channels of the layer's input
    int analysedOutput = 0;     // index in the computed output of the analysed channel
    // The computed input has one channel and the analysed output is that
    // channel through `kernel` (plus bias): provenance can show exact sums.
    bool provenanceExact = true;
    QString note;  // for the user: how the image became the input and what is shown (empty in image mode)
};

// Throws ParameterError with the engine's message for bad parameters.
StudioProblem planStudioProblem(const StudioParams& p, const Kernel2D& kernel, int imageChannels);

// The layer's input for `image` (the image itself in image mode). Luminance
// planes are cached for the last image: parameter edits reuse them.
class StudioInputCache {
public:
    std::shared_ptr<const Tensor> input(const StudioProblem& problem, const std::shared_ptr<const Tensor>& image);

private:
    std::shared_ptr<const Tensor> image_, derived_;
    StudioInput kind_ = StudioInput::Image;
    int64_t groupBegin_ = 0, channels_ = 0;
};

}  // namespace tconv::ui
