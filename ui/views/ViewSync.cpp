// SPDX-License-Identifier: MIT
#include "views/ViewSync.h"

#include <algorithm>

namespace tconv::ui {

double ViewSync::fitZoom() const {
    constexpr double kMargin = 12.0;
    double z = viewports_.isEmpty() ? 1.0 : kMaxZoom;
    for (const QSizeF& v : viewports_) {
        const double w = std::max(1.0, v.width() - 2 * kMargin), h = std::max(1.0, v.height() - 2 * kMargin);
        z = std::min({z, w / std::max(1.0, world_.width()), h / std::max(1.0, world_.height())});
    }
    return std::clamp(z, kMinZoom, kMaxZoom);
}

void ViewSync::reportViewport(const void* view, QSizeF size) {
    if (viewports_.value(view) == size) return;
    viewports_[view] = size;
    if (fit_) emit changed();
}

void ViewSync::removeViewport(const void* view) {
    if (viewports_.remove(view) && fit_) emit changed();
}

void ViewSync::setWorldSize(QSizeF size) {
    if (size == world_) return;
    // Keep the same relative position when the output size changes (e.g. a new stride).
    if (!fit_ && world_.width() > 0 && world_.height() > 0) {
        const double fx = size.width() / world_.width(), fy = size.height() / world_.height();
        center_ = QPointF(center_.x() * fx, center_.y() * fy);
        zoom_ = std::clamp(zoom_ / std::max(fx, fy), kMinZoom, kMaxZoom);
    }
    world_ = size;
    emit changed();
}

void ViewSync::setFit() {
    fit_ = true;
    emit changed();
}

void ViewSync::setView(double zoom, QPointF center) {
    fit_ = false;
    zoom_ = std::clamp(zoom, kMinZoom, kMaxZoom);
    center_ = center;
    emit changed();
}

void ViewSync::zoomBy(double factor) { setView(effectiveZoom() * factor, effectiveCenter()); }

void ViewSync::setActualPixels(double devicePixelRatio) {
    setView(1.0 / std::max(devicePixelRatio, 0.25), effectiveCenter());
}

}  // namespace tconv::ui
