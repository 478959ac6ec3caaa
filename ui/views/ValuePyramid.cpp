// SPDX-License-Identifier: MIT
#include "views/ValuePyramid.h"

#include <algorithm>
#include <cmath>

#include "views/ColorLut.h"
#include "views/DisplayImage.h"

namespace tconv::ui {
namespace {

// Row y of the 2x2 means of a plane (an odd last row/column is averaged with
// itself, so every level pixel is the mean of the full-resolution pixels it
// covers).
inline void halveRow(const float* src, int sh, int sw, int y, float* __restrict d, int dw) {
    const float* a = src + static_cast<size_t>(std::min(2 * y, sh - 1)) * sw;
    const float* b = src + static_cast<size_t>(std::min(2 * y + 1, sh - 1)) * sw;
    const int full = sw / 2;
    for (int x = 0; x < full; ++x) d[x] = ((a[2 * x] + a[2 * x + 1]) + (b[2 * x] + b[2 * x + 1])) * 0.25f;
    if (full < dw) d[full] = 0.5f * (a[sw - 1] + b[sw - 1]);
}

void halvePlane(const float* src, int sh, int sw, float* dst, int dh, int dw) {
    parallelRows(dh, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) halveRow(src, sh, sw, y, dst + static_cast<size_t>(y) * dw, dw);
    });
}

// Two halvings in one pass: each row of the second level right after the two
// rows of the first it reads, while they are in cache. The first level is
// then read from memory once less (a 2048x2048 plane: 4 of ~25 MB moved);
// the values are those of two halvePlane calls.
void halvePlaneTwice(const float* src, int sh, int sw, float* mid, int mh, int mw, float* dst, int dh, int dw) {
    parallelRows(dh, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            for (int m = 2 * y; m < std::min(2 * y + 2, mh); ++m)
                halveRow(src, sh, sw, m, mid + static_cast<size_t>(m) * mw, mw);
            halveRow(mid, mh, mw, y, dst + static_cast<size_t>(y) * dw, dw);
        }
    });
}

inline int toneByte(float v, float lo, float scale) {
    const float x = (v - lo) * scale + 0.5f;
    if (!(x > 0.0f)) return 0;  // also NaN
    return x >= 255.0f ? 255 : static_cast<int>(x);
}

// Per target column (or row): the two level indices and the weight of the second.
struct Taps {
    std::vector<int> i0, i1;
    std::vector<float> f;
};

Taps taps(int n, double origin, double step, int size) {
    Taps t;
    t.i0.resize(size_t(n));
    t.i1.resize(size_t(n));
    t.f.resize(size_t(n));
    for (int i = 0; i < n; ++i) {
        const double u = origin + (i + 0.5) * step - 0.5;  // in pixel-centre coordinates
        const double fl = std::floor(u);
        const int a = static_cast<int>(fl);
        t.i0[size_t(i)] = std::clamp(a, 0, size - 1);
        t.i1[size_t(i)] = std::clamp(a + 1, 0, size - 1);
        t.f[size_t(i)] = static_cast<float>(u - fl);
    }
    return t;
}

}  // namespace

std::shared_ptr<ValuePyramid> ValuePyramid::build(const std::vector<const float*>& planes, int h, int w,
                                                  std::shared_ptr<ValuePyramid> recycle) {
    auto p = recycle && recycle.use_count() == 1 ? std::move(recycle) : std::make_shared<ValuePyramid>();
    p->channels_ = static_cast<int>(planes.size());
    p->firstStored_ = 1;
    p->fullW_ = w;
    p->fullH_ = h;
    p->source_ = {};
    size_t count = 0;
    for (int lw = w, lh = h; lw > 8 || lh > 8;) {
        lw = (lw + 1) / 2;
        lh = (lh + 1) / 2;
        ++count;
    }
    p->levels_.resize(count);
    int sw = w, sh = h;
    for (size_t l = 0; l < count; ++l) {
        Level& lv = p->levels_[l];
        lv.w = (sw + 1) / 2;
        lv.h = (sh + 1) / 2;
        lv.data.resize(static_cast<size_t>(lv.w) * lv.h * p->channels_);
        sw = lv.w;
        sh = lv.h;
    }
    auto planeOf = [&](size_t index, int c) {  // levels_[index] is level index + 1
        Level& lv = p->levels_[index];
        return lv.data.data() + static_cast<size_t>(c) * lv.w * lv.h;
    };
    for (size_t l = 0; l < count; l += 2) {  // two levels per pass (one when a single one is left)
        const Level& lv = p->levels_[l];
        const int srcW = l == 0 ? w : p->levels_[l - 1].w, srcH = l == 0 ? h : p->levels_[l - 1].h;
        const bool twice = l + 1 < count;
        for (int c = 0; c < p->channels_; ++c) {
            const float* src = l == 0 ? planes[size_t(c)] : planeOf(l - 1, c);
            if (twice) {
                const Level& next = p->levels_[l + 1];
                halvePlaneTwice(src, srcH, srcW, planeOf(l, c), lv.h, lv.w, planeOf(l + 1, c), next.h, next.w);
            } else {
                halvePlane(src, srcH, srcW, planeOf(l, c), lv.h, lv.w);
            }
        }
    }
    return p;
}

std::shared_ptr<ValuePyramid> ValuePyramid::fromSource(int h, int w, int channels, int stored, LevelSource source) {
    auto p = std::make_shared<ValuePyramid>();
    p->channels_ = channels;
    p->fullW_ = w;
    p->fullH_ = h;
    p->firstStored_ = std::max(stored, 1);
    p->source_ = std::move(source);
    const QSize first = p->levelSize(p->firstStored_);
    Level top;
    top.w = first.width();
    top.h = first.height();
    p->source_(p->firstStored_, QRect(0, 0, top.w, top.h), top.data);
    top.data.resize(static_cast<size_t>(top.w) * top.h * channels);  // the source may give more channels
    p->levels_.push_back(std::move(top));
    while (p->levels_.back().w > 8 || p->levels_.back().h > 8) {
        const Level& src = p->levels_.back();
        Level lv;
        lv.w = (src.w + 1) / 2;
        lv.h = (src.h + 1) / 2;
        lv.data.resize(static_cast<size_t>(lv.w) * lv.h * channels);
        for (int c = 0; c < channels; ++c)
            halvePlane(src.data.data() + static_cast<size_t>(c) * src.w * src.h, src.h, src.w,
                       lv.data.data() + static_cast<size_t>(c) * lv.w * lv.h, lv.h, lv.w);
        p->levels_.push_back(std::move(lv));
    }
    return p;
}

QSize ValuePyramid::levelSize(int level) const {
    if (level >= firstStored_ && level - firstStored_ < static_cast<int>(levels_.size())) {
        const Level& l = levels_[size_t(level - firstStored_)];
        return {l.w, l.h};
    }
    int w = fullW_, h = fullH_;
    for (int i = 0; i < level; ++i) {
        w = (w + 1) / 2;
        h = (h + 1) / 2;
    }
    return {w, h};
}

const float* ValuePyramid::plane(int level, int channel) const {
    const Level& l = levels_[size_t(level - firstStored_)];
    return l.data.data() + static_cast<size_t>(channel) * l.w * l.h;
}

QRect ValuePyramid::footprint(int level, QPointF origin, QSizeF step, QSize target) const {
    if (target.isEmpty()) return {};
    const QSize size = levelSize(level);
    const Taps tx = taps(target.width(), origin.x(), step.width(), size.width());
    const Taps ty = taps(target.height(), origin.y(), step.height(), size.height());
    // Taps grow with the target index (a positive step): the first and last bound them.
    return QRect(QPoint(tx.i0.front(), ty.i0.front()), QPoint(tx.i1.back(), ty.i1.back()));
}

LevelPatch ValuePyramid::fetch(int level, const QRect& rect) const {
    LevelPatch patch;
    patch.level = level;
    patch.rect = rect.intersected(QRect(QPoint(0, 0), levelSize(level)));
    if (source_ && !patch.rect.isEmpty()) source_(level, patch.rect, patch.planes);
    patch.planes.resize(static_cast<size_t>(patch.rect.width()) * patch.rect.height() * channels_);
    return patch;
}

std::vector<float> ValuePyramid::valueAt(int x, int y) const {
    if (!source_ || x < 0 || y < 0 || x >= fullW_ || y >= fullH_) return {};
    return fetch(0, QRect(x, y, 1, 1)).planes;
}

QImage ValuePyramid::render(int level, QPointF origin, QSizeF step, QSize target, const PixelMapping& m,
                            const LevelPatch* given) const {
    const bool fromSource = level < firstStored_;
    if (level < 0 || level > levelCount() || target.isEmpty() || (fromSource && !source_ && !given)) return {};
    const QSize size = levelSize(level);
    Taps tx = taps(target.width(), origin.x(), step.width(), size.width());
    Taps ty = taps(target.height(), origin.y(), step.height(), size.height());
    // The values the taps read: a stored level, or a patch of a finer one.
    LevelPatch computed;
    int stride = size.width();
    std::vector<const float*> planes(static_cast<size_t>(channels_));
    if (fromSource) {
        const QRect rect(QPoint(tx.i0.front(), ty.i0.front()), QPoint(tx.i1.back(), ty.i1.back()));
        if (given && (given->level != level || !given->rect.contains(rect))) return {};
        if (!given) computed = fetch(level, rect);
        const LevelPatch& patch = given ? *given : computed;
        const QRect at = patch.rect;
        for (auto* v : {&tx.i0, &tx.i1})
            for (int& i : *v) i -= at.left();
        for (auto* v : {&ty.i0, &ty.i1})
            for (int& i : *v) i -= at.top();
        stride = at.width();
        for (int c = 0; c < channels_; ++c)
            planes[size_t(c)] = patch.planes.data() + static_cast<size_t>(c) * at.width() * at.height();
    } else {
        for (int c = 0; c < channels_; ++c) planes[size_t(c)] = plane(level, c);
    }
    QImage img(target, QImage::Format_RGB32);
    const float scale = 255.0f / std::max(m.hi - m.lo, 1e-20f);
    const QRgb* lut = m.kind == PixelMapping::Kind::Diverging ? divergingLut() : sequentialLut();
    const int channels = m.kind == PixelMapping::Kind::Tone ? std::min(channels_, 3) : 1;
    uchar* bits = img.bits();
    const qsizetype bpl = img.bytesPerLine();
    parallelRows(target.height(), [&](int j0, int j1) {
        std::vector<float> row(size_t(target.width()) * size_t(channels));
        for (int j = j0; j < j1; ++j) {
            const size_t r0 = size_t(ty.i0[size_t(j)]) * stride, r1 = size_t(ty.i1[size_t(j)]) * stride;
            const float fy = ty.f[size_t(j)];
            for (int c = 0; c < channels; ++c) {
                const float* p = planes[size_t(c)];
                float* out = row.data() + size_t(c) * target.width();
                for (int i = 0; i < target.width(); ++i) {
                    const int a = tx.i0[size_t(i)], b = tx.i1[size_t(i)];
                    const float fx = tx.f[size_t(i)];
                    const float top = p[r0 + a] + fx * (p[r0 + b] - p[r0 + a]);
                    const float bottom = p[r1 + a] + fx * (p[r1 + b] - p[r1 + a]);
                    out[i] = top + fy * (bottom - top);
                }
            }
            QRgb* d = reinterpret_cast<QRgb*>(bits + j * bpl);
            const int n = target.width();
            if (m.kind != PixelMapping::Kind::Tone) {
                for (int i = 0; i < n; ++i) d[i] = lut[toneByte(row[size_t(i)], m.lo, scale)];
            } else if (channels == 1) {
                for (int i = 0; i < n; ++i) {
                    const int g = toneByte(row[size_t(i)], m.lo, scale);
                    d[i] = qRgb(g, g, g);
                }
            } else {
                for (int i = 0; i < n; ++i)
                    d[i] = qRgb(toneByte(row[size_t(i)], m.lo, scale), toneByte(row[size_t(n + i)], m.lo, scale),
                                toneByte(row[size_t(2 * n + i)], m.lo, scale));
            }
        }
    });
    return img;
}

}  // namespace tconv::ui
