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
// The stack as one equivalent transposed convolution (same output size, same
// interior): stride S = s1*s2*..., kernel extent K = 1 + sum_i d_i(k_i-1) * (the
// strides after layer i), begin crop P = sum_i p_i * (the strides after i), end
// crop and output padding alike. Its phase-gain tables are indexed as `tconv
// analyze` indexes a single layer's: row (oy + P_h) mod S_h, column
// (ox + P_w) mod S_w of the final output, so a one-layer stack reads exactly
// as `tconv analyze` of that layer.
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
    // The whole stack as ChainAnalysis computes it: stride (= S), period, cv
    // (mean over the channels), cvAfterStep[i] (the stack up to and including
    // layer i), cvWithStepRepaired, worstStep (the layer whose repair lowers the
    // CV most; -1: nothing ripples). ITS tables are indexed by oy mod S (no P):
    // use `tables` below.
    ChainAnalysis stack;
    // The equivalent single layer (see above): kernel = K, stride = S,
    // padding = P, paddingEnd = the end crop, outputPadding = sum_i op_i * (the
    // strides after i) (may exceed S-1: descriptive, not for running), dilation 1.
    ConvParams equivalent;
    // Per final output channel, indexed by (o + P) mod S as above, and their scores.
    std::vector<PhaseGainTable> tables;
    std::vector<ArtifactScores> scores;
    // The channel shown: holes first, then the largest CV (as ChannelScores picks).
    int64_t worstChannel = 0;
    // Each layer alone, as `tconv analyze` scores it (tables indexed by (o + p_i) mod s_i).
    std::vector<ChannelScores> layers;

    const PhaseGainTable& table() const { return tables[static_cast<size_t>(worstChannel)]; }
    const ArtifactScores& worstScores() const { return scores[static_cast<size_t>(worstChannel)]; }
};

// Layer i (0-based) as a chain step named "layer i+1": the same weight, stride,
// dilation and groups, cropping its begin padding. The end padding and the
// output padding only change where the output stops, never the phases.
ChainStep layerStackStep(const ConvLayer& layer, size_t index);

// Throws ParameterError naming the layer ("stack layer 2: ...") when the stack
// is empty or longer than kMaxStackLayers, a layer's C_in differs from the
// previous layer's C_out, or the compound stride is too large to tabulate.
LayerStackAnalysis analyzeLayerStack(const std::vector<ConvLayer>& layers);

// The stack as its equivalent single layer (LayerStackAnalysis::equivalent), and a
// ChainAnalysis table (indexed by o mod S) re-indexed by (o + beginCrop) mod S, as
// `tconv analyze` indexes a layer: for views that run ChainAnalysis themselves.
ConvParams layerStackEquivalent(const std::vector<ConvLayer>& layers);
PhaseGainTable layerIndexedTable(const PhaseGainTable& chainTable, Size2 beginCrop);

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
