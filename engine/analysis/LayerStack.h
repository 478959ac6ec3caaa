// SPDX-License-Identifier: MIT
#pragma once
// A stack of transposed-convolution layers, as in a decoder: each layer's
// output feeds the next. The stack is linear, so its response to a constant
// input is periodic with period S = the product of the strides (per axis), and
// its compound phase-gain table is computed exactly, without borders, by
// ChainAnalysis (analysis/ChainAnalysis.h): what the stack run on a large
// constant image shows away from its borders. This is the simple front door
// for `tconv analyze --stack` and the studio's stack panel; `tconv audit`
// (chains of ONNX layers) uses ChainAnalysis directly.
//
// Phase indexing: the stack's tables are indexed by the FINAL output pixel,
// row oy mod S_h and column ox mod S_w (each layer's padding already applied).
// A one-layer stack's table is `tconv analyze`'s (indexed by (o + p) mod s)
// rolled by p; the scores (CV, period, holes, pattern) are the same.
// Standard library only (plus core and the analysis' own headers).
#include <cstdint>
#include <functional>
#include <vector>

#include "analysis/ChainAnalysis.h"
#include "analysis/ChannelScores.h"
#include "core/Backend.h"
#include "core/ConvLayer.h"
#include "core/ResourceLimits.h"
#include "core/Tensor.h"

namespace tconv {

// The most layers a stack may have (the studio offers 1-4).
inline constexpr int kMaxStackLayers = 8;

struct LayerStackAnalysis {
    // The whole stack: stride (product of the strides), period, compound tables
    // per final output channel, meanTable, cv (mean over the channels),
    // cvAfterStep[i] (the stack up to and including layer i), cvWithStepRepaired,
    // worstStep (the layer whose repair lowers the CV most, -1: none ripples).
    ChainAnalysis stack;
    // The final output channel shown: holes first, then the largest CV (as ChannelScores picks).
    int64_t worstChannel = 0;
    // Each layer alone, as `tconv analyze` scores it (tables indexed by (o + p) mod s).
    std::vector<ChannelScores> layers;

    const PhaseGainTable& table() const { return stack.tables[static_cast<size_t>(worstChannel)]; }
    const ArtifactScores& scores() const { return stack.scores[static_cast<size_t>(worstChannel)]; }
};

// Layer i (0-based) as a chain step named "layer i+1": the same weight, stride,
// dilation and groups, cropping its begin padding. The end padding and the
// output padding only change where the output stops, never the phases.
ChainStep layerStackStep(const ConvLayer& layer, size_t index);

// Throws ParameterError naming the layer ("stack layer 2: ...") when the stack
// is empty or longer than kMaxStackLayers, a layer's C_in differs from the
// previous layer's C_out, or the compound stride is too large to tabulate.
LayerStackAnalysis analyzeLayerStack(const std::vector<ConvLayer>& layers);

// Each layer's output shape for `input` (every layer validated as
// ConvTranspose2d validates it). Throws ParameterError naming the layer
// ("stack layer 2: ...") and what is wrong.
std::vector<Shape4> layerStackShapes(const Shape4& input, const std::vector<ConvLayer>& layers,
                                     const ResourceLimits& limits = defaultResourceLimits());

// Runs the layers one after the other with the engine (convTranspose2d) and
// returns every layer's output (the last is the stack's result). `cancelled`
// is asked before each layer; when it says true the outputs so far are
// returned (fewer than layers.size()). Validates first (layerStackShapes), so
// a bad stack throws before any layer runs.
std::vector<Tensor> runLayerStack(const Tensor& input, const std::vector<ConvLayer>& layers, Backend& backend,
                                  const std::function<bool()>& cancelled = {},
                                  const ResourceLimits& limits = defaultResourceLimits());

}  // namespace tconv
