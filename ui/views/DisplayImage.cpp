// SPDX-License-Identifier: MIT
#include "views/DisplayImage.h"

#include <QtConcurrent/QtConcurrentMap>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "views/ColorLut.h"

namespace tconv::ui {
namespace {

inline int to8(float v, float lo, float scale) {
    const float x = (v - lo) * scale;
    if (!(x > 0.0f)) return 0;  // also NaN
    if (x >= 255.0f) return 255;
    return static_cast<int>(x + 0.5f);
}

// Per-channel rounded mean of four RGB32 pixels, two channels per 32-bit lane
// pair at a time (each lane sums to at most 4 * 255, no overflow).
inline QRgb average4(QRgb a, QRgb b, QRgb c, QRgb d) {
    constexpr uint32_t m = 0x00ff00ffu;
    const uint32_t lo = (a & m) + (b & m) + (c & m) + (d & m) + 0x00020002u;
    const uint32_t hi = ((a >> 8) & m) + ((b >> 8) & m) + ((c >> 8) & m) + ((d >> 8) & m) + 0x00020002u;
    return 0xff000000u | ((lo >> 2) & m) | (((hi >> 2) & m) << 8);
}

// The image of `level` in `old` when it can be written in place (same size and
// nobody else, e.g. a view, still shares it), else a new one. Reusing the
// previous result's images saves allocating (and page-faulting) megabytes per update.
QImage recycled(QVector<QImage>& old, int level, QSize size) {
    if (level < old.size()) {
        QImage img = std::move(old[level]);
        old[level] = QImage();
        if (img.size() == size && img.format() == QImage::Format_RGB32 && img.isDetached()) return img;
    }
    return QImage(size, QImage::Format_RGB32);
}

// 2x2 box average of an RGB32 image (the last odd row/column is averaged with itself).
QImage halve(const QImage& src, QImage dst) {
    const int sw = src.width(), sh = src.height();
    const int w = std::max(1, (sw + 1) / 2), h = std::max(1, (sh + 1) / 2);
    if (dst.size() != QSize(w, h)) dst = QImage(w, h, QImage::Format_RGB32);
    uchar* dbits = dst.bits();  // detaches once, here, not per row in the workers
    const qsizetype dstride = dst.bytesPerLine();
    parallelRows(h, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const QRgb* a = reinterpret_cast<const QRgb*>(src.constScanLine(std::min(2 * y, sh - 1)));
            const QRgb* b = reinterpret_cast<const QRgb*>(src.constScanLine(std::min(2 * y + 1, sh - 1)));
            QRgb* d = reinterpret_cast<QRgb*>(dbits + y * dstride);
            const int full = sw / 2;
            for (int x = 0; x < full; ++x) d[x] = average4(a[2 * x], a[2 * x + 1], b[2 * x], b[2 * x + 1]);
            if (full < w) d[full] = average4(a[sw - 1], a[sw - 1], b[sw - 1], b[sw - 1]);
        }
    });
    return dst;
}

}  // namespace

void parallelRows(int rows, const std::function<void(int, int)>& body) {
    if (rows <= 0) return;
    constexpr int kChunk = 64;
    if (rows <= kChunk) {
        body(0, rows);
        return;
    }
    QVector<std::pair<int, int>> chunks;
    for (int y = 0; y < rows; y += kChunk) chunks.push_back({y, std::min(rows, y + kChunk)});
    QtConcurrent::blockingMap(chunks, [&body](const std::pair<int, int>& c) { body(c.first, c.second); });
}

QImage MipImage::regionImage(const QRect& r) const {
    const QRect c = r.intersected(QRect(QPoint(0, 0), fullSize));
    if (c.isEmpty()) return {};
    if (hasBase()) return base().copy(c);
    if (region) return region(c);
    // No full-resolution data kept (a large photo's views): the source computes the rect.
    if (values && values->hasSource()) return values->render(0, QPointF(c.topLeft()), QSizeF(1, 1), c.size(), mapping);
    return {};
}

int MipImage::levelCount() const {
    if (values) return values->levelCount();
    return std::max(0, static_cast<int>(levels.size()) - 1);
}

int MipImage::levelFor(double devicePixelsPerImagePixel) const {
    int l = 0;
    double scale = devicePixelsPerImagePixel;
    const int n = levelCount();
    while (l < n && scale < 1.0 - 1e-9) {
        scale *= 2.0;
        ++l;
    }
    return l;
}

namespace {

void appendHalvings(MipImage& m, QVector<QImage>&& old = {}) {
    while (m.levels.back().width() > 32 || m.levels.back().height() > 32) {
        const int next = m.levels.size();
        const QSize size((m.levels.back().width() + 1) / 2, (m.levels.back().height() + 1) / 2);
        m.levels.push_back(halve(m.levels.back(), recycled(old, next, size)));
    }
}

// Colour of one plane value: [lo, hi] onto the 256 entries of the map's table
// (diverging: lo..hi = -r..r, so 0 is the middle entry).
struct PlaneColour {
    const QRgb* lut;
    float lo, scale;
    QRgb operator()(float v) const {
        float x = (v - lo) * scale + 0.5f;
        x = x > 0.0f ? x : 0.0f;  // NaN lands here too
        x = x < 255.0f ? x : 255.0f;
        return lut[static_cast<int>(x)];
    }
};

PlaneColour planeColour(bool diverging, float lo, float hi) {
    return {diverging ? divergingLut() : sequentialLut(), lo, 255.0f / std::max(hi - lo, 1e-20f)};
}

}  // namespace

MipImage makeMips(QImage base) {
    MipImage m;
    if (base.isNull()) return m;
    if (base.format() != QImage::Format_RGB32) base = base.convertToFormat(QImage::Format_RGB32);
    m.fullSize = base.size();
    m.levels.push_back(base);
    appendHalvings(m);
    return m;
}

MipImage mipsFromTensor(const Tensor& t, ToneRange range, MipImage recycle) {
    const Shape4 s = t.shape();
    if (t.empty() || s.h <= 0 || s.w <= 0) return {};
    const int h = static_cast<int>(s.h), w = static_cast<int>(s.w);
    std::vector<const float*> planes{t.plane(0, 0)};
    if (s.c >= 3) planes = {t.plane(0, 0), t.plane(0, 1), t.plane(0, 2)};
    MipImage m;
    m.fullSize = QSize(w, h);
    m.mapping = {PixelMapping::Kind::Tone, range.lo, range.hi};
    m.values = ValuePyramid::build(planes, h, w, std::move(recycle.values));
    m.levels = {s.h * s.w <= kEagerPixels ? tensorToImage(t, range) : QImage()};
    return m;
}

MipImage mipsFromPlane(const float* plane, int h, int w, bool diverging, float lo, float hi, MipImage recycle) {
    if (h <= 0 || w <= 0) return {};
    MipImage m;
    m.fullSize = QSize(w, h);
    m.mapping = {diverging ? PixelMapping::Kind::Diverging : PixelMapping::Kind::Sequential, lo, hi};
    m.values = ValuePyramid::build({plane}, h, w, std::move(recycle.values));
    m.levels = {qint64(h) * w <= kEagerPixels ? planeRegion(plane, w, diverging, lo, hi, QRect(0, 0, w, h)) : QImage()};
    return m;
}

QImage tensorRegion(const Tensor& t, ToneRange range, const QRect& r) {
    const Shape4 s = t.shape();
    QImage img(r.size(), QImage::Format_RGB32);
    const float scale = 255.0f / std::max(range.hi - range.lo, 1e-20f);
    const bool color = s.c >= 3;
    const float* pr = t.plane(0, 0);
    const float* pg = color ? t.plane(0, 1) : pr;
    const float* pb = color ? t.plane(0, 2) : pr;
    for (int y = 0; y < r.height(); ++y) {
        QRgb* d = reinterpret_cast<QRgb*>(img.scanLine(y));
        const size_t o = static_cast<size_t>(r.top() + y) * s.w + r.left();
        for (int x = 0; x < r.width(); ++x)
            d[x] =
                qRgb(to8(pr[o + x], range.lo, scale), to8(pg[o + x], range.lo, scale), to8(pb[o + x], range.lo, scale));
    }
    return img;
}

QImage planeRegion(const float* plane, int w, bool diverging, float lo, float hi, const QRect& r) {
    const PlaneColour colour = planeColour(diverging, lo, hi);
    QImage img(r.size(), QImage::Format_RGB32);
    parallelRows(r.height(), [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            QRgb* d = reinterpret_cast<QRgb*>(img.scanLine(y));
            const float* p = plane + static_cast<size_t>(r.top() + y) * w + r.left();
            for (int x = 0; x < r.width(); ++x) d[x] = colour(p[x]);
        }
    });
    return img;
}

ToneRange toneRange(const Tensor& t, ToneMode mode) {
    if (mode == ToneMode::Clamp01 || t.empty()) return {};
    float lo = INFINITY, hi = -INFINITY;
    for (float v : t.storage())
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    if (!(lo <= hi)) return {};
    // Tutorial tensors hold counts (0..10): keep 0 black when all values are >= 0.
    if (lo > 0.0f) lo = 0.0f;
    if (hi - lo < 1e-12f) hi = lo + 1.0f;
    return {lo, hi};
}

QImage tensorToImage(const Tensor& t, ToneRange range) {
    const Shape4 s = t.shape();
    if (t.empty() || s.h <= 0 || s.w <= 0) return {};
    const int h = static_cast<int>(s.h), w = static_cast<int>(s.w);
    QImage img(w, h, QImage::Format_RGB32);
    const float scale = 255.0f / std::max(range.hi - range.lo, 1e-20f);
    const bool color = s.c >= 3;
    const float* r = t.plane(0, 0);
    const float* g = color ? t.plane(0, 1) : r;
    const float* b = color ? t.plane(0, 2) : r;
    parallelRows(h, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            QRgb* d = reinterpret_cast<QRgb*>(img.scanLine(y));
            const size_t o = static_cast<size_t>(y) * w;
            for (int x = 0; x < w; ++x)
                d[x] = qRgb(to8(r[o + x], range.lo, scale), to8(g[o + x], range.lo, scale),
                            to8(b[o + x], range.lo, scale));
        }
    });
    return img;
}

QImage divergingImage(const float* plane, int h, int w, float range) {
    QImage img(w, h, QImage::Format_RGB32);
    const float inv = 1.0f / std::max(range, 1e-20f);
    parallelRows(h, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            QRgb* d = reinterpret_cast<QRgb*>(img.scanLine(y));
            const float* p = plane + static_cast<size_t>(y) * w;
            for (int x = 0; x < w; ++x) d[x] = divergingColor(p[x] * inv);
        }
    });
    return img;
}

QImage sequentialImage(const float* plane, int h, int w, float lo, float hi) {
    QImage img(w, h, QImage::Format_RGB32);
    const float inv = 1.0f / std::max(hi - lo, 1e-20f);
    parallelRows(h, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            QRgb* d = reinterpret_cast<QRgb*>(img.scanLine(y));
            const float* p = plane + static_cast<size_t>(y) * w;
            for (int x = 0; x < w; ++x) d[x] = sequentialColor((p[x] - lo) * inv);
        }
    });
    return img;
}

Tensor imageToTensor(const QImage& image) {
    if (image.isNull()) return {};
    const bool grey = image.isGrayscale();
    const bool alpha = image.hasAlphaChannel();
    const int c = grey && !alpha ? 1 : (alpha ? 4 : 3);
    const QImage src = image.convertToFormat(alpha ? QImage::Format_ARGB32 : QImage::Format_RGB32);
    const int h = src.height(), w = src.width();
    Tensor t(Shape4{1, c, h, w});
    for (int y = 0; y < h; ++y) {
        const QRgb* line = reinterpret_cast<const QRgb*>(src.constScanLine(y));
        for (int x = 0; x < w; ++x) {
            const QRgb p = line[x];
            if (c == 1) {
                t.at(0, 0, y, x) = qRed(p) / 255.0f;
                continue;
            }
            t.at(0, 0, y, x) = qRed(p) / 255.0f;
            t.at(0, 1, y, x) = qGreen(p) / 255.0f;
            t.at(0, 2, y, x) = qBlue(p) / 255.0f;
            if (c == 4) t.at(0, 3, y, x) = qAlpha(p) / 255.0f;
        }
    }
    return t;
}

void channelMean(const Tensor& t, std::vector<float>& out) {
    const Shape4 s = t.shape();
    const size_t n = static_cast<size_t>(s.h * s.w);
    out.resize(n);
    if (s.c <= 0) return;
    const float inv = 1.0f / static_cast<float>(s.c);
    parallelRows(static_cast<int>(s.h), [&](int y0, int y1) {
        const size_t a = static_cast<size_t>(y0) * s.w, b = static_cast<size_t>(y1) * s.w;
        for (size_t i = a; i < b; ++i) {
            float acc = 0.0f;
            for (int64_t c = 0; c < s.c; ++c) acc += t.plane(0, c)[i];
            out[i] = acc * inv;
        }
    });
}

}  // namespace tconv::ui
