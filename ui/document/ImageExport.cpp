// SPDX-License-Identifier: MIT
#include "document/ImageExport.h"

#include <QDir>
#include <QFileInfo>
#include <QPainter>
#include <QSaveFile>
#include <algorithm>
#include <cmath>

#include "views/ColorLut.h"
#include "common/ImageIO.h"

namespace tconv::ui {

bool ImageExport::saveTensor(const QString& path, const Tensor& t, int bitDepth, QString* error) {
    try {
        app::saveImage(path.toStdString(), t, bitDepth);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
}

bool ImageExport::savePlane(const QString& path, const std::vector<float>& plane, int64_t h, int64_t w,
                            QString* error) {
    Tensor t(Shape4{1, 1, h, w});
    std::copy(plane.begin(), plane.end(), t.data());
    return saveTensor(path, t, 0, error);
}

bool ImageExport::saveQImage(const QString& path, const QImage& image, QString* error) {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || !image.save(&f, "PNG") || !f.commit()) {
        if (error) *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

QImage ImageExport::withColorBar(const QImage& image, bool diverging, float lo, float hi, const QString& caption) {
    const int barW = 18, labelW = 70, margin = 12;
    const int h = std::max(image.height(), 160);
    QImage out(image.width() + margin + barW + labelW, h, QImage::Format_RGB32);
    out.fill(Qt::white);
    QPainter p(&out);
    p.drawImage(0, 0, image);
    const int x0 = image.width() + margin, top = 24, bottom = h - 12;
    for (int y = top; y <= bottom; ++y) {
        const float t = 1.0f - float(y - top) / std::max(1, bottom - top);
        p.setPen(QColor(diverging ? divergingColor(2 * t - 1) : sequentialColor(t)));
        p.drawLine(x0, y, x0 + barW, y);
    }
    p.setPen(Qt::black);
    QFont f = p.font();
    f.setPixelSize(11);
    p.setFont(f);
    p.drawText(QRect(x0 - 6, 4, barW + labelW, 16), Qt::AlignLeft, caption);
    for (int i = 0; i < 5; ++i) {
        const double fr = i / 4.0;
        const int y = top + int(std::lround(fr * (bottom - top)));
        p.drawLine(x0 + barW, y, x0 + barW + 4, y);
        p.drawText(QRect(x0 + barW + 6, y - 8, labelW - 6, 16), Qt::AlignLeft | Qt::AlignVCenter,
                   QString::number(hi - fr * (hi - lo), 'g', 3));
    }
    return out;
}

bool ImageExport::saveHeatmap(const QString& path, const ComputeResult& r, QString* error) {
    const Shape4 s = r.output.shape();
    if (path.endsWith(QLatin1String(".npy"), Qt::CaseInsensitive)) return savePlane(path, r.heat, s.h, s.w, error);
    const float range = r.heatHi;
    const int h = static_cast<int>(s.h), w = static_cast<int>(s.w);
    const QString title = heatmapKindTitle(r.request.params.heatmap);
    const QImage img =
        r.heatDiverging
            ? withColorBar(divergingImage(r.heat.data(), h, w, range), true, -range, range, title)
            : withColorBar(sequentialImage(r.heat.data(), h, w, r.heatLo, r.heatHi), false, r.heatLo, r.heatHi, title);
    return saveQImage(path, img, error);
}

QStringList ImageExport::saveAll(const QString& dir, const ComputeResult& r, int bitDepth, QString* error) {
    QStringList written, failed;
    const QDir d(dir);
    const Shape4 s = r.output.shape();
    auto note = [&](bool ok, const QString& name, const QString& why) {
        if (ok) written << d.filePath(name);
        else failed << why;
    };
    QString why;
    note(saveTensor(d.filePath("input.png"), *r.request.input, bitDepth ? bitDepth : 8, &why), "input.png", why);
    note(saveTensor(d.filePath("result.png"), r.output, bitDepth ? bitDepth : 8, &why), "result.png", why);
    note(saveTensor(d.filePath("result.npy"), r.output, 0, &why), "result.npy", why);
    if (!r.resizeConv.empty() && r.resizeError.isEmpty()) {
        note(saveTensor(d.filePath("resize_conv.png"), r.resizeConv, bitDepth ? bitDepth : 8, &why), "resize_conv.png",
             why);
        note(saveTensor(d.filePath("resize_conv.npy"), r.resizeConv, 0, &why), "resize_conv.npy", why);
    }
    if (!r.difference.empty()) {
        note(saveQImage(d.filePath("difference.png"),
                        withColorBar(divergingImage(r.difference.data(), int(s.h), int(s.w), r.differenceRange), true,
                                     -r.differenceRange, r.differenceRange, "T - R"),
                        &why),
             "difference.png", why);
        note(savePlane(d.filePath("difference.npy"), r.difference, s.h, s.w, &why), "difference.npy", why);
    }
    if (!r.heat.empty()) {
        note(saveHeatmap(d.filePath("heatmap.png"), r, &why), "heatmap.png", why);
        note(savePlane(d.filePath("heatmap.npy"), r.heat, s.h, s.w, &why), "heatmap.npy", why);
    }
    if (error) *error = failed.join('\n');
    return written;
}

}  // namespace tconv::ui
