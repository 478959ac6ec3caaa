// SPDX-License-Identifier: MIT
#pragma once
// Rendering analysis maps as pictures: float maps through a colour map
// (engine/analysis/Colormap.h), side by side in a grid with titles and one
// shared colour bar labelled with values; and the spectrum with its radial
// profile. The result is an RGB tensor (1, 3, H, W) in [0, 1], so the CLI
// writes it with saveImage (atomic) and the studio shows it as a QImage.
// Drawing (text, lines) uses OpenCV, so these exist only with TCONV_HAVE_OPENCV.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/Colormap.h"
#include "analysis/Spectrum.h"
#include "core/ConvParams.h"
#include "core/Tensor.h"

namespace tconv::app {

struct HeatmapPanel {
    std::string title;  // e.g. "channel 0", "resize-conv"
    int64_t h = 0, w = 0;
    const float* values = nullptr;  // h * w, row-major; NaN shows grey
};

struct HeatmapStyle {
    ColormapKind colormap = ColormapKind::CoolWarm;
    // Diverging data: the range is [-a, a] with a = max |value| (0 is the
    // neutral colour). Otherwise [min, max].
    bool symmetric = true;
    std::optional<double> lo, hi;  // fixed range, overriding the data's
    std::string title;             // above everything
    std::string label;             // colour-bar caption, e.g. "A - 1"
    int columns = 0;               // panels per row; 0: all in one row
    int minPanelSize = 256;        // small maps are enlarged (nearest, integer factor) to this
};

#ifdef TCONV_HAVE_OPENCV
// Throws ParameterError for no panels or a panel without values.
Tensor renderHeatmap(const std::vector<HeatmapPanel>& panels, const HeatmapStyle& style);

// The centred log-magnitude spectrum (viridis, the top 100 dB, colour bar in
// dB) next to its radially averaged profile, with the frequencies k/s that a
// stride-s checkerboard excites marked on the profile's axis.
Tensor renderSpectrum(const Spectrum& spectrum, Size2 stride, const std::string& title);
#endif

}  // namespace tconv::app
