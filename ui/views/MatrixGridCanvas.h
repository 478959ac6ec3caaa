// SPDX-License-Identifier: MIT
#pragma once
// The drawing of the matrix view: Cᵀ as a sparse grid (rows = output pixels,
// columns = input pixels, row-major; a filled cell is the kernel tap K[ky,kx]
// that carries that input to that output, coloured by its weight), the input
// values along the top and, right of each row, Cᵀ·x and the engine's value.
// One row, one column and the cells of one tap can be highlighted. Painted
// cell by cell over the exposed rectangle only (up to 576 x 64 cells), inside
// a scroll area.
#include <QWidget>
#include <optional>
#include <vector>

#include "analysis/ConvMatrix.h"

namespace tconv::ui {

// The tap of each cell of a Cᵀ: -1 for an empty cell, else ky * kW + kx.
struct MatrixTaps {
    int kh = 0, kw = 0;
    std::vector<int> tap;  // rows x columns, row-major like ConvMatrix::values
};

class MatrixGridCanvas : public QWidget {
    Q_OBJECT
public:
    explicit MatrixGridCanvas(QWidget* parent = nullptr);

    void setMatrix(const ConvMatrix& m, const MatrixTaps& taps, const std::vector<float>& x,
                   const std::vector<double>& product, const std::vector<float>& engine);
    void setHighlightedRow(int row);     // -1: none
    void setHighlightedColumn(int col);  // -1: none
    void setHighlightedTap(std::optional<int> tap);
    // The widget rectangle of a cell (for scrolling it into view).
    QRect cellRect(int row, int col) const;

    QSize sizeHint() const override;

signals:
    void rowHovered(int row);
    void columnHovered(int col);

protected:
    void paintEvent(QPaintEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;

private:
    int cell() const;
    QColor tapColor(float v) const;

    ConvMatrix m_;
    MatrixTaps taps_;
    std::vector<float> x_;
    std::vector<double> product_;
    std::vector<float> engine_;
    float maxAbs_ = 1;
    int row_ = -1, col_ = -1;
    std::optional<int> tap_;
};

}  // namespace tconv::ui
