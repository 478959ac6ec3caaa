// SPDX-License-Identifier: MIT
#include "views/ImageView.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace tconv::ui {
namespace {

constexpr double kGridMinCell = 8.0;  // logical px per pixel before the grid appears
constexpr double kValueMinCellW = 26.0;
constexpr double kValueMinCellH = 16.0;

// The value with as many significant digits (4 at most) as fit in `width`
// pixels, or empty when not even one does: a number spilling into the
// neighbouring cells would be read as theirs.
QString valueText(float v, const QFontMetrics& fm, double width) {
    auto fits = [&](const QString& t) { return fm.horizontalAdvance(t) <= width; };
    if (!std::isfinite(v)) return fits(QStringLiteral("nan")) ? QStringLiteral("nan") : QString();
    if (v == std::round(v) && std::abs(v) < 1e6f) {
        const QString t = QString::number(static_cast<double>(v), 'f', 0);
        return fits(t) ? t : QString();
    }
    for (int digits = 4; digits >= 1; --digits) {
        const QString t = QString::number(static_cast<double>(v), 'g', digits);
        if (fits(t)) return t;
    }
    return {};
}

}  // namespace

ImageView::ImageView(ViewSync* sync, QWidget* parent) : QWidget(parent), sync_(sync) {
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setCursor(Qt::OpenHandCursor);
    setFocusPolicy(Qt::ClickFocus);
    connect(sync_, &ViewSync::changed, this, qOverload<>(&QWidget::update));
    connect(&tiles_, &LevelTiles::arrived, this, qOverload<>(&QWidget::update));
}

void ImageView::keepTilesOfShownImages() {
    tiles_.keepOnly({image_.values.get(), split_ ? imageB_.values.get() : nullptr});
}

void ImageView::setImage(const MipImage& image, QSizeF worldPerPixel, QPointF origin) {
    reducedCache_ = {};
    image_ = image;
    worldPerPixel_ = worldPerPixel;
    origin_ = origin;
    keepTilesOfShownImages();
    update();
}

void ImageView::setSplitImage(const MipImage& image, const QString& labelA, const QString& labelB) {
    reducedCache_ = {};
    imageB_ = image;
    labelA_ = labelA;
    labelB_ = labelB;
    split_ = true;
    keepTilesOfShownImages();
    update();
}

void ImageView::clearSplit() {
    split_ = false;
    imageB_ = {};
    keepTilesOfShownImages();
    update();
}

void ImageView::setSplitFraction(double f) {
    splitFrac_ = std::clamp(f, 0.0, 1.0);
    update();
}

void ImageView::setValues(std::shared_ptr<const Tensor> values) {
    values_ = std::move(values);
    update();
}

void ImageView::setShowValues(bool on) {
    showValues_ = on;
    update();
}

void ImageView::setShowGrid(bool on) {
    showGrid_ = on;
    update();
}

// Unchanged marks repaint nothing: every edit clears the highlights of all
// views (the reset path), and four full repaints of the old result then ran
// beside the new result's job (~5 ms of the GUI thread per edit at 1 MP).
void ImageView::setHighlights(const QVector<ViewHighlight>& h) {
    if (highlights_ == h) return;
    highlights_ = h;
    update();
}

void ImageView::setMessage(const QString& message) {
    if (message_ == message) return;
    message_ = message;
    update();
}

double ImageView::zoom() const { return sync_->effectiveZoom(); }

QPointF ImageView::center() const { return sync_->effectiveCenter(); }

QPointF ImageView::worldAt(QPointF pos) const {
    return (pos - QPointF(width() / 2.0, height() / 2.0)) / zoom() + center();
}

QPointF ImageView::widgetPosOfWorld(QPointF world) const {
    return (world - center()) * zoom() + QPointF(width() / 2.0, height() / 2.0);
}

QPointF ImageView::worldOfPixel(QPointF pixel) const {
    return origin_ + QPointF(pixel.x() * worldPerPixel_.width(), pixel.y() * worldPerPixel_.height());
}

void ImageView::setGhosts(const QVector<ViewGhost>& ghosts) {
    if (ghosts_ == ghosts) return;
    ghosts_ = ghosts;
    update();
}

QPoint ImageView::pixelAt(QPointF pos) const {
    const QPointF w = worldAt(pos) - origin_;
    return QPoint(static_cast<int>(std::floor(w.x() / worldPerPixel_.width())),
                  static_cast<int>(std::floor(w.y() / worldPerPixel_.height())));
}

QRectF ImageView::imageRectOnScreen(const MipImage& img) const {
    const QSize s = img.size();
    return QRectF(widgetPosOfWorld(worldOfPixel(QPointF(0, 0))),
                  widgetPosOfWorld(worldOfPixel(QPointF(s.width(), s.height()))));
}

QColor ImageView::backgroundColor() const {
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    return dark ? QColor(0x26, 0x27, 0x2b) : QColor(0xdc, 0xdd, 0xe1);
}

void ImageView::drawImage(QPainter& p, const MipImage& img, const QRectF& clip) const {
    if (img.isNull()) return;
    p.save();
    p.setClipRect(clip);
    const double devicePerPixel =
        zoom() * std::min(worldPerPixel_.width(), worldPerPixel_.height()) * devicePixelRatioF();
    const int level = img.levelFor(devicePerPixel);
    // A level a source computes (a large photo's finer levels, full resolution
    // included) is requested from the view's worker; until it arrives the
    // finest coarser level at hand is drawn, magnified. Levels from
    // storedLevel() on are always at hand, so the loop ends there at the latest.
    const int last = std::max(level, img.levelCount());
    for (int l = level; l <= last; ++l) {
        const bool drawn =
            l == 0 ? drawFullResolution(p, img, clip, true) : !img.values || drawReduced(p, img, l, clip, l == level);
        if (drawn) break;
    }
    if (level > 0 && !img.values) {
        // Minified colour halvings (previews): the level no finer than the screen, then bilinear.
        p.setRenderHint(QPainter::SmoothPixmapTransform, true);
        p.drawImage(imageRectOnScreen(img), img.levels[level]);
    }
    p.restore();
}

const LevelPatch* ImageView::patchFor(const MipImage& img, int level, const QRect& footprint, bool ask) const {
    const LevelPatch* patch = tiles_.find(img.values.get(), level, footprint);
    if (!patch && ask) tiles_.request(img.values, level, footprint);
    return patch;
}

bool ImageView::drawFullResolution(QPainter& p, const MipImage& img, const QRectF& clip, bool ask) const {
    // Only the visible pixels of full resolution, nearest neighbour when
    // magnified: exact cells at any zoom (and a lazy image converts just these).
    const double sx = worldPerPixel_.width(), sy = worldPerPixel_.height();
    const double devicePerPixel = zoom() * std::min(sx, sy) * devicePixelRatioF();
    const QPointF w0 = worldAt(clip.topLeft()) - origin_, w1 = worldAt(clip.bottomRight()) - origin_;
    const QSize s = img.size();
    const int x0 = std::clamp(static_cast<int>(std::floor(w0.x() / sx)), 0, s.width());
    const int y0 = std::clamp(static_cast<int>(std::floor(w0.y() / sy)), 0, s.height());
    const int x1 = std::clamp(static_cast<int>(std::ceil(w1.x() / sx)), 0, s.width());
    const int y1 = std::clamp(static_cast<int>(std::ceil(w1.y() / sy)), 0, s.height());
    if (x1 <= x0 || y1 <= y0) return true;
    const QRect source(x0, y0, x1 - x0, y1 - y0);
    p.setRenderHint(QPainter::SmoothPixmapTransform, devicePerPixel < 1.0);
    const QRectF target(widgetPosOfWorld(worldOfPixel(QPointF(x0, y0))),
                        widgetPosOfWorld(worldOfPixel(QPointF(x1, y1))));
    if (img.hasBase()) {
        p.drawImage(target, img.base(), source);
        return true;
    }
    QImage pixels;
    if (img.region || !img.values || !img.values->hasSource()) {
        pixels = img.regionImage(source);  // converting kept floats: cheap, the visible pixels only
    } else {
        const QPointF at(source.topLeft());
        const LevelPatch* patch = patchFor(img, 0, img.values->footprint(0, at, QSizeF(1, 1), source.size()), ask);
        if (!patch) return false;
        pixels = img.values->render(0, at, QSizeF(1, 1), source.size(), img.mapping, patch);
    }
    p.drawImage(target, pixels);
    visible_ = pixels;
    visibleOrigin_ = source.topLeft();
    return true;
}

bool ImageView::drawReduced(QPainter& p, const MipImage& img, int level, const QRectF& clip, bool ask) const {
    const QRectF area = clip.intersected(imageRectOnScreen(img));
    if (area.isEmpty()) return true;
    if (img.mapping.kind == PixelMapping::Kind::Tone) return drawReducedTone(p, img, level, area, ask);
    // Device pixels 1:1, each the interpolated value of the level (whose pixels
    // are at least one device pixel) at its centre, coloured after: a colour
    // map is not linear, so colours must not be interpolated.
    const double dpr = devicePixelRatioF();
    const QPoint d0(static_cast<int>(std::floor(area.left() * dpr)), static_cast<int>(std::floor(area.top() * dpr)));
    const QPoint d1(static_cast<int>(std::ceil(area.right() * dpr)), static_cast<int>(std::ceil(area.bottom() * dpr)));
    const QSize target(d1.x() - d0.x(), d1.y() - d0.y());
    if (target.isEmpty()) return true;
    const double f = std::ldexp(1.0, level);
    const double sx = worldPerPixel_.width(), sy = worldPerPixel_.height();
    const QPointF topLeft(d0.x() / dpr, d0.y() / dpr);
    const QPointF w0 = worldAt(topLeft) - origin_;
    const ReducedDrawKey key{img.values.get(),
                             level,
                             QPointF(w0.x() / sx / f, w0.y() / sy / f),
                             QSizeF(1.0 / (zoom() * sx * dpr * f), 1.0 / (zoom() * sy * dpr * f)),
                             target,
                             img.mapping};
    QImage out;
    for (const auto& [k, cached] : reducedCache_)
        if (k == key) out = cached;
    if (out.isNull()) {
        const LevelPatch* patch = nullptr;
        if (level < img.values->storedLevel()) {
            patch = patchFor(img, level, img.values->footprint(level, key.origin, key.step, target), ask);
            if (!patch) return false;
        }
        out = img.values->render(level, key.origin, key.step, target, img.mapping, patch);
        reducedCache_[reducedNext_] = {key, out};
        reducedNext_ = 1 - reducedNext_;
    }
    out.setDevicePixelRatio(dpr);
    p.drawImage(topLeft, out);
    return true;
}

bool ImageView::drawReducedTone(QPainter& p, const MipImage& img, int level, const QRectF& area, bool ask) const {
    // Grey and RGB tones are linear in the value: the visible level pixels
    // (no more than the screen has) are toned once and magnified bilinearly by
    // the painter, the same as interpolating the values, and cheaper.
    const double f = std::ldexp(1.0, level);
    const double sx = worldPerPixel_.width() * f, sy = worldPerPixel_.height() * f;  // world units per level pixel
    const QSize size = img.values->levelSize(level);
    const QPointF a = worldAt(area.topLeft()) - origin_, b = worldAt(area.bottomRight()) - origin_;
    // One level pixel of margin so the interpolation at the edges sees its neighbours.
    const QRect visible =
        QRect(QPoint(static_cast<int>(std::floor(a.x() / sx)) - 1, static_cast<int>(std::floor(a.y() / sy)) - 1),
              QPoint(static_cast<int>(std::ceil(b.x() / sx)), static_cast<int>(std::ceil(b.y() / sy))))
            .intersected(QRect(QPoint(0, 0), size));
    if (visible.isEmpty()) return true;
    const ReducedDrawKey key{img.values.get(), level,          QPointF(visible.topLeft()),
                             QSizeF(1, 1),     visible.size(), img.mapping};
    QImage out;
    for (const auto& [k, cached] : reducedCache_)
        if (k == key) out = cached;
    if (out.isNull()) {
        const LevelPatch* patch = nullptr;
        if (level < img.values->storedLevel()) {
            patch = patchFor(img, level, img.values->footprint(level, key.origin, key.step, visible.size()), ask);
            if (!patch) return false;
        }
        out = img.values->render(level, key.origin, key.step, visible.size(), img.mapping, patch);
        reducedCache_[reducedNext_] = {key, out};
        reducedNext_ = 1 - reducedNext_;
    }
    const QRectF target(widgetPosOfWorld(origin_ + QPointF(visible.left() * sx, visible.top() * sy)),
                        widgetPosOfWorld(origin_ + QPointF((visible.right() + 1) * sx, (visible.bottom() + 1) * sy)));
    p.setRenderHint(QPainter::SmoothPixmapTransform, true);
    p.drawImage(target, out);
    return true;
}

bool ImageView::belowDisplayResolution() const {
    return !image_.isNull() &&
           zoom() * std::min(worldPerPixel_.width(), worldPerPixel_.height()) * devicePixelRatioF() < 1.0 - 1e-9;
}

QRgb ImageView::displayedPixel(int x, int y) const {
    if (image_.hasBase()) return image_.base().pixel(x, y);
    const QPoint local = QPoint(x, y) - visibleOrigin_;
    if (visible_.rect().contains(local)) return visible_.pixel(local);
    return qRgb(128, 128, 128);
}

void ImageView::drawGrid(QPainter& p) const {
    const double cx = zoom() * worldPerPixel_.width(), cy = zoom() * worldPerPixel_.height();
    if (!showGrid_ || std::min(cx, cy) < kGridMinCell || image_.isNull()) return;
    const QRectF r = imageRectOnScreen(image_).intersected(QRectF(rect()));
    if (r.isEmpty()) return;
    const QRectF full = imageRectOnScreen(image_);
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    QPen pen(dark ? QColor(0, 0, 0, 110) : QColor(90, 90, 90, 110));
    pen.setCosmetic(true);
    pen.setWidth(0);
    p.setPen(pen);
    const int ix0 = static_cast<int>(std::floor((r.left() - full.left()) / cx));
    const int ix1 = static_cast<int>(std::ceil((r.right() - full.left()) / cx));
    for (int i = ix0; i <= ix1; ++i) {
        const double x = full.left() + i * cx;
        p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()));
    }
    const int iy0 = static_cast<int>(std::floor((r.top() - full.top()) / cy));
    const int iy1 = static_cast<int>(std::ceil((r.bottom() - full.top()) / cy));
    for (int i = iy0; i <= iy1; ++i) {
        const double y = full.top() + i * cy;
        p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y));
    }
}

void ImageView::drawValues(QPainter& p) const {
    // From the values set, else (a large photo without a full-size tensor) from
    // the full-resolution patch the view's worker computed for what is drawn.
    const bool fromPatch = !values_ && image_.values && image_.values->hasSource() &&
                           image_.mapping.kind == PixelMapping::Kind::Tone;  // as small images: the tensors' numbers
    if (!showValues_ || (!values_ && !fromPatch) || image_.isNull()) return;
    const Shape4 s = values_ ? values_->shape()
                             : Shape4{1, image_.values->channels(), image_.size().height(), image_.size().width()};
    if (s.h != image_.size().height() || s.w != image_.size().width()) return;
    const double cx = zoom() * worldPerPixel_.width(), cy = zoom() * worldPerPixel_.height();
    if (cx < kValueMinCellW || cy < kValueMinCellH) return;
    const QRectF full = imageRectOnScreen(image_);
    const QRectF r = full.intersected(QRectF(rect()));
    const int x0 = std::max(0, static_cast<int>(std::floor((r.left() - full.left()) / cx)));
    const int x1 = std::min(static_cast<int>(s.w), static_cast<int>(std::ceil((r.right() - full.left()) / cx)));
    const int y0 = std::max(0, static_cast<int>(std::floor((r.top() - full.top()) / cy)));
    const int y1 = std::min(static_cast<int>(s.h), static_cast<int>(std::ceil((r.bottom() - full.top()) / cy)));
    if (x1 <= x0 || y1 <= y0) return;
    const LevelPatch* patch =
        fromPatch ? tiles_.find(image_.values.get(), 0, QRect(x0, y0, x1 - x0, y1 - y0)) : nullptr;
    if (fromPatch && !patch) return;  // not computed yet: the numbers come with the pixels
    auto valueAt = [&](int c, int y, int x) {
        if (!patch) return values_->at(0, c, y, x);
        const QRect& a = patch->rect;
        return patch->planes[(size_t(c) * a.height() + size_t(y - a.top())) * a.width() + size_t(x - a.left())];
    };
    const int channels = static_cast<int>(std::min<int64_t>(s.c, 4));
    const double fontPx = std::clamp(std::min(cy * 0.3, cx / 3.8), 7.0, 22.0);
    const int lines = (channels > 1 && cy >= channels * fontPx * 1.25 + 4) ? channels : 1;
    QFont f = font();
    f.setPixelSize(static_cast<int>(fontPx));
    p.setFont(f);
    const QFontMetrics fm(f);
    const double textWidth = cx - 4;       // a margin to the grid line on each side
    if (lines * fm.height() > cy) return;  // not even one line fits: no numbers rather than overlapping ones
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) {
            const QRectF cell(full.left() + x * cx, full.top() + y * cy, cx, cy);
            QStringList text;
            for (int c = 0; c < lines; ++c) text << valueText(valueAt(c, y, x), fm, textWidth);
            if (std::all_of(text.begin(), text.end(), [](const QString& t) { return t.isEmpty(); })) continue;
            p.setPen(qGray(displayedPixel(x, y)) > 140 ? QColor(20, 20, 20) : QColor(245, 245, 245));
            p.drawText(cell, Qt::AlignCenter, text.join('\n'));
        }
}

void ImageView::drawMarker(QPainter& p, const ViewHighlight& h) const {
    // The explained pixel: crosshair arms around it, drawn black under white,
    // so it stands out on any colour and at any zoom (a one-pixel outline
    // shrinks to a dot when zoomed out). A gap leaves the pixel itself visible.
    const QRectF r(widgetPosOfWorld(worldOfPixel(QPointF(h.pixels.left(), h.pixels.top()))),
                   widgetPosOfWorld(worldOfPixel(QPointF(h.pixels.right() + 1, h.pixels.bottom() + 1))));
    const QPointF c = r.center();
    const double gapX = std::max(r.width() / 2 + 3, 4.0), gapY = std::max(r.height() / 2 + 3, 4.0);
    constexpr double kArm = 14.0;
    const QLineF arms[] = {{c.x() - gapX - kArm, c.y(), c.x() - gapX, c.y()},
                           {c.x() + gapX, c.y(), c.x() + gapX + kArm, c.y()},
                           {c.x(), c.y() - gapY - kArm, c.x(), c.y() - gapY},
                           {c.x(), c.y() + gapY, c.x(), c.y() + gapY + kArm}};
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(QColor(0, 0, 0), 6, Qt::SolidLine, Qt::FlatCap));
    for (const QLineF& l : arms) p.drawLine(l);
    p.setPen(QPen(QColor(255, 255, 255), 2, Qt::SolidLine, Qt::FlatCap));
    for (const QLineF& l : arms) p.drawLine(l);
    if (std::min(r.width(), r.height()) >= 6) {  // the pixel's own outline once it is big enough to frame
        p.setPen(QPen(QColor(0, 0, 0, 150), 4));
        p.drawRect(r.adjusted(1, 1, -1, -1));
        p.setPen(QPen(h.color, 2));
        p.drawRect(r.adjusted(1, 1, -1, -1));
    }
}

void ImageView::drawHighlights(QPainter& p) const {
    if (highlights_.isEmpty()) return;
    p.setRenderHint(QPainter::Antialiasing, true);
    // One outlined single pixel is the pixel being explained (hovered or
    // pinned): it gets a crosshair. Several are a footprint, outlined each.
    const auto outlined =
        std::count_if(highlights_.begin(), highlights_.end(), [](const ViewHighlight& h) { return !h.filled; });
    for (const ViewHighlight& h : highlights_) {
        if (!h.filled && outlined == 1 && h.pixels.width() == 1 && h.pixels.height() == 1) {
            drawMarker(p, h);
            continue;
        }
        const QRectF r(widgetPosOfWorld(worldOfPixel(QPointF(h.pixels.left(), h.pixels.top()))),
                       widgetPosOfWorld(worldOfPixel(QPointF(h.pixels.right() + 1, h.pixels.bottom() + 1))));
        QColor fill = h.color;
        fill.setAlpha(h.filled ? 70 : 0);
        p.setBrush(fill);
        // A dark halo under the coloured outline keeps it visible on any image.
        p.setPen(QPen(QColor(0, 0, 0, 150), 4));
        p.drawRect(r.adjusted(1, 1, -1, -1));
        p.setPen(QPen(h.color, 2));
        p.drawRect(r.adjusted(1, 1, -1, -1));
    }
    p.setRenderHint(QPainter::Antialiasing, false);
}

void ImageView::drawGhosts(QPainter& p) const {
    if (ghosts_.isEmpty()) return;
    QFont f = font();
    f.setPointSizeF(std::max(7.0, f.pointSizeF() * 0.85));
    p.setFont(f);
    const QFontMetrics fm(f);
    for (const ViewGhost& g : ghosts_) {
        const QRectF r(widgetPosOfWorld(g.world.topLeft()), widgetPosOfWorld(g.world.bottomRight()));
        QColor fill = g.color;
        fill.setAlpha(110);
        p.fillRect(r, fill);
        p.fillRect(r, QBrush(QColor(255, 255, 255, 60), Qt::BDiagPattern));
        if (!g.label.isEmpty() && r.width() > fm.horizontalAdvance(g.label) + 6 && r.height() > fm.height() + 2) {
            p.setPen(QColor(250, 250, 250));
            p.drawText(r.intersected(QRectF(rect())), Qt::AlignCenter, g.label);
        }
    }
    p.setFont(font());
}

void ImageView::drawSplitHandle(QPainter& p) const {
    const double x = std::round(width() * splitFrac_);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(QColor(0, 0, 0, 160), 3));
    p.drawLine(QPointF(x, 0), QPointF(x, height()));
    p.setPen(QPen(Qt::white, 1));
    p.drawLine(QPointF(x, 0), QPointF(x, height()));
    const QPointF c(x, height() / 2.0);
    p.setBrush(QColor(255, 255, 255, 230));
    p.setPen(QPen(QColor(0, 0, 0, 160), 1));
    p.drawEllipse(c, 11, 11);
    QPainterPath arrows;
    arrows.moveTo(c + QPointF(-2, -5));
    arrows.lineTo(c + QPointF(-7, 0));
    arrows.lineTo(c + QPointF(-2, 5));
    arrows.moveTo(c + QPointF(2, -5));
    arrows.lineTo(c + QPointF(7, 0));
    arrows.lineTo(c + QPointF(2, 5));
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(QColor(40, 40, 40), 1.6));
    p.drawPath(arrows);
    auto tag = [&](const QString& text, bool left) {
        QFont f = font();
        f.setBold(true);
        p.setFont(f);
        const QFontMetrics fm(f);
        const QRectF box(0, 0, fm.horizontalAdvance(text) + 14, fm.height() + 6);
        QRectF r = box.translated(left ? x - box.width() - 8 : x + 8, 8);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0, 0, 0, 150));
        p.drawRoundedRect(r, 4, 4);
        p.setPen(Qt::white);
        p.drawText(r, Qt::AlignCenter, text);
    };
    tag(labelA_, true);
    tag(labelB_, false);
    p.setRenderHint(QPainter::Antialiasing, false);
}

void ImageView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), backgroundColor());
    visible_ = QImage();
    if (!image_.isNull()) {
        const QRectF all(rect());
        if (split_ && !imageB_.isNull()) {
            const double x = std::round(width() * splitFrac_);
            drawImage(p, imageB_, QRectF(x, 0, width() - x, height()));
            drawImage(p, image_, QRectF(0, 0, x, height()));  // last: its pixels feed drawValues
        } else {
            drawImage(p, image_, all);
        }
        const QRectF frame = imageRectOnScreen(image_);
        p.setPen(QPen(QColor(0, 0, 0, 90), 0));
        p.setBrush(Qt::NoBrush);
        p.drawRect(frame.adjusted(-0.5, -0.5, 0.5, 0.5));
        drawGhosts(p);
        drawGrid(p);
        drawValues(p);
        drawHighlights(p);
        if (split_ && !imageB_.isNull()) drawSplitHandle(p);
    }
    if (!minifiedHint_.isEmpty() && message_.isEmpty() && belowDisplayResolution()) {
        QFont f = font();
        f.setPointSizeF(std::max(7.0, f.pointSizeF() * 0.9));
        p.setFont(f);
        const QFontMetrics fm(f);
        const QString text = fm.elidedText(minifiedHint_, Qt::ElideRight, width() - 24);
        QRectF box(0, 0, fm.horizontalAdvance(text) + 16, fm.height() + 8);
        box.moveCenter(QPointF(width() / 2.0, height() - box.height() / 2 - 8));
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0, 0, 0, 150));
        p.drawRoundedRect(box, 5, 5);
        p.setPen(QColor(245, 245, 245));
        p.drawText(box, Qt::AlignCenter, text);
        p.setFont(font());
    }
    if (!banner_.isEmpty()) {
        const QFontMetrics fm(font());
        const QRectF strip(0, 0, width(), fm.height() + 8);
        p.fillRect(strip, QColor(176, 42, 38, 215));
        p.setPen(Qt::white);
        p.drawText(strip.adjusted(8, 0, -8, 0), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(banner_, Qt::ElideRight, width() - 16));
    }
    if (!message_.isEmpty()) {
        p.setRenderHint(QPainter::Antialiasing, true);
        const QFontMetrics fm(font());
        const int maxW = std::max(120, width() - 40);
        QRect tr = fm.boundingRect(QRect(0, 0, maxW, 1000), Qt::TextWordWrap | Qt::AlignCenter, message_);
        QRectF box = QRectF(tr).adjusted(-12, -8, 12, 8);
        box.moveCenter(QPointF(width() / 2.0, height() / 2.0));
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0, 0, 0, 170));
        p.drawRoundedRect(box, 6, 6);
        p.setPen(QColor(250, 250, 250));
        p.drawText(box.adjusted(12, 8, -12, -8), Qt::TextWordWrap | Qt::AlignCenter, message_);
    }
}

bool ImageView::nearSplitHandle(QPointF pos) const {
    return split_ && !imageB_.isNull() && std::abs(pos.x() - width() * splitFrac_) <= 8;
}

void ImageView::wheelEvent(QWheelEvent* e) {
    const double steps = e->angleDelta().y() / 120.0;
    if (steps == 0) return;
    const QPointF pos = e->position();
    const QPointF anchor = worldAt(pos);
    const double z = std::clamp(zoom() * std::pow(std::sqrt(2.0), steps), ViewSync::kMinZoom, ViewSync::kMaxZoom);
    // Keep the world point under the cursor where it is.
    sync_->setView(z, anchor - (pos - QPointF(width() / 2.0, height() / 2.0)) / z);
    e->accept();
}

void ImageView::mousePressEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton && e->button() != Qt::MiddleButton) return;
    pressPos_ = lastPos_ = e->position();
    moved_ = false;
    drag_ = nearSplitHandle(e->position()) ? Drag::Split : Drag::Pan;
    if (drag_ == Drag::Pan) setCursor(Qt::ClosedHandCursor);
}

void ImageView::mouseMoveEvent(QMouseEvent* e) {
    const QPointF pos = e->position();
    if (drag_ == Drag::Split) {
        setSplitFraction(pos.x() / std::max(1, width()));
    } else if (drag_ == Drag::Pan) {
        if (!moved_ && (pos - pressPos_).manhattanLength() < 3) return;
        moved_ = true;
        const double z = zoom();
        sync_->setView(z, center() - (pos - lastPos_) / z);
        lastPos_ = pos;
    } else {
        setCursor(nearSplitHandle(pos) ? Qt::SplitHCursor : Qt::OpenHandCursor);
    }
    emit hovered(worldAt(pos));
}

void ImageView::mouseReleaseEvent(QMouseEvent* e) {
    if (drag_ == Drag::Pan && !moved_) emit clicked(worldAt(e->position()));
    drag_ = Drag::None;
    setCursor(nearSplitHandle(e->position()) ? Qt::SplitHCursor : Qt::OpenHandCursor);
}

void ImageView::mouseDoubleClickEvent(QMouseEvent* e) {
    if (nearSplitHandle(e->position())) {
        setSplitFraction(0.5);
        return;
    }
    sync_->setFit();
}

void ImageView::leaveEvent(QEvent*) { emit hovered(QPointF(qQNaN(), qQNaN())); }

void ImageView::resizeEvent(QResizeEvent*) {
    if (isVisible()) sync_->reportViewport(this, size());
}

void ImageView::showEvent(QShowEvent*) { sync_->reportViewport(this, size()); }

void ImageView::hideEvent(QHideEvent*) {
    if (sync_) sync_->removeViewport(this);
}

void ImageView::setBanner(const QString& text) {
    if (banner_ == text) return;
    banner_ = text;
    update();
}

void ImageView::setMinifiedHint(const QString& hint) {
    minifiedHint_ = hint;
    update();
}

}  // namespace tconv::ui
