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

private:
    void computeDifference(ComputeResult& out);
    void computeImages(ComputeResult& out, const ResultReuse& reuse, const ComputeResult* previous);

    HeatmapStage heatmap_;
    StudioInputCache inputs_;  // weight mode: the image turned into the layer's input
    ResizeConvWorkspace resizeWorkspace_;
    std::shared_ptr<const Tensor> lastInput_;  // the input image is converted once per input and tone
    ToneRange lastInputTone_;
    MipImage lastInputImage_;
};

}  // namespace tconv::ui
