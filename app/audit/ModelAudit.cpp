// SPDX-License-Identifier: MIT
#include "audit/ModelAudit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "core/ConvError.h"

namespace tconv::app {
namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

LayerAudit auditLayer(const UpsamplingLayer& l) {
    LayerAudit a;
    a.channels = channelScores(l.layer);
    std::vector<double> cv;
    for (const ArtifactScores& s : a.channels.scores) cv.push_back(s.cv);
    a.cvMedian = median(cv);
    a.cvWorst = a.worst().cv;
    a.channelsRippling = a.channels.countAtLeast(kRipplingCv);
    a.channelsWithHoles = a.channels.countWithHoles();
    return a;
}

ChainAudit auditChain(const ModelDescription& m, const ModelChain& chain) {
    ChainAudit c;
    try {
        c.analysis = analyzeChain(chain.steps);
    } catch (const ParameterError& e) {
        c.error = e.what();
        return c;
    }
    if (c.analysis.worstStep >= 0) {
        const int layer = chain.layerOfStep[static_cast<size_t>(c.analysis.worstStep)];
        c.worstLayer = layer >= 0 ? m.layers[static_cast<size_t>(layer)].name
                                  : chain.steps[static_cast<size_t>(c.analysis.worstStep)].name;
    }
    c.cvMeanTable = artifactScores(c.analysis.meanTable).cv;
    return c;
}

bool worse(const LayerAudit& a, const LayerAudit& b) {
    const bool ha = a.channelsWithHoles > 0, hb = b.channelsWithHoles > 0;
    if (ha != hb) return ha;
    const double ca = std::isnan(a.cvWorst) ? 0 : a.cvWorst, cb = std::isnan(b.cvWorst) ? 0 : b.cvWorst;
    return ca > cb;
}

}  // namespace

double ModelAudit::worstChainCv() const {
    double w = 0;
    for (const ChainAudit& c : chains)
        if (c.error.empty()) w = std::max(w, c.analysis.cv);
    return w;
}

ModelAudit auditModel(ModelDescription model) {
    ModelAudit a;
    a.model = std::move(model);
    for (const UpsamplingLayer& l : a.model.layers) a.layers.push_back(auditLayer(l));
    size_t best = 0;
    for (size_t i = 0; i < a.model.chains.size(); ++i) {
        a.chains.push_back(auditChain(a.model, a.model.chains[i]));
        const std::vector<int>& ls = a.model.chains[i].layerOfStep;
        const size_t count = static_cast<size_t>(std::count_if(ls.begin(), ls.end(), [](int l) { return l >= 0; }));
        if (a.mainChain < 0 || count > best) {
            a.mainChain = static_cast<int>(i);
            best = count;
        }
    }
    return a;
}

std::vector<size_t> layersWorstFirst(const ModelAudit& a) {
    std::vector<size_t> order(a.layers.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&a](size_t x, size_t y) { return worse(a.layers[x], a.layers[y]); });
    return order;
}

std::string chainVerdict(const ChainAudit& c) {
    if (!c.error.empty()) return "not analysed: " + c.error;
    int holes = 0;
    for (const ArtifactScores& s : c.analysis.scores) holes += s.holes;
    if (holes > 0) return "holes: " + std::to_string(holes) + " output channel(s) have phases no path reaches (strong)";
    const double cv = c.analysis.cv;
    ArtifactScores s;
    s.cv = cv;
    const std::string grade = severityName(severityOf(s));
    if (!std::isfinite(cv)) return "strong: a channel's compound gains sum to zero with a ripple";
    if (cv < kArtifactFreeCv) return "none: the decoder's output is flat on a constant input";
    char pct[48];
    std::snprintf(pct, sizeof pct, "%.3g%%", 100.0 * cv);
    return grade + ": on a constant input the decoder's output ripples by " + pct + " of its mean (CV " + cvText(cv) +
           ")";
}

}  // namespace tconv::app
