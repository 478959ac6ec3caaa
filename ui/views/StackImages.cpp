// SPDX-License-Identifier: MIT
#include "views/StackImages.h"

#include <algorithm>
#include <cmath>

#include "views/ColorLut.h"

namespace tconv::ui {
namespace {

struct Window {
    int64_t top = 0, left = 0, h = 0, w = 0;
};

Window centreWindow(const Shape4& s, int side) {
    if (side <= 0) return {0, 0, s.h, s.w};
    const int64_t h = std::min<int64_t>(s.h, side), w = std::min<int64_t>(s.w, side);
    return {(s.h - h) / 2, (s.w - w) / 2, h, w};
}

int byte01(float v) { return static_cast<int>(std::lround(255.0f * std::clamp(v, 0.0f, 1.0f))); }

}  // namespace

QImage imageCrop(const Tensor& t, int side) {
    const Shape4 s = t.shape();
    if (t.empty() || s.h < 1 || s.w < 1) return {};
    const Window win = centreWindow(s, side);
    QImage img(static_cast<int>(win.w), static_cast<int>(win.h), QImage::Format_RGB32);
    const bool rgb = s.c == 3;
    for (int64_t y = 0; y < win.h; ++y) {
        auto* row = reinterpret_cast<QRgb*>(img.scanLine(static_cast<int>(y)));
        const int64_t off = (win.top + y) * s.w + win.left;
        for (int64_t x = 0; x < win.w; ++x) {
            const int r = byte01(t.plane(0, 0)[off + x]);
            row[x] = rgb ? qRgb(r, byte01(t.plane(0, 1)[off + x]), byte01(t.plane(0, 2)[off + x])) : qRgb(r, r, r);
        }
    }
    return img;
}

QImage imageFit(const Tensor& t, QSize box) {
    const QImage whole = imageCrop(t, 0);
    if (whole.isNull() || (whole.width() <= box.width() && whole.height() <= box.height())) return whole;
    return whole.scaled(box, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

QImage divergingCrop(const Tensor& t, float centre, float range, int side) {
    const Shape4 s = t.shape();
    if (t.empty() || s.h < 1 || s.w < 1) return {};
    const Window win = centreWindow(s, side);
    QImage img(static_cast<int>(win.w), static_cast<int>(win.h), QImage::Format_RGB32);
    const float inv = range > 0 ? 1.0f / range : 0.0f;
    for (int64_t y = 0; y < win.h; ++y) {
        auto* row = reinterpret_cast<QRgb*>(img.scanLine(static_cast<int>(y)));
        const float* v = t.plane(0, 0) + (win.top + y) * s.w + win.left;
        for (int64_t x = 0; x < win.w; ++x) row[x] = divergingColor(std::clamp((v[x] - centre) * inv, -1.0f, 1.0f));
    }
    return img;
}

double relativeRipple(const PhaseGainTable& table) {
    if (table.gain.empty()) return 0;
    double mean = 0;
    for (double g : table.gain) mean += g;
    mean /= static_cast<double>(table.gain.size());
    if (std::abs(mean) < 1e-300) return 0;
    double worst = 0;
    for (double g : table.gain) worst = std::max(worst, std::abs(g / mean - 1.0));
    return worst;
}

QImage tiledTableImage(const PhaseGainTable& table, int side, double range) {
    if (table.gain.empty() || side < 1) return {};
    double mean = 0;
    for (double g : table.gain) mean += g;
    mean /= static_cast<double>(table.gain.size());
    QImage img(side, side, QImage::Format_RGB32);
    for (int y = 0; y < side; ++y) {
        auto* row = reinterpret_cast<QRgb*>(img.scanLine(y));
        for (int x = 0; x < side; ++x) {
            const int ry = y % table.sh, rx = x % table.sw;
            const bool hole = !table.tapCount.empty() && table.count(ry, rx) == 0;
            const double dev = std::abs(mean) > 1e-300 && range > 0 ? (table.at(ry, rx) / mean - 1.0) / range : 0.0;
            row[x] = hole ? qRgb(0, 0, 0) : divergingColor(static_cast<float>(std::clamp(dev, -1.0, 1.0)));
        }
    }
    return img;
}

}  // namespace tconv::ui
