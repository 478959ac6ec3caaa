// SPDX-License-Identifier: MIT
#pragma once
// Where the Input view draws the input in the output's frame (world units =
// output pixels): input pixel i lands at output position i * s - p per axis
// (the first tap of its footprint), so each input pixel is an s x s block with
// its top-left at (i * s - p). The full (uncropped) transposed convolution spans
// [-p, (n - 1) * s + d * (k - 1) + 1 - p); padding crops p from each end and
// output padding adds rows and columns at the far end.
#include <QPointF>
#include <QRectF>
#include <QVector>

#include "views/ImageView.h"
#include "core/ConvParams.h"
#include "core/Tensor.h"

namespace tconv::ui {

struct InputPlacement {
    QSizeF pixelSize;  // world units per input pixel: (s_w, s_h)
    QPointF origin;    // world position of input pixel (0, 0)'s top-left: (-p_w, -p_h)
};

InputPlacement inputPlacement(const ConvParams& g);

// The uncropped output of an in.h x in.w input, in world units.
QRectF uncroppedOutput(const ConvParams& g, const Shape4& in);

// Ghosted regions for the Input view: what padding crops from the uncropped
// output (outside [0, out.h) x [0, out.w)), and the output-padding rows and
// columns at the far end of the output.
QVector<ViewGhost> outputFrameGhosts(const ConvParams& g, const Shape4& in, const Shape4& out);

}  // namespace tconv::ui
