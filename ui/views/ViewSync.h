// SPDX-License-Identifier: MIT
#pragma once
// The zoom and pan shared by all views. Coordinates are "world" units = output
// pixels of the transposed convolution; each view maps its own image into that
// frame (the input is stretched by output/input size so it overlays the result).
// zoom is logical screen pixels per world unit; center is the world point shown
// at the middle of each view. In fit mode each view fits the world to itself.
#include <QObject>
#include <QPointF>
#include <QHash>
#include <QSizeF>

namespace tconv::ui {

class ViewSync : public QObject {
    Q_OBJECT
public:
    explicit ViewSync(QObject* parent = nullptr) : QObject(parent) {}

    static constexpr double kMinZoom = 1.0 / 64.0;
    static constexpr double kMaxZoom = 512.0;

    bool fitMode() const { return fit_; }
    double zoom() const { return zoom_; }
    QPointF center() const { return center_; }
    QSizeF worldSize() const { return world_; }

    // The zoom at which the world fits every visible view (with a small margin):
    // the smallest of their fits, so that all views show the same scale.
    double fitZoom() const;
    // Views report their size while visible (and remove it when hidden).
    void reportViewport(const void* view, QSizeF size);
    void removeViewport(const void* view);
    double effectiveZoom() const { return fit_ ? fitZoom() : zoom_; }
    QPointF effectiveCenter() const { return fit_ ? QPointF(world_.width() / 2, world_.height() / 2) : center_; }

    void setWorldSize(QSizeF size);
    void setFit();
    void setView(double zoom, QPointF center);      // leaves fit mode
    void zoomBy(double factor);                     // about the current centre
    void setActualPixels(double devicePixelRatio);  // one device pixel per output pixel

signals:
    void changed();

private:
    bool fit_ = true;
    double zoom_ = 1.0;
    QPointF center_;
    QSizeF world_{1, 1};
    QHash<const void*, QSizeF> viewports_;
};

}  // namespace tconv::ui
