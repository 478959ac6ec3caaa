// SPDX-License-Identifier: MIT
#pragma once
// The artifact heatmaps of the analysis module, as the studio computes them on
// its worker: (1) the gain map A - 1 (analysis/GainMap.h), which shows the
// interior ripple and the frame that padding and output_padding make; (2) the
// artifact component E (analysis/ArtifactComponent.h), the part of the result
// an artifact-free repair would remove; (3) the local periodic energy of the
// result in excess of the resize-conv reference's (analysis/PeriodicEnergy.h),
// so image texture near the finest frequency does not read as an artifact.
// Multi-channel maps are averaged over channels into one plane.
#include <string>
#include <vector>

#include "compute/ComputeRequest.h"
#include "core/Backend.h"
#include "core/ConvLayer.h"
#include "core/Tensor.h"

namespace tconv::ui {

class HeatmapStage {
public:
    // Fills `plane` (H_out * W_out). Returns an empty string, or why this
    // heatmap cannot be shown for these parameters.
    // `input` is the layer's input (StudioProblem), `result` its output,
    // `reference` the resize-conv result (null when it could not be computed).
    std::string compute(const ComputeRequest& request, const ConvLayer& layer, const Tensor& input,
                        const Tensor& result, const Tensor* reference, Backend& backend, std::vector<float>& plane,
                        bool& diverging);
};

}  // namespace tconv::ui
