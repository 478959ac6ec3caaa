// SPDX-License-Identifier: MIT
#include "views/ColorLut.h"

#include <QColor>
#include <algorithm>
#include <array>
#include <cmath>

#include "analysis/Colormap.h"

namespace tconv::ui {
namespace {

std::array<QRgb, 256> buildLut(ColormapKind kind) {
    std::array<QRgb, 256> lut{};
    for (int i = 0; i < 256; ++i) {
        const Rgb c = colormap(kind, i / 255.0);
        lut[size_t(i)] = qRgb(int(std::lround(c.r * 255)), int(std::lround(c.g * 255)), int(std::lround(c.b * 255)));
    }
    return lut;
}

int index255(float t) {
    if (!std::isfinite(t)) return 128;
    return std::clamp(static_cast<int>(std::lround(t * 255.0f)), 0, 255);
}

}  // namespace

const QRgb* divergingLut() {
    static const auto lut = buildLut(ColormapKind::CoolWarm);
    return lut.data();
}

const QRgb* sequentialLut() {
    static const auto lut = buildLut(ColormapKind::Viridis);
    return lut.data();
}

QRgb divergingColor(float t) {
    static const auto lut = buildLut(ColormapKind::CoolWarm);
    if (!std::isfinite(t)) return lut[128];
    return lut[size_t(index255((std::clamp(t, -1.0f, 1.0f) + 1.0f) * 0.5f))];
}

QRgb sequentialColor(float t) {
    static const auto lut = buildLut(ColormapKind::Viridis);
    return lut[size_t(index255(std::clamp(t, 0.0f, 1.0f)))];
}

}  // namespace tconv::ui
