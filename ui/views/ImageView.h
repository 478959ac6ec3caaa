// SPDX-License-Identifier: MIT
#pragma once
// One synchronized image view: pixel-exact nearest-neighbour rendering when
// zoomed in (with a pixel grid and, in numeric mode, the values in the cells),
// box-filtered mip levels when zoomed out; wheel zooms about the cursor, drag
// pans, a click pins the hovered pixel. Optionally an A/B split: image A left
// of a draggable divider, image B right of it.
#include <QPointer>
#include <QWidget>
#include <array>
#include <memory>
#include <optional>

#include "views/DisplayImage.h"
#include "views/LevelTiles.h"
#include "views/ViewSync.h"
#include "core/Tensor.h"

namespace tconv::ui {

// A region of the world drawn translucent over the image (e.g. the rows that
// padding crops from the full output), with a short label.
struct ViewGhost {
    QRectF world;
    QColor color;
    QString label;
    friend bool operator==(const ViewGhost&, const ViewGhost&) = default;
};

struct ViewHighlight {
    QRect pixels;  // in this view's image pixels
    QColor color;
    bool filled = false;
    friend bool operator==(const ViewHighlight&, const ViewHighlight&) = default;
};

// What a reduced (zoomed-out) drawing was made from; ImageView caches by it.
struct ReducedDrawKey {
    const ValuePyramid* values = nullptr;
    int level = 0;
    QPointF origin;
    QSizeF step;
    QSize target;
    PixelMapping mapping;
    bool operator==(const ReducedDrawKey& o) const {
        return values == o.values && level == o.level && origin == o.origin && step == o.step && target == o.target &&
               mapping == o.mapping;
    }
};

class ImageView : public QWidget {
    Q_OBJECT
public:
    explicit ImageView(ViewSync* sync, QWidget* parent = nullptr);

    // `worldPerPixel`: how many world units (output pixels) one image pixel spans;
    // `origin`: the world position of the image's top-left corner (the Input
    // view draws input pixel i at output position i * s - p).
    void setImage(const MipImage& image, QSizeF worldPerPixel = QSizeF(1, 1), QPointF origin = QPointF());
    void setGhosts(const QVector<ViewGhost>& ghosts);
    const QVector<ViewGhost>& ghosts() const { return ghosts_; }
    void setSplitImage(const MipImage& image, const QString& labelA, const QString& labelB);
    void clearSplit();
    bool isSplit() const { return split_; }
    double splitFraction() const { return splitFrac_; }
    void setSplitFraction(double f);

    // Numeric mode: values drawn in the cells when they are large enough.
    void setValues(std::shared_ptr<const Tensor> values);
    void setShowValues(bool on);
    void setShowGrid(bool on);
    void setHighlights(const QVector<ViewHighlight>& h);
    const QVector<ViewHighlight>& highlights() const { return highlights_; }
    void setMessage(const QString& message);  // shown over the view (e.g. why it is empty)
    // A caption shown while a data pixel is smaller than a device pixel: the
    // view then shows area averages, in which a 2-pixel pattern is flat.
    void setMinifiedHint(const QString& hint);
    bool belowDisplayResolution() const;
    // A strip across the top (e.g. "showing the last valid result"); empty hides it.
    void setBanner(const QString& text);

    const MipImage& image() const { return image_; }
    QSizeF worldPerPixel() const { return worldPerPixel_; }
    QPointF origin() const { return origin_; }
    // The world position of a point in image pixels (origin + p * worldPerPixel).
    QPointF worldOfPixel(QPointF pixel) const;
    // The image pixel under a widget position (may lie outside the image).
    QPoint pixelAt(QPointF widgetPos) const;
    QPointF worldAt(QPointF widgetPos) const;
    QPointF widgetPosOfWorld(QPointF world) const;
    double zoom() const;
    // The finer levels of large photos, computed off the GUI thread (for tests: busy(), patchCount()).
    const LevelTiles& tiles() const { return tiles_; }

    QSize sizeHint() const override { return {480, 360}; }
    QSize minimumSizeHint() const override { return {120, 90}; }

signals:
    void hovered(QPointF world);  // NaN coordinates when the mouse leaves
    void clicked(QPointF world);

protected:
    void paintEvent(QPaintEvent*) override;
    void wheelEvent(QWheelEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void mouseDoubleClickEvent(QMouseEvent*) override;
    void leaveEvent(QEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    void showEvent(QShowEvent*) override;
    void hideEvent(QHideEvent*) override;

private:
    QPointF center() const;
    QRectF imageRectOnScreen(const MipImage& img) const;
    void drawImage(QPainter& p, const MipImage& img, const QRectF& clip) const;
    // Each returns false when the level comes from a source and its values are
    // not at hand yet (then, with `ask`, they are requested from tiles_).
    bool drawFullResolution(QPainter& p, const MipImage& img, const QRectF& clip, bool ask) const;
    bool drawReduced(QPainter& p, const MipImage& img, int level, const QRectF& clip, bool ask) const;
    bool drawReducedTone(QPainter& p, const MipImage& img, int level, const QRectF& area, bool ask) const;
    // The patch a source level is drawn from, or null (requested when `ask`).
    const LevelPatch* patchFor(const MipImage& img, int level, const QRect& footprint, bool ask) const;
    void keepTilesOfShownImages();
    void drawGrid(QPainter& p) const;
    void drawValues(QPainter& p) const;
    void drawHighlights(QPainter& p) const;
    void drawMarker(QPainter& p, const ViewHighlight& h) const;
    void drawGhosts(QPainter& p) const;
    void drawSplitHandle(QPainter& p) const;
    bool nearSplitHandle(QPointF pos) const;
    QColor backgroundColor() const;
    QRgb displayedPixel(int x, int y) const;  // of the main image, as last drawn

    QPointer<ViewSync> sync_;
    MipImage image_, imageB_;
    QSizeF worldPerPixel_{1, 1};
    QPointF origin_;
    QVector<ViewGhost> ghosts_;
    bool split_ = false;
    double splitFrac_ = 0.5;
    QString labelA_, labelB_;
    std::shared_ptr<const Tensor> values_;
    bool showValues_ = false;
    bool showGrid_ = true;
    QVector<ViewHighlight> highlights_;
    QString message_;
    QString minifiedHint_;
    QString banner_;
    // The level-0 pixels converted for the last paint (lazy images), for drawValues.
    mutable QImage visible_;
    mutable QPoint visibleOrigin_;
    // The last reduced renderings (image A and B of a split), so hover repaints
    // do not resample. Cleared with each new image: a recycled pyramid may reuse an address.
    mutable std::array<std::pair<ReducedDrawKey, QImage>, 2> reducedCache_;
    mutable int reducedNext_ = 0;
    mutable LevelTiles tiles_;

    enum class Drag { None, Pan, Split };
    Drag drag_ = Drag::None;
    QPointF pressPos_, lastPos_;
    bool moved_ = false;
};

}  // namespace tconv::ui
