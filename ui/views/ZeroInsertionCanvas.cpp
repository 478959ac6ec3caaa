// SPDX-License-Identifier: MIT
#include "views/ZeroInsertionCanvas.h"

#include <QFontMetrics>
#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "compute/PixelValues.h"
#include "controllers/Highlights.h"

namespace tconv::ui {
namespace {

constexpr double kTitle = 32;  // the grids' captions: a name line, then the crop's rows and columns
constexpr double kMargin = 6;
constexpr double kGapCells = 1.5;  // between the canvas and the output, in cells
constexpr double kMaxCell = 34;

// Fill colours of the canvas's zeros, one per kind (the view's legend uses the same).
const QColor kInsertedColor(170, 200, 240);
const QColor kBorderColor(215, 215, 215);
const QColor kOutputPaddingColor(180, 225, 170);
const QColor kTapColor(230, 60, 200);

// [lo, hi) of one axis: all of it, or `margin` around [o, o + span) when the input is long.
std::pair<int, int> axisRange(int extent, int n, int o, int span, int margin, int full) {
    if (n <= full) return {0, extent};
    const int v = std::min(extent, span + 2 * margin);
    const int lo = std::clamp(o - margin, 0, extent - v);
    return {lo, lo + v};
}

QString cellText(double v) { return QString::number(v, 'g', 3); }

}  // namespace

ZeroInsertionCanvas::ZeroInsertionCanvas(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ZeroInsertionCanvas::setScene(const ZeroInsertionModel& model, const ComputeResultPtr& result) {
    model_ = model;
    result_ = result;
    const std::shared_ptr<const Tensor> input = result_ ? result_->layerInput : nullptr;
    if (input != rangeInput_) {
        rangeInput_ = input;
        lo_ = 0;
        hi_ = 1;
        const Shape4 s = input ? input->shape() : Shape4{};
        if (input && s.n > 0 && s.c > 0 && s.h * s.w > 0) {
            const float* plane = input->plane(0, 0);
            lo_ = hi_ = plane[0];
            for (int64_t i = 0; i < s.h * s.w; ++i) {
                lo_ = std::min(lo_, plane[i]);
                hi_ = std::max(hi_, plane[i]);
            }
        }
    }
    current_.setX(std::clamp(current_.x(), 0, std::max(0, model_.outW() - 1)));
    current_.setY(std::clamp(current_.y(), 0, std::max(0, model_.outH() - 1)));
    update();
}

void ZeroInsertionCanvas::setOutputPixel(QPoint outputPixel) {
    if (outputPixel == current_) return;
    current_ = outputPixel;
    update();
}

void ZeroInsertionCanvas::setTap(std::optional<QPoint> tap) {
    tap_ = tap;
    update();
}

QRect ZeroInsertionCanvas::visibleCanvas() const {
    const ZeroInsertionAxis &r = model_.rows(), &c = model_.cols();
    const auto [y0, y1] = axisRange(r.canvas, r.n, current_.y(), r.span(), kCropMargin, kFullAxis);
    const auto [x0, x1] = axisRange(c.canvas, c.n, current_.x(), c.span(), kCropMargin, kFullAxis);
    return QRect(x0, y0, x1 - x0, y1 - y0);
}

QRect ZeroInsertionCanvas::visibleOutput() const {
    const ZeroInsertionAxis &r = model_.rows(), &c = model_.cols();
    const auto [y0, y1] = axisRange(r.out, r.n, current_.y(), r.span(), kCropMargin, kFullAxis);
    const auto [x0, x1] = axisRange(c.out, c.n, current_.x(), c.span(), kCropMargin, kFullAxis);
    return QRect(x0, y0, x1 - x0, y1 - y0);
}

ZeroInsertionCanvas::Layout ZeroInsertionCanvas::layout() const {
    const QRect vc = visibleCanvas(), vo = visibleOutput();
    Layout l;
    const double cols = vc.width() + kGapCells + vo.width();
    const double rows = std::max(vc.height(), vo.height());
    l.cell = std::min({kMaxCell, (width() - 2 * kMargin) / std::max(1.0, cols),
                       (height() - kTitle - 2 * kMargin) / std::max(1.0, rows)});
    l.cell = std::max(2.0, std::floor(l.cell));
    l.canvasOrigin = QPointF(kMargin, kMargin + kTitle);
    l.outputOrigin = QPointF(kMargin + (vc.width() + kGapCells) * l.cell, kMargin + kTitle);
    return l;
}

QColor ZeroInsertionCanvas::inputColor(float v) const {
    const double t = hi_ > lo_ ? (v - lo_) / double(hi_ - lo_) : 0.5;
    const int g = static_cast<int>(std::lround(70 + 160 * std::clamp(t, 0.0, 1.0)));
    return QColor(g, g, std::min(255, g + 10));
}

void ZeroInsertionCanvas::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (!result_ || model_.outH() <= 0 || model_.outW() <= 0) return;
    const Layout l = layout();
    const QRect vc = visibleCanvas(), vo = visibleOutput();
    p.setPen(palette().text().color());
    const bool cropped = vc.size() != QSize(model_.cols().canvas, model_.rows().canvas);
    // Each caption stays over its own grid (elided there): with a crop, the range
    // shown goes on a second line instead of running into the output's caption.
    const QFontMetrics fm = p.fontMetrics();
    const int canvasWidth = std::max(40, int(l.outputOrigin.x() - l.canvasOrigin.x() - 6));
    const int outputWidth = std::max(40, int(width() - l.outputOrigin.x() - kMargin));
    auto caption = [&](double x, int lineIndex, int w, const QString& text) {
        p.drawText(QPointF(x, kMargin + 12 + 14 * lineIndex), fm.elidedText(text, Qt::ElideRight, w));
    };
    caption(l.canvasOrigin.x(), 0, canvasWidth, tr("canvas %1×%2").arg(model_.rows().canvas).arg(model_.cols().canvas));
    if (cropped)
        caption(l.canvasOrigin.x(), 1, canvasWidth,
                tr("rows %1–%2, columns %3–%4").arg(vc.top()).arg(vc.bottom()).arg(vc.left()).arg(vc.right()));
    caption(l.outputOrigin.x(), 0, outputWidth, tr("output %1×%2").arg(model_.outH()).arg(model_.outW()));
    if (vo.size() != QSize(model_.outW(), model_.outH()))
        caption(l.outputOrigin.x(), 1, outputWidth,
                tr("crop: rows %1–%2, columns %3–%4").arg(vo.top()).arg(vo.bottom()).arg(vo.left()).arg(vo.right()));
    drawCanvas(p, l);
    drawOutput(p, l);
    drawTapPairs(p, l);
    drawWindow(p, l);
}

void ZeroInsertionCanvas::drawCanvas(QPainter& p, const Layout& l) const {
    const QRect vc = visibleCanvas();
    const Tensor& x = *result_->layerInput;
    QFont f = font();
    f.setPixelSize(std::max(6, static_cast<int>(l.cell * 0.32)));
    p.setFont(f);
    const bool text = l.cell >= 20;
    for (int cy = vc.top(); cy <= vc.bottom(); ++cy)
        for (int cx = vc.left(); cx <= vc.right(); ++cx) {
            const QRectF r(l.canvasOrigin.x() + (cx - vc.left()) * l.cell,
                           l.canvasOrigin.y() + (cy - vc.top()) * l.cell, l.cell, l.cell);
            const CanvasCell ky = model_.rows().kind(cy), kx = model_.cols().kind(cx);
            const int iy = model_.rows().inputAt(cy), ix = model_.cols().inputAt(cx);
            QColor fill;
            if (iy >= 0 && ix >= 0) fill = inputColor(x.at(0, 0, iy, ix));
            else if (ky == CanvasCell::Border || kx == CanvasCell::Border) fill = kBorderColor;
            else if (ky == CanvasCell::OutputPadding || kx == CanvasCell::OutputPadding) fill = kOutputPaddingColor;
            else fill = kInsertedColor;
            p.fillRect(r, fill);
            if (l.cell >= 5) {
                p.setPen(QPen(QColor(120, 120, 120, 120), 0));
                p.drawRect(r);
            }
            if (!text) continue;
            if (iy >= 0 && ix >= 0) {
                const float v = x.at(0, 0, iy, ix);
                p.setPen(qGray(fill.rgb()) < 140 ? Qt::white : Qt::black);
                p.drawText(r, Qt::AlignCenter, cellText(v));
            } else {
                p.setPen(QColor(90, 90, 90));
                p.drawText(r, Qt::AlignCenter, QStringLiteral("0"));
            }
        }
}

void ZeroInsertionCanvas::drawWindow(QPainter& p, const Layout& l) const {
    const QRect vc = visibleCanvas();
    const Kernel2D& k = result_->request.kernel;
    const auto cells = model_.window(current_.y(), current_.x());
    QFont f = font();
    f.setPixelSize(std::max(6, static_cast<int>(l.cell * 0.26)));
    p.setFont(f);
    for (const WindowCell& c : cells) {
        if (!vc.contains(c.cx, c.cy)) continue;
        const QRectF r(l.canvasOrigin.x() + (c.cx - vc.left()) * l.cell,
                       l.canvasOrigin.y() + (c.cy - vc.top()) * l.cell, l.cell, l.cell);
        if (c.holdsInput()) {
            QColor h = kInputHighlight;
            h.setAlpha(110);
            p.fillRect(r, h);
        }
        p.setPen(QPen(kOutputHighlight, std::max(1.5, l.cell / 12)));
        p.drawRect(r.adjusted(1, 1, -1, -1));
        if (l.cell >= 26 && k.h == model_.rows().k && k.w == model_.cols().k) {  // the flipped tap's weight
            p.setPen(QColor(0, 90, 140));
            p.drawText(r.adjusted(2, 1, -2, -1), Qt::AlignRight | Qt::AlignTop,
                       QStringLiteral("×") + cellText(k.at(c.ky, c.kx)));
        }
    }
    // The window's outline (the dilated kernel's extent; the holes between taps are the cells left unmarked).
    const ZeroInsertionAxis &ry = model_.rows(), &rx = model_.cols();
    const QRectF w(l.canvasOrigin.x() + (current_.x() - vc.left()) * l.cell,
                   l.canvasOrigin.y() + (current_.y() - vc.top()) * l.cell, rx.span() * l.cell, ry.span() * l.cell);
    p.setPen(QPen(kInputHighlight, std::max(2.0, l.cell / 8)));
    p.setBrush(Qt::NoBrush);
    p.drawRect(w);
}

void ZeroInsertionCanvas::drawOutput(QPainter& p, const Layout& l) const {
    const QRect vo = visibleOutput();
    const bool text = l.cell >= 20;
    QFont f = font();
    f.setPixelSize(std::max(6, static_cast<int>(l.cell * 0.32)));
    p.setFont(f);
    const int channel = result_->problem.analysedOutput;
    for (int oy = vo.top(); oy <= vo.bottom(); ++oy)
        for (int ox = vo.left(); ox <= vo.right(); ++ox) {
            const QRectF r(l.outputOrigin.x() + (ox - vo.left()) * l.cell,
                           l.outputOrigin.y() + (oy - vo.top()) * l.cell, l.cell, l.cell);
            p.fillRect(r, palette().alternateBase());
            if (l.cell >= 5) {
                p.setPen(QPen(QColor(120, 120, 120, 120), 0));
                p.drawRect(r);
            }
            if (text) {
                const std::vector<float> v = outputValuesAt(*result_, oy, ox);
                if (size_t(channel) < v.size()) {
                    p.setPen(palette().text().color());
                    p.drawText(r, Qt::AlignCenter, cellText(v[size_t(channel)]));
                }
            }
        }
    if (vo.contains(current_)) {
        const QRectF r(l.outputOrigin.x() + (current_.x() - vo.left()) * l.cell,
                       l.outputOrigin.y() + (current_.y() - vo.top()) * l.cell, l.cell, l.cell);
        p.setPen(QPen(kInputHighlight, std::max(2.0, l.cell / 8)));
        p.drawRect(r);
    }
}

void ZeroInsertionCanvas::drawTapPairs(QPainter& p, const Layout& l) const {
    if (!tap_) return;
    const QRect vc = visibleCanvas(), vo = visibleOutput();
    const ZeroInsertionAxis &ry = model_.rows(), &rx = model_.cols();
    if (tap_->y() >= ry.k || tap_->x() >= rx.k) return;
    // Tap (ky, kx) sits at window offset (k-1-ky)*d: input cell c pairs with output c - offset.
    const int offY = (ry.k - 1 - tap_->y()) * ry.d, offX = (rx.k - 1 - tap_->x()) * rx.d;
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(kTapColor, std::max(1.5, l.cell / 10)));
    for (int iy = 0; iy < ry.n; ++iy) {
        const int cy = iy * ry.s + ry.borderBegin, oy = cy - offY;
        if (oy < 0 || oy >= ry.out) continue;
        for (int ix = 0; ix < rx.n; ++ix) {
            const int cx = ix * rx.s + rx.borderBegin, ox = cx - offX;
            if (ox < 0 || ox >= rx.out) continue;
            if (vc.contains(cx, cy))
                p.drawEllipse(QRectF(l.canvasOrigin.x() + (cx - vc.left()) * l.cell,
                                     l.canvasOrigin.y() + (cy - vc.top()) * l.cell, l.cell, l.cell)
                                  .adjusted(2, 2, -2, -2));
            if (vo.contains(ox, oy))
                p.drawEllipse(QRectF(l.outputOrigin.x() + (ox - vo.left()) * l.cell,
                                     l.outputOrigin.y() + (oy - vo.top()) * l.cell, l.cell, l.cell)
                                  .adjusted(2, 2, -2, -2));
        }
    }
}

void ZeroInsertionCanvas::mouseMoveEvent(QMouseEvent* e) {
    if (!result_) return;
    const Layout l = layout();
    const QPointF pos = e->position();
    const QRect vc = visibleCanvas(), vo = visibleOutput();
    const int ox = static_cast<int>(std::floor((pos.x() - l.outputOrigin.x()) / l.cell)) + vo.left();
    const int oy = static_cast<int>(std::floor((pos.y() - l.outputOrigin.y()) / l.cell)) + vo.top();
    const int cx = static_cast<int>(std::floor((pos.x() - l.canvasOrigin.x()) / l.cell)) + vc.left();
    const int cy = static_cast<int>(std::floor((pos.y() - l.canvasOrigin.y()) / l.cell)) + vc.top();
    QPoint chosen(-1, -1);
    if (vo.contains(ox, oy)) chosen = QPoint(ox, oy);
    else if (vc.contains(cx, cy) && cx < model_.outW() && cy < model_.outH())
        chosen = QPoint(cx, cy);  // the window whose top-left cell this is
    if (chosen.x() >= 0 && chosen != current_) emit outputHovered(chosen.y(), chosen.x());
}

}  // namespace tconv::ui
