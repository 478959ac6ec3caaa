// SPDX-License-Identifier: MIT
#include "document/SampleImages.h"

#include <QImage>
#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>
#include <cmath>

#include "views/DisplayImage.h"

// The photo lives in the Qt resource compiled into the static studio library;
// static libraries need an explicit init or the linker drops it.
static void initStudioResources() { Q_INIT_RESOURCE(studio); }

namespace tconv::ui {
namespace {

// cos(pi r^2 / N): the local frequency grows linearly from 0 at the centre to
// 0.5 cycles/pixel (Nyquist) at r = N/2.
Tensor zonePlate(int n) {
    Tensor t(Shape4{1, 1, n, n});
    const double c = (n - 1) / 2.0;
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) {
            const double r2 = (x - c) * (x - c) + (y - c) * (y - c);
            t.at(0, 0, y, x) = static_cast<float>(0.5 + 0.5 * std::cos(M_PI * r2 / n));
        }
    return t;
}

QImage chart() {
    QImage img(512, 512, QImage::Format_RGB32);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    QLinearGradient bg(0, 0, 0, 512);
    bg.setColorAt(0, QColor(236, 238, 242));
    bg.setColorAt(1, QColor(196, 202, 212));
    p.fillRect(img.rect(), bg);
    // Checkerboards of 1, 2, 4 and 8 pixels (upsampling artifacts beat against them).
    int x = 16;
    for (int cell : {1, 2, 4, 8}) {
        for (int yy = 0; yy < 96; ++yy)
            for (int xx = 0; xx < 96; ++xx)
                img.setPixel(x + xx, 16 + yy, ((xx / cell + yy / cell) % 2) ? qRgb(20, 20, 24) : qRgb(245, 245, 245));
        x += 122;
    }
    // Sharp and anti-aliased edges, thin lines.
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(200, 40, 40));
    p.drawEllipse(QPointF(112, 232), 80, 80);
    p.setBrush(QColor(30, 110, 200));
    QPainterPath tri;
    tri.moveTo(240, 312);
    tri.lineTo(330, 152);
    tri.lineTo(420, 312);
    tri.closeSubpath();
    p.drawPath(tri);
    p.setBrush(QColor(40, 160, 70));
    p.drawRect(QRectF(436.5, 152, 60, 160));
    for (int i = 0; i < 24; ++i) {
        p.setPen(QPen(QColor(20, 20, 24), i % 3 == 0 ? 2.0 : 1.0));
        const double a = i * M_PI / 24;
        p.drawLine(QPointF(112, 420), QPointF(112 + 80 * std::cos(a), 420 - 80 * std::sin(a)));
    }
    p.setPen(QColor(20, 20, 24));
    QFont f(QStringLiteral("DejaVu Sans"));
    int y = 348;
    for (int size : {28, 18, 12, 9}) {
        f.setPixelSize(size);
        p.setFont(f);
        y += size + 12;
        p.drawText(QPointF(220, y), QStringLiteral("TConv Aa Gg 0123 ∑"));
    }
    return img;
}

QImage gradients() {
    QImage img(512, 384, QImage::Format_RGB32);
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const double u = x / double(img.width() - 1);
            QRgb c;
            if (y < 96) c = qRgb(int(u * 255), int(u * 255), int(u * 255));       // grey ramp
            else if (y < 192) c = QColor::fromHsvF(float(u), 0.8f, 0.95f).rgb();  // hue sweep
            else if (y < 288) c = qRgb(int(u * 255), int((1 - u) * 255), 128);    // red-green
            else c = (x / 8 + y / 8) % 2 ? qRgb(int(u * 255), 90, 200) : qRgb(40, int(u * 200), 60);
            img.setPixel(x, y, c);
        }
    return img;
}

}  // namespace

QStringList SampleImages::ids() {
    return {QStringLiteral("zoneplate"), QStringLiteral("chart"), QStringLiteral("gradients"), QStringLiteral("photo")};
}

QString SampleImages::title(const QString& id) {
    if (id == QLatin1String("zoneplate")) return QStringLiteral("Zone plate (512 × 512)");
    if (id == QLatin1String("chart")) return QStringLiteral("Test chart: checkers, edges, text");
    if (id == QLatin1String("gradients")) return QStringLiteral("Gradients and colour sweeps");
    if (id == QLatin1String("photo")) return QStringLiteral("Photo: STM32F3 Discovery board");
    return {};
}

Tensor SampleImages::make(const QString& id) {
    if (id == QLatin1String("zoneplate")) return zonePlate(512);
    if (id == QLatin1String("chart")) return imageToTensor(chart());
    if (id == QLatin1String("gradients")) return imageToTensor(gradients());
    if (id == QLatin1String("photo")) {
        initStudioResources();
        const QImage img(QStringLiteral(":/samples/stm32f3-discovery.jpg"));
        return imageToTensor(img);
    }
    return {};
}

}  // namespace tconv::ui
