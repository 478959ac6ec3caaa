// SPDX-License-Identifier: MIT
#pragma once
// The data of a view image reduced before it is coloured: levels of 2x2 area
// averages of the float values (level k = 2^k x 2^k blocks of the full image).
// A zoomed-out view draws from the first level whose pixels are at least as
// large as a screen pixel, interpolating values, and colours the result last.
// Averaging colours instead would invent colours (a +/- checkerboard on the
// diverging map turns purple, which is not on the colour bar), and drawing a
// level finer than the screen aliases a 2-pixel pattern into a coarse grid
// that is not in the data.
#include <QImage>
#include <QPointF>
#include <QRect>
#include <QSize>
#include <functional>
#include <memory>
#include <vector>

namespace tconv::ui {

// How values become colours: Tone maps lo..hi to black..white per channel
// (1 channel grey, 3 RGB); Diverging and Sequential map lo..hi onto the
// 256-entry tables of ColorLut (diverging: lo = -r, hi = r, 0 in the middle).
struct PixelMapping {
    enum class Kind { Tone, Diverging, Sequential };
    Kind kind = Kind::Tone;
    float lo = 0.0f, hi = 1.0f;
    bool operator==(const PixelMapping& o) const { return kind == o.kind && lo == o.lo && hi == o.hi; }
};

// Level `level` (0 = full resolution) of the values over `rect` (level pixels):
// `channels` planes of rect.width() * rect.height() values into `planes`.
using LevelSource = std::function<void(int level, const QRect& rect, std::vector<float>& planes)>;

// The values of one level over a rectangle, as a source computed them: what a
// view's worker (LevelTiles) hands the GUI thread to draw a finer level from.
struct LevelPatch {
    int level = 0;
    QRect rect;                 // in level pixels
    std::vector<float> planes;  // channels() planes of rect.width() * rect.height()
};

class ValuePyramid {
public:
    // Levels 1.. of `planes` (each h x w, row-major; 1 or 3 channels) until the
    // level fits in 8 x 8. `recycle`: a previous pyramid nobody else holds, whose
    // buffers are reused.
    static std::shared_ptr<ValuePyramid> build(const std::vector<const float*>& planes, int h, int w,
                                               std::shared_ptr<ValuePyramid> recycle = {});

    // For data too large to hold at full resolution (a large photo's views):
    // level `stored` and coarser are kept (from `source` over the whole image,
    // then halved); finer levels, level 0 included, are asked of `source` for
    // the part a view draws, so their cost follows what is on screen.
    static std::shared_ptr<ValuePyramid> fromSource(int h, int w, int channels, int stored, LevelSource source);

    // Reduced levels: 1..levelCount() (those finer than storedLevel() come from the source).
    int levelCount() const { return firstStored_ - 1 + static_cast<int>(levels_.size()); }
    int channels() const { return channels_; }
    int storedLevel() const { return firstStored_; }
    bool hasSource() const { return static_cast<bool>(source_); }
    QSize levelSize(int level) const;
    const float* plane(int level, int channel) const;  // stored levels only

    // `target` device pixels; pixel (i, j) is the bilinear interpolation of the
    // level's values at level coordinates (origin + (i + 0.5, j + 0.5) * step),
    // in units of level pixels with pixel k covering [k, k + 1), then coloured.
    // Level 0 (and levels finer than storedLevel()) only with a source: read
    // from `patch` when given (null image when it does not cover footprint()),
    // else computed by the source here, on the calling thread.
    QImage render(int level, QPointF origin, QSizeF step, QSize target, const PixelMapping& mapping,
                  const LevelPatch* patch = nullptr) const;
    // The level pixels render() reads for these arguments.
    QRect footprint(int level, QPointF origin, QSizeF step, QSize target) const;
    // The source's values of `level` over `rect` (clipped to the level); thread-safe
    // as the source is (the studio's sources are const computations).
    LevelPatch fetch(int level, const QRect& rect) const;
    // Full-resolution values (one per channel) at pixel (x, y), computed by the
    // source for that pixel alone; empty without a source or outside the image.
    std::vector<float> valueAt(int x, int y) const;

private:
    struct Level {
        int w = 0, h = 0;
        std::vector<float> data;  // channels_ planes of w * h
    };
    std::vector<Level> levels_;  // levels_[0] is level firstStored_
    int channels_ = 1;
    int firstStored_ = 1;
    int fullW_ = 0, fullH_ = 0;
    LevelSource source_;
};

}  // namespace tconv::ui
