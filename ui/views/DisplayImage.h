// SPDX-License-Identifier: MIT
#pragma once
// Turning float tensors into something a view can draw: level 0 as 8-bit
// pixels (eager for small images, on demand for the visible part of large
// ones) and, for zooming out, a pyramid of area-averaged *values*
// (ValuePyramid) that the view colours after reducing, so a zoomed-out view
// averages the data instead of aliasing or mixing colours, which would fake or
// hide exactly the artifacts this tool shows. Pyramids are built on the
// compute worker, split over rows.
#include <QImage>
#include <QVector>
#include <functional>
#include <memory>

#include "document/StudioParams.h"
#include "views/ValuePyramid.h"
#include "core/Tensor.h"

namespace tconv::ui {

struct ToneRange {
    float lo = 0.0f;
    float hi = 1.0f;
};

// Large images keep no full-resolution level: the worker makes levels 1..n
// (half size and below) straight from the floats, and a view renders the
// visible part of level 0 on demand through `region` (attached on the GUI
// side, where the data's lifetime is known). That keeps a parameter change
// from converting millions of pixels nobody looks at.
struct MipImage {
    QVector<QImage> levels;  // levels[0] is full resolution, or null when lazy
    QSize fullSize;
    std::function<QImage(const QRect&)> region;  // level-0 pixels of a rect (lazy images)
    // Reduced levels as values, coloured by `mapping` when drawn (images made
    // from floats); without it, levels[1..] are colour halvings (makeMips).
    std::shared_ptr<ValuePyramid> values;
    PixelMapping mapping;

    bool isNull() const { return fullSize.isEmpty(); }
    QSize size() const { return fullSize; }
    bool hasBase() const { return !levels.isEmpty() && !levels[0].isNull(); }
    const QImage& base() const { return levels[0]; }
    // Level-0 pixels of `r` (clipped to the image); from the base or the region function.
    QImage regionImage(const QRect& r) const;
    int levelCount() const;  // reduced levels available: 1..levelCount()
    // The finest level whose pixels are at least one device pixel (0 when the
    // view magnifies or shows full resolution): a finer one would have to be
    // sampled below its resolution and alias. 0 means "draw level 0" (through
    // regionImage when lazy).
    int levelFor(double devicePixelsPerImagePixel) const;
};

// Images up to this many pixels get an eager level 0.
inline constexpr qint64 kEagerPixels = 1 << 20;

MipImage makeMips(QImage base);
// From floats: an eager pyramid for small images, levels >= 1 for large ones.
// `recycle`: the previous images of this view, reused when no one else holds them.
MipImage mipsFromTensor(const Tensor& t, ToneRange range, MipImage recycle = {});
MipImage mipsFromPlane(const float* plane, int h, int w, bool diverging, float lo, float hi, MipImage recycle = {});
// Level-0 regions, for MipImage::region.
QImage tensorRegion(const Tensor& t, ToneRange range, const QRect& r);
QImage planeRegion(const float* plane, int w, bool diverging, float lo, float hi, const QRect& r);

// Clamp01: [0, 1]; AutoRange: the data's finite min..max (a flat image gets a unit range).
ToneRange toneRange(const Tensor& t, ToneMode mode);

// 1 channel: grey; 3: RGB; 4: RGB (alpha shown as its own channel would hide
// the colour, so it is ignored for display); 2: first channel.
QImage tensorToImage(const Tensor& t, ToneRange range);
// value / range mapped to [-1, 1] on the diverging map.
QImage divergingImage(const float* plane, int h, int w, float range);
// (value - lo) / (hi - lo) on the sequential map.
QImage sequentialImage(const float* plane, int h, int w, float lo, float hi);

// (1, C, H, W) from an image: grey images give 1 channel, others RGB (3) or
// RGBA (4) when the image has alpha; values / 255.
Tensor imageToTensor(const QImage& image);

// Mean over channels of one (1, C, H, W) tensor into `out` (H*W).
void channelMean(const Tensor& t, std::vector<float>& out);

// Runs body(firstRow, endRow) on row chunks in the global thread pool.
void parallelRows(int rows, const std::function<void(int, int)>& body);

}  // namespace tconv::ui
