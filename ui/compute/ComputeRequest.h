// SPDX-License-Identifier: MIT
#pragma once
// One unit of work for the compute pipeline: the input and the parameters
// (copied, so the GUI can go on editing), stamped with a generation number.
#include <QMetaType>
#include <memory>

#include "document/StudioParams.h"
#include "core/Kernel2D.h"
#include "core/Tensor.h"

namespace tconv::ui {

struct ComputeRequest {
    quint64 generation = 0;               // set by ComputePipeline::submit
    std::shared_ptr<const Tensor> input;  // (1, C, H, W); shared, never modified
    StudioParams params;
    Kernel2D kernel;  // resolveKernel(params), resolved on the GUI thread
    bool resizeConv = true;
    bool heatmap = true;
    bool difference = true;  // transposed minus resize-conv (needs resizeConv)
    bool spectrum = false;   // only while a spectrum view is shown (a 2-D FFT of the result)
    // Full-size resize-conv, heatmap and difference tensors even for outputs above
    // ComputeJob::kDisplayLevelPixels (no display levels): what export needs.
    bool fullResolution = false;
};

}  // namespace tconv::ui
