// SPDX-License-Identifier: MIT
#pragma once
// Small pictures of tensors for the stack and gradient panels (built on their
// worker threads: QImage is safe off the GUI thread). Each is either a centre
// crop at one image pixel per tensor pixel, where a checkerboard of period 2
// is visible, or the whole plane scaled down to fit a box.
#include <QImage>
#include <QSize>

#include "analysis/PhaseGain.h"
#include "core/Tensor.h"

namespace tconv::ui {

// The centre crop of at most side x side pixels of `t` (1, C, H, W), C = 3 as
// RGB, else channel 0 as grey; values clamped to [0, 1]. side <= 0: whole plane.
QImage imageCrop(const Tensor& t, int side);
// The whole image (as imageCrop) scaled down (smoothly) to fit `box`.
QImage imageFit(const Tensor& t, QSize box);

// Channel 0 of `t` on the diverging map: (v - centre) / range in [-1, 1],
// clamped; centre crop of `side` (<= 0: whole plane).
QImage divergingCrop(const Tensor& t, float centre, float range, int side);

// A compound table tiled over side x side pixels, coloured by G / mean - 1
// divided by `range` (the response of the layers to a constant image, away
// from the borders). Holes (tapCount 0) are black.
QImage tiledTableImage(const PhaseGainTable& table, int side, double range);

// The largest |G / mean - 1| of a table (0 for a flat or all-zero one).
double relativeRipple(const PhaseGainTable& table);

}  // namespace tconv::ui
