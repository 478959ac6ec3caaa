// SPDX-License-Identifier: MIT
#pragma once
// The checkerboard scores of every output channel of a layer, each through its
// channelKernel (its response to an input that is the same on every channel).
// One place for what `tconv analyze`, `tconv repair` and the studio's weight
// mode report about a full weight, so they name the same worst channel.
#include <cstdint>
#include <vector>

#include "analysis/PhaseGain.h"
#include "core/ConvLayer.h"

namespace tconv {

struct ChannelScores {
    std::vector<PhaseGainTable> tables;  // per output channel
    std::vector<ArtifactScores> scores;  // per output channel
    int64_t worst = 0;                   // holes first, then the largest CV (the first of equals)
    bool uniform = true;                 // every channel has the same kernel

    double maxCv() const;
    // Channels with holes, or a ripple of at least `cv` of the mean (non-finite CVs count).
    int64_t countAtLeast(double cv) const;
    int64_t countWithHoles() const;
};

// Throws ParameterError (channelKernel's) for a layer whose groups do not fit its weight.
ChannelScores channelScores(const ConvLayer& layer);

}  // namespace tconv
