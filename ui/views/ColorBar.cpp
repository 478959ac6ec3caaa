// SPDX-License-Identifier: MIT
#include "views/ColorBar.h"

#include <QPainter>
#include <cmath>

#include "views/ColorLut.h"

namespace tconv::ui {

ColorBar::ColorBar(QWidget* parent) : QWidget(parent) { setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Expanding); }

void ColorBar::setDiverging(float range, const QString& caption) {
    diverging_ = true;
    lo_ = -range;
    hi_ = range;
    caption_ = caption;
    update();
}

void ColorBar::setSequential(float lo, float hi, const QString& caption) {
    diverging_ = false;
    lo_ = lo;
    hi_ = hi;
    caption_ = caption;
    update();
}

void ColorBar::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QFontMetrics fm(font());
    // The caption may have a second line (the scale: fixed, auto, locked).
    const int captionLines = caption_.count(QLatin1Char('\n')) + 1;
    const int top = captionLines * fm.height() + 10, bottom = height() - fm.height() / 2 - 4;
    const QRect bar(6, top, 14, std::max(10, bottom - top));
    for (int y = bar.top(); y <= bar.bottom(); ++y) {
        const float t = 1.0f - float(y - bar.top()) / std::max(1, bar.height());  // top = high
        const QRgb c = diverging_ ? divergingColor(2.0f * t - 1.0f) : sequentialColor(t);
        p.setPen(QColor(c));
        p.drawLine(bar.left(), y, bar.right(), y);
    }
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(bar.adjusted(0, 0, -1, 0));
    p.setPen(palette().color(QPalette::WindowText));
    QFont small = font();
    small.setPointSizeF(std::max(7.0, font().pointSizeF() * 0.85));
    p.setFont(small);
    const QFontMetrics sm(small);
    p.drawText(QRect(0, 0, width(), top - 4), Qt::AlignHCenter | Qt::AlignBottom, caption_);
    const int ticks = 5;
    for (int i = 0; i < ticks; ++i) {
        const double f = double(i) / (ticks - 1);
        const int y = bar.top() + static_cast<int>(std::lround(f * bar.height()));
        const double v = hi_ - f * (hi_ - lo_);
        p.drawLine(bar.right() + 1, y, bar.right() + 4, y);
        const QString text = std::abs(v) < 1e-9 * std::max(1.0f, std::abs(hi_))
                                 ? QStringLiteral("0")
                                 : QString::number(v, 'g', std::abs(v) >= 10 ? 3 : 2);
        p.drawText(QRect(bar.right() + 6, y - sm.height() / 2, width() - bar.right() - 6, sm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, text);
    }
}

}  // namespace tconv::ui
