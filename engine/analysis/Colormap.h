// SPDX-License-Identifier: MIT
#pragma once
// Colour maps for the heatmaps, as float RGB in [0, 1]:
// - CoolWarm: Kenneth Moreland's diverging blue-grey-red map ("Diverging Color
//   Maps for Scientific Visualization", 2009; his 33-entry float table),
//   readable with the common colour-vision deficiencies; for signed values
//   around 0 (gain map A-1, artifact component, differences).
// - Viridis: matplotlib's perceptually uniform sequential map (van der Walt,
//   Smith & Firing, CC0), sampled every 16th of its 256 entries; for
//   magnitudes (periodic energy, spectra).
#include <cstddef>

namespace tconv {

enum class ColormapKind { CoolWarm, Viridis };

struct Rgb {
    float r = 0, g = 0, b = 0;
};

// t in [0, 1] (clamped; NaN gives mid grey), linear interpolation between entries.
Rgb colormap(ColormapKind kind, double t);

// Maps n values from [lo, hi] to interleaved RGB (3n floats). lo == hi maps
// everything to the middle of the map.
void applyColormap(ColormapKind kind, const float* values, size_t n, double lo, double hi, float* rgb);

}  // namespace tconv
