// SPDX-License-Identifier: MIT
#include "analysis/ChannelScores.h"

#include <algorithm>
#include <cmath>

#include "analysis/LayerKernels.h"

namespace tconv {

ChannelScores channelScores(const ConvLayer& layer) {
    ChannelScores r;
    const Kernel2D first = channelKernel(layer, 0);
    for (int64_t c = 0; c < layer.outChannels(); ++c) {
        const Kernel2D k = c == 0 ? first : channelKernel(layer, c);
        r.uniform = r.uniform && k == first;
        r.tables.push_back(phaseGainTable(k, layer.params.stride, layer.params.dilation));
        r.scores.push_back(artifactScores(r.tables.back()));
        const ArtifactScores& s = r.scores.back();
        const ArtifactScores& w = r.scores[static_cast<size_t>(r.worst)];
        if ((s.holes && !w.holes) || (s.holes == w.holes && s.cv > w.cv)) r.worst = c;
    }
    return r;
}

double ChannelScores::maxCv() const {
    double m = 0;
    for (const ArtifactScores& s : scores) m = std::max(m, s.cv);
    return m;
}

int64_t ChannelScores::countAtLeast(double cv) const {
    return std::count_if(scores.begin(), scores.end(),
                         [cv](const ArtifactScores& s) { return s.holes || !(s.cv < cv); });
}

int64_t ChannelScores::countWithHoles() const {
    return std::count_if(scores.begin(), scores.end(), [](const ArtifactScores& s) { return s.holes; });
}

}  // namespace tconv
