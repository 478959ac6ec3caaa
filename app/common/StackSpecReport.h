// SPDX-License-Identifier: MIT
#pragma once
// What `tconv analyze --stack` prints: the whole stack's phase-gain table and
// scores under the keys `tconv analyze` uses for one layer (cv, phase_gain,
// period, ... are the whole stack's; kernel_size, stride, padding, pads and
// output_padding are the equivalent single layer's, analysis/LayerStack.h),
// plus `layers`: each layer alone, its output size, and the stack's CV up to
// it. As JSON (one object) and as text for people.
#include <string>
#include <vector>

#include "analysis/LayerStack.h"
#include "common/ConvSettings.h"
#include "core/ConvLayer.h"
#include "core/Tensor.h"

namespace tconv::app {

struct StackReport {
    std::vector<ConvSettings> settings;  // per layer, as parsed (parseStackSpec)
    std::vector<ConvLayer> layers;       // as built (buildStackLayers)
    Shape4 input;                        // the stack's input
    std::string inputNote;               // "" (an image), " (--size)" or " (default; ...)"
    bool inputDefault = false;
    std::vector<Shape4> outputs;  // each layer's output shape (layerStackShapes)
    LayerStackAnalysis analysis;
};

// One JSON object, without a trailing newline.
std::string stackReportJson(const StackReport& r);

// Several lines, each ending in '\n'.
std::string stackReportText(const StackReport& r);

}  // namespace tconv::app
