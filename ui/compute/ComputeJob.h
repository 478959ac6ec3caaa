// SPDX-License-Identifier: MIT
#pragma once
// The work behind one request, run on the pipeline's worker thread: the
// transposed convolution, the phase-gain scores, the resize-conv comparison,
// the difference, the selected heatmap, and the display images. Between stages
// it asks whether it has been superseded and stops early if so (the engine
// calls themselves are not interruptible). One instance lives on the worker
// and keeps scratch tensors across runs.
#include <functional>

#include "compute/ComputeRequest.h"
#include "compute/ComputeResult.h"
#include "compute/HeatmapStage.h"
#include "compute/ResultReuse.h"
#include "compute/StudioProblem.h"
#include "analysis/ResizeConv.h"
#include "core/Backend.h"

namespace tconv::ui {

class ComputeJob {
public:
    using CancelCheck = std::function<bool()>;

    // `out` is a recycled result: its tensors keep their allocations.
    // Returns false when cancelled (out is then incomplete and must be dropped).
    // `previous`: the last complete result, whose still-valid parts are taken over (ResultReuse.h).
    bool run(const ComputeRequest& request, Backend& backend, ComputeResult& out, const CancelCheck& cancelled,
             const ComputeResult* previous = nullptr);

    // Outputs above this many pixels are shown from display-resolution levels
    // (BlockMeans): resize-conv, the gain map and the difference are never made
    // at full size, only the visible region a view draws. Nor is the output
    // when no view needs it (DisplayPlan::levelsOnly): hover and provenance
    // compute single pixels (PixelValues.h), export computes it on demand.
    static constexpr qint64 kDisplayLevelPixels = qint64(1) << 22;

private:
    // The display-resolution images of a large output; false for the parts
    // that need full-size tensors (then the full path runs for them).
    struct DisplayPlan {
        bool active = false;      // large output: the result image comes from levels
        bool resize = false;      // resize-conv from levels (nearest, zero borders)
        bool heatmap = false;     // the gain map from levels
        bool levelsOnly = false;  // nothing shown needs the full-size output: it is not made
    };
    DisplayPlan planDisplay(const ComputeRequest& request, const Shape4& output, const ConvLayer& layer) const;
    void computeDisplayImages(ComputeResult& out, const DisplayPlan& plan, bool keepResult) const;
    void computeDifference(ComputeResult& out);
    void computeImages(ComputeResult& out, const ResultReuse& reuse, const ComputeResult* previous,
                       const DisplayPlan& display);

    HeatmapStage heatmap_;
    StudioInputCache inputs_;  // weight mode: the image turned into the layer's input
    ResizeConvWorkspace resizeWorkspace_;
    std::shared_ptr<const Tensor> lastInput_;  // the input image is converted once per input and tone
    ToneRange lastInputTone_;
    MipImage lastInputImage_;
};

}  // namespace tconv::ui
