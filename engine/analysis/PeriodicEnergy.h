// SPDX-License-Identifier: MIT
#pragma once
// Heatmap 3, local periodic energy: around each s x s block of output pixels,
// the per-phase means over an (m*s) x (m*s) window (m x m blocks) and their
// spread, std(means) / |mean(means)|. A checkerboard of period s shows as a
// phase-dependent mean; image content that is not periodic with period s
// averages out as m grows. Computed on the transposed convolution's result and
// on the resize-conv reference to compare them.
#include "core/ConvParams.h"
#include "core/Tensor.h"

namespace tconv {

struct PeriodicEnergyOptions {
    Size2 stride{2, 2};
    // Output pixel o has phase (o + offset) mod s; pass the layer's padding so
    // that the blocks are the footprints of the input pixels.
    Size2 phaseOffset{0, 0};
    int windowBlocks = 4;  // m
};

// Same shape as `image`; each pixel holds the spread of its block's window.
// Windows near the edges slide inwards (and shrink only on planes smaller than
// the window; phases with no pixel in the window are skipped). Where |mean(means)| is below 1% of the plane's mean absolute value
// the denominator is held at that floor, so dark regions do not explode.
// Throws ParameterError for stride or m <= 0.
Tensor periodicEnergy(const Tensor& image, const PeriodicEnergyOptions& options);

// The periodic energy of `image` in excess of an artifact-free `reference` of
// the same shape (the resize-conv result): max(0, E(image) - E(reference)).
// Image detail near the finest frequency gives both the same spread, so what
// is left is the stride pattern; a kernel without a checkerboard reads as
// (nearly) 0 instead of as its image's texture. Throws ParameterError when the
// shapes differ.
Tensor periodicEnergyExcess(const Tensor& image, const Tensor& reference, const PeriodicEnergyOptions& options);

}  // namespace tconv
