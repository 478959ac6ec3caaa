// SPDX-License-Identifier: MIT
#include "views/MatrixGridCanvas.h"

#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "controllers/Highlights.h"

namespace tconv::ui {
namespace {

constexpr int kRowLabel = 64;     // "(oy, ox)" column at the left
constexpr int kHeader = 34;       // input pixel and value along the top
constexpr int kValueColumn = 70;  // Cᵀ·x and engine, right of the grid
const QColor kTapColor(230, 60, 200);

}  // namespace

MatrixGridCanvas::MatrixGridCanvas(QWidget* parent) : QWidget(parent) { setMouseTracking(true); }

void MatrixGridCanvas::setMatrix(const ConvMatrix& m, const MatrixTaps& taps, const std::vector<float>& x,
                                 const std::vector<double>& product, const std::vector<float>& engine) {
    m_ = m;
    taps_ = taps;
    x_ = x;
    product_ = product;
    engine_ = engine;
    maxAbs_ = 0;
    for (float v : m_.values) maxAbs_ = std::max(maxAbs_, std::abs(v));
    if (maxAbs_ == 0) maxAbs_ = 1;
    row_ = col_ = -1;
    updateGeometry();
    resize(sizeHint());
    update();
}

int MatrixGridCanvas::cell() const {
    // Fewer columns, bigger cells: the taps are written in them from 18 px on.
    return m_.cols() <= 16 ? 24 : m_.cols() <= 36 ? 18 : 12;
}

QSize MatrixGridCanvas::sizeHint() const {
    const int c = cell();
    return {kRowLabel + static_cast<int>(m_.cols()) * c + 2 * kValueColumn + 8,
            kHeader + static_cast<int>(m_.rows()) * c + 4};
}

QRect MatrixGridCanvas::cellRect(int row, int col) const {
    const int c = cell();
    return QRect(kRowLabel + col * c, kHeader + row * c, c, c);
}

void MatrixGridCanvas::setHighlightedRow(int row) {
    if (row == row_) return;
    row_ = row;
    update();
}

void MatrixGridCanvas::setHighlightedColumn(int col) {
    if (col == col_) return;
    col_ = col;
    update();
}

void MatrixGridCanvas::setHighlightedTap(std::optional<int> tap) {
    tap_ = tap;
    update();
}

QColor MatrixGridCanvas::tapColor(float v) const {
    const double t = std::min(1.0, std::abs(v) / double(maxAbs_));
    const int a = static_cast<int>(std::lround(60 + 195 * t));
    return v >= 0 ? QColor(240, 130, 30, a) : QColor(40, 110, 230, a);
}

void MatrixGridCanvas::paintEvent(QPaintEvent* e) {
    QPainter p(this);
    p.fillRect(e->rect(), palette().base());
    if (m_.rows() == 0) return;
    const int c = cell();
    const int rows = static_cast<int>(m_.rows()), cols = static_cast<int>(m_.cols());
    const int outW = static_cast<int>(m_.outW), inW = static_cast<int>(m_.inW);
    const QRect ex = e->rect();
    const int r0 = std::clamp((ex.top() - kHeader) / c, 0, rows - 1);
    const int r1 = std::clamp((ex.bottom() - kHeader) / c + 1, 0, rows - 1);
    QFont small = font();
    small.setPixelSize(std::max(7, c * 2 / 5));
    p.setFont(small);
    const QColor grid(150, 150, 150, 90);
    // Header: each column's input pixel and its value.
    for (int col = 0; col < cols; ++col) {
        const QRect r(kRowLabel + col * c, 0, c, kHeader);
        if (col == col_) p.fillRect(r, kInputHighlight);
        p.setPen(palette().text().color());
        if (c >= 18) {
            p.drawText(r.adjusted(0, 2, 0, -kHeader / 2), Qt::AlignCenter,
                       QStringLiteral("%1,%2").arg(col / inW).arg(col % inW));
            p.drawText(r.adjusted(0, kHeader / 2, 0, 0), Qt::AlignCenter, QString::number(x_[size_t(col)], 'g', 2));
        }
    }
    const int right = kRowLabel + cols * c;
    p.setPen(palette().text().color());
    p.drawText(QRect(right + 4, 0, kValueColumn, kHeader), Qt::AlignCenter, tr("Cᵀ·x"));
    p.drawText(QRect(right + 4 + kValueColumn, 0, kValueColumn, kHeader), Qt::AlignCenter, tr("engine"));
    for (int row = r0; row <= r1; ++row) {
        const int y = kHeader + row * c;
        const QRect label(0, y, kRowLabel - 4, c);
        if (row == row_)
            p.fillRect(QRect(0, y, width(), c),
                       QColor(kOutputHighlight.red(), kOutputHighlight.green(), kOutputHighlight.blue(), 70));
        p.setPen(palette().text().color());
        p.drawText(label, Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("%1,%2").arg(row / outW).arg(row % outW));
        for (int col = 0; col < cols; ++col) {
            const QRect r(kRowLabel + col * c, y, c, c);
            if (col == col_)
                p.fillRect(r, QColor(kInputHighlight.red(), kInputHighlight.green(), kInputHighlight.blue(), 60));
            const int t = taps_.tap[size_t(row) * cols + col];
            if (t >= 0) {
                p.fillRect(r.adjusted(1, 1, -1, -1), tapColor(m_.at(row, col)));
                if (c >= 18) {
                    p.setPen(Qt::black);
                    p.drawText(r, Qt::AlignCenter, QStringLiteral("%1,%2").arg(t / taps_.kw).arg(t % taps_.kw));
                }
                if (tap_ && *tap_ == t) {
                    p.setPen(QPen(kTapColor, 2));
                    p.drawRect(r.adjusted(1, 1, -2, -2));
                }
            }
            p.setPen(QPen(grid, 0));
            p.drawRect(r);
        }
        p.setPen(palette().text().color());
        p.drawText(QRect(right + 4, y, kValueColumn - 4, c), Qt::AlignRight | Qt::AlignVCenter,
                   QString::number(product_[size_t(row)], 'g', 4));
        p.drawText(QRect(right + 4 + kValueColumn, y, kValueColumn - 4, c), Qt::AlignRight | Qt::AlignVCenter,
                   QString::number(engine_[size_t(row)], 'g', 4));
    }
}

void MatrixGridCanvas::mouseMoveEvent(QMouseEvent* e) {
    if (m_.rows() == 0) return;
    const int c = cell();
    const QPoint pos = e->position().toPoint();
    const int col = pos.x() >= kRowLabel ? (pos.x() - kRowLabel) / c : -1;
    const int row = pos.y() >= kHeader ? (pos.y() - kHeader) / c : -1;
    if (pos.y() < kHeader) {  // the header: an input pixel
        if (col >= 0 && col < m_.cols() && col != col_) emit columnHovered(col);
        return;
    }
    if (row >= 0 && row < m_.rows() && row != row_) emit rowHovered(row);
}

}  // namespace tconv::ui
