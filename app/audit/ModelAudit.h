// SPDX-License-Identifier: MIT
#pragma once
// The checkerboard audit of a model's upsampling layers (each by the same
// per-output-channel analysis as `tconv analyze` of a full weight) and of the
// chains they form (ChainAnalysis). Shared by `tconv audit` and the studio.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/ChainAnalysis.h"
#include "analysis/ChannelScores.h"
#include "audit/ModelLayers.h"

namespace tconv::app {

// A ripple of 1% of the mean: where `tconv analyze` stops calling a channel faint.
inline constexpr double kRipplingCv = 0.01;

struct LayerAudit {
    ChannelScores channels;
    double cvMedian = 0;           // median over the output channels
    double cvWorst = 0;            // of the worst channel (holes first, then the largest CV)
    int64_t channelsRippling = 0;  // CV >= 1% or holes
    int64_t channelsWithHoles = 0;
    const ArtifactScores& worst() const { return channels.scores[static_cast<size_t>(channels.worst)]; }
};

struct ChainAudit {
    ChainAnalysis analysis;
    std::string worstLayer;  // the name of the layer whose repair helps most; "" when none ripples
    double cvMeanTable = 0;  // the CV of the channel-averaged table (for reference)
    std::string error;       // set when the chain could not be analysed (then analysis is empty)
};

struct ModelAudit {
    ModelDescription model;
    std::vector<LayerAudit> layers;  // parallel to model.layers
    std::vector<ChainAudit> chains;  // parallel to model.chains
    int mainChain = -1;              // the chain with the most upsampling layers (the first of equals); -1: none
    double worstChainCv() const;     // the largest chain CV (0 without chains)
};

ModelAudit auditModel(ModelDescription model);

// Layer indices, worst first: holes, then the worst channel's CV (the studio's list).
std::vector<size_t> layersWorstFirst(const ModelAudit& a);

// "no artifacts", "faint", ... for a chain, from its CV and holes.
std::string chainVerdict(const ChainAudit& c);

}  // namespace tconv::app
