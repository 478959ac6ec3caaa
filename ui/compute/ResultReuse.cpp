// SPDX-License-Identifier: MIT
#include "compute/ResultReuse.h"

namespace tconv::ui {

namespace {

// The parameters with everything that does not affect the convolution made equal.
StudioParams convolutionPart(StudioParams p) {
    p.resize = ResizeMode::Nearest;
    p.border = BorderMode::Zeros;
    p.heatmap = HeatmapKind::GainMap;
    p.tone = ToneMode::Clamp01;
    return p;
}

}  // namespace

ResultReuse reusableParts(const ComputeResult* previous, const ComputeRequest& request) {
    ResultReuse r;
    // A planned output (large photos: levels only, no tensor) has nothing to lend.
    if (!previous || !previous->ok || previous->request.input != request.input || previous->output.empty()) return r;
    const ComputeRequest& was = previous->request;
    if (!(was.kernel == request.kernel) || !(convolutionPart(was.params) == convolutionPart(request.params))) return r;
    r.output = true;
    const bool sameResize = was.params.resize == request.params.resize && was.params.border == request.params.border;
    const bool hadResize = was.resizeConv && previous->resizeError.isEmpty() && !previous->resizeConv.empty();
    r.resizeConv = sameResize && hadResize;
    r.difference = r.resizeConv && !previous->difference.empty();
    // The periodic-energy map is measured against resize-conv.
    r.heatmap = was.heatmap && was.params.heatmap == request.params.heatmap && !previous->heat.empty() &&
                (request.params.heatmap != HeatmapKind::PeriodicEnergy || sameResize);
    r.spectrum = was.spectrum && previous->spectrumError.isEmpty() && !previous->spectrumImage.isNull();
    return r;
}

}  // namespace tconv::ui
