// SPDX-License-Identifier: MIT
#include "views/PhaseGainPlot.h"

#include <QPainter>
#include <algorithm>
#include <cmath>

#include "views/ColorLut.h"

namespace tconv::ui {

PhaseGainPlot::PhaseGainPlot(QWidget* parent) : QWidget(parent) {
    setToolTip(
        tr("Phase gains G: the sum of the kernel taps landing on each output phase (row, column mod "
           "stride). A constant input comes out as bias + c·G, tiled: equal cells mean no checkerboard."));
}

void PhaseGainPlot::setTable(const PhaseGainTable& table) {
    table_ = table;
    update();
}

void PhaseGainPlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const int sh = table_.sh, sw = table_.sw;
    if (table_.gain.size() != static_cast<size_t>(sh) * sw || sh <= 0 || sw <= 0) return;
    double mean = 0;
    for (double g : table_.gain) mean += g;
    mean /= static_cast<double>(table_.gain.size());
    const QFontMetrics fm(font());
    const int caption = fm.height() + 4;
    const double cell = std::min((width() - 24.0) / sw, (height() - caption - 18.0) / sh);
    const QRectF grid((width() - cell * sw) / 2.0, caption + 2, cell * sw, cell * sh);
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRectF(0, 0, width(), caption), Qt::AlignCenter,
               tr("G, %1 × %2 phases   mean %3").arg(sh).arg(sw).arg(QString::number(mean, 'g', 4)));
    QFont f = font();
    f.setPixelSize(static_cast<int>(std::clamp(cell * 0.24, 7.0, 15.0)));
    p.setFont(f);
    for (int r = 0; r < sh; ++r)
        for (int c = 0; c < sw; ++c) {
            const size_t i = static_cast<size_t>(r) * sw + c;
            const QRectF rc(grid.left() + c * cell, grid.top() + r * cell, cell, cell);
            const bool hole = !table_.tapCount.empty() && table_.tapCount[i] == 0;
            const double dev = std::abs(mean) > 1e-12 ? (table_.gain[i] - mean) / std::abs(mean) : 0.0;
            const QColor fill = hole ? palette().color(QPalette::Base) : QColor(divergingColor(float(dev)));
            p.setPen(QPen(palette().color(QPalette::Mid), 1));
            p.setBrush(fill);
            p.drawRect(rc.adjusted(1, 1, -1, -1));
            if (hole) {
                p.setBrush(QBrush(palette().color(QPalette::Mid), Qt::BDiagPattern));
                p.drawRect(rc.adjusted(1, 1, -1, -1));
            }
            // A number only where it fits its cell (large gains such as a chain's 1.16e+04
            // would spill into the neighbours): 3 digits, else 2, else none; the colour stays.
            QString label = hole ? tr("hole") : QString::number(table_.gain[i], 'g', 3);
            if (!hole && p.fontMetrics().horizontalAdvance(label) > cell - 4)
                label = QString::number(table_.gain[i], 'g', 2);
            if (cell >= 22 && p.fontMetrics().horizontalAdvance(label) <= cell - 4) {
                p.setPen(hole ? palette().color(QPalette::WindowText)
                              : QColor(qGray(fill.rgb()) > 140 ? Qt::black : Qt::white));
                p.drawText(rc, Qt::AlignCenter, label);
            }
        }
    p.setPen(palette().color(QPalette::PlaceholderText));
    QFont small = font();
    small.setPointSizeF(std::max(7.0, font().pointSizeF() * 0.85));
    p.setFont(small);
    p.drawText(QRectF(0, grid.bottom() + 2, width(), 16), Qt::AlignCenter, tr("rows: (o+p) mod sH, columns: mod sW"));
}

}  // namespace tconv::ui
