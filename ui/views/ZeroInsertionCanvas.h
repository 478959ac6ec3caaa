// SPDX-License-Identifier: MIT
#pragma once
// The drawing of the zero-insertion view: on the left the canvas the flipped
// kernel slides over (input pixels with their values, the inserted zeros, the
// border zeros, the output-padding zeros, each in its own colour), the window
// of the current output pixel with its flipped taps and dilation holes; on the
// right the output grid with the engine's values. Inputs larger than
// kFullAxis along an axis are drawn as a crop around the current window.
// Hovering a cell of either grid chooses the output pixel (a canvas cell
// stands for the window whose top-left corner it is).
#include <QPoint>
#include <QRect>
#include <QWidget>
#include <optional>

#include "compute/ComputeResult.h"
#include "views/ZeroInsertionModel.h"

namespace tconv::ui {

class ZeroInsertionCanvas : public QWidget {
    Q_OBJECT
public:
    explicit ZeroInsertionCanvas(QWidget* parent = nullptr);

    // Axes up to this many input pixels are drawn whole; longer ones as a crop.
    static constexpr int kFullAxis = 32;
    static constexpr int kCropMargin = 10;  // canvas cells shown around the window in a crop

    // The model of `result` (its layer input's channel 0 through its kernel, as provenance shows it).
    void setScene(const ZeroInsertionModel& model, const ComputeResultPtr& result);
    void setOutputPixel(QPoint outputPixel);  // x = column, y = row
    // Marks every (input, output) pair of kernel tap (ky, kx); nullopt clears.
    void setTap(std::optional<QPoint> tap);  // x = kx, y = ky

    // The parts shown (canvas and output coordinates): the whole grids, or crops around the window.
    QRect visibleCanvas() const;
    QRect visibleOutput() const;
    QPoint outputPixel() const { return current_; }

    QSize sizeHint() const override { return {560, 300}; }
    QSize minimumSizeHint() const override { return {240, 140}; }

signals:
    void outputHovered(int oy, int ox);

protected:
    void paintEvent(QPaintEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;

private:
    struct Layout {
        double cell = 0;
        QPointF canvasOrigin, outputOrigin;  // widget position of the visible grids' top-left cells
    };
    Layout layout() const;
    void drawCanvas(QPainter& p, const Layout& l) const;
    void drawWindow(QPainter& p, const Layout& l) const;
    void drawOutput(QPainter& p, const Layout& l) const;
    void drawTapPairs(QPainter& p, const Layout& l) const;
    QColor inputColor(float v) const;

    ZeroInsertionModel model_;
    ComputeResultPtr result_;
    float lo_ = 0, hi_ = 1;  // the input plane's range, for the cell shades
    // The input that range was measured on: an edit keeps the input, and a
    // 12 MP photo's plane took ~17 ms to scan on the GUI thread per edit.
    std::shared_ptr<const Tensor> rangeInput_;
    QPoint current_;
    std::optional<QPoint> tap_;
};

}  // namespace tconv::ui
