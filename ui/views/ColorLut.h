// SPDX-License-Identifier: MIT
#pragma once
// 256-entry lookup tables of the analysis colour maps (analysis/Colormap.h) as
// QRgb, for colouring millions of pixels per update.
#include <QRgb>

namespace tconv::ui {

// t in [-1, 1] on the diverging cool-warm map; 0 is the neutral grey.
QRgb divergingColor(float t);
// t in [0, 1] on viridis.
QRgb sequentialColor(float t);

// The 256-entry tables themselves (index 0 = t of -1 resp. 0, 255 = +1 resp. 1).
const QRgb* divergingLut();
const QRgb* sequentialLut();

}  // namespace tconv::ui
