// SPDX-License-Identifier: MIT
#pragma once
// The colour scale of the artifact heatmap. Fixed (the default) makes maps
// comparable across kernels and images: a 3% ripple looks faint and a 48% one
// saturated, because both are drawn on +/-50% of the mean (gain map A - 1:
// +/-0.5; artifact component E: +/-0.5 x the result's mean; periodic energy:
// 0 .. 0.5). Auto stretches each result to its own range (the shape of a tiny
// ripple); Locked keeps the scale last shown while parameters change.
#include <QString>

#include "compute/ComputeResult.h"

namespace tconv::ui {

enum class HeatScaleMode { Fixed, Auto, Locked };

struct HeatRange {
    float lo = 0, hi = 0;
    bool diverging = true;
};

// The fixed scale of this result's heatmap kind, its own (auto) range, and the range to draw.
HeatRange fixedHeatRange(const ComputeResult& r);
HeatRange autoHeatRange(const ComputeResult& r);
HeatRange heatRangeFor(const ComputeResult& r, HeatScaleMode mode, const HeatRange& locked);

// For the colour bar and the header: "fixed ±50% of mean", "auto ±0.031", "locked ±0.12".
QString heatScaleText(const ComputeResult& r, HeatScaleMode mode, const HeatRange& range);

}  // namespace tconv::ui
