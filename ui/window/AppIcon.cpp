// SPDX-License-Identifier: MIT
#include "window/AppIcon.h"

#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>

namespace tconv::ui {
namespace {

QPixmap render(int size) {
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(size / 128.0, size / 128.0);
    QLinearGradient bg(0, 0, 0, 128);
    bg.setColorAt(0, QColor("#2f3e5c"));
    bg.setColorAt(1, QColor("#1b2438"));
    p.setPen(Qt::NoPen);
    p.setBrush(bg);
    p.drawRoundedRect(QRectF(4, 4, 120, 120), 22, 22);
    const QColor warm("#b40426"), warmLight("#f4987a"), cool("#7b9ff9"), grey("#dddddd");
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) {
            const bool evenRow = y % 2 == 0, evenCol = x % 2 == 0;
            p.setBrush(evenRow ? (evenCol ? warm : warmLight) : (evenCol ? cool : grey));
            p.drawRect(QRectF(52 + 16 * x, 40 + 16 * y, 16, 16));
        }
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 2; ++x) {
            p.setBrush((x + y) % 2 ? QColor("#a9b4c8") : QColor("#f5f5f5"));
            p.drawRect(QRectF(14 + 14 * x, 22 + 14 * y, 14, 14));
        }
    QPen pen(QColor("#ffd24a"), 4, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    QPainterPath arrow;
    arrow.moveTo(44, 40);
    arrow.cubicTo(52, 40, 50, 58, 50, 70);
    arrow.moveTo(43, 66);
    arrow.lineTo(50, 76);
    arrow.lineTo(57, 66);
    p.drawPath(arrow);
    return pm;
}

}  // namespace

QIcon appIcon() {
    QIcon icon;
    for (int s : {16, 24, 32, 48, 64, 128, 256}) icon.addPixmap(render(s));
    return icon;
}

}  // namespace tconv::ui
