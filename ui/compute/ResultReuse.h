// SPDX-License-Identifier: MIT
#pragma once
// Which parts of the previous result a new request can take over unchanged,
// so that cost follows what changed: switching a pane to Difference, another
// heatmap or another tone re-runs neither the transposed convolution nor
// resize-conv (with a trained 8 -> 3 layer the convolution alone takes seconds).
#include "compute/ComputeRequest.h"
#include "compute/ComputeResult.h"

namespace tconv::ui {

struct ResultReuse {
    bool output = false;      // the transposed convolution (and the layer's input)
    bool resizeConv = false;  // resize-conv (needs the same output and resize settings)
    bool difference = false;
    bool heatmap = false;
    bool spectrum = false;
};

// Nothing is reused from a failed or missing result.
ResultReuse reusableParts(const ComputeResult* previous, const ComputeRequest& request);

}  // namespace tconv::ui
