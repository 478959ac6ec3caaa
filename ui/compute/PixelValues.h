// SPDX-License-Identifier: MIT
#pragma once
// Single values of a result at one output pixel, for hover and the status bar.
// A result keeps full-size planes only for outputs up to
// ComputeJob::kDisplayLevelPixels; above that, its views are display levels
// with a source, and the value of one pixel is computed from the input for
// that pixel alone (BlockMeans with 1 x 1 cells: the taps that reach it), the
// same exact numbers the small-image path stores.
#include <optional>
#include <vector>

#include "compute/ComputeResult.h"

namespace tconv::ui {

// The output's channels at (oy, ox): from the output tensor, else from the result view's source.
std::vector<float> outputValuesAt(const ComputeResult& r, int oy, int ox);
// The selected heatmap at (oy, ox), when it was computed.
std::optional<float> heatValueAt(const ComputeResult& r, int oy, int ox);
// T - R (mean over channels) at (oy, ox), when the difference was computed.
std::optional<float> differenceValueAt(const ComputeResult& r, int oy, int ox);

}  // namespace tconv::ui
