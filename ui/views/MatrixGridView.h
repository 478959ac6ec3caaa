// SPDX-License-Identifier: MIT
#pragma once
// The matrix view (tutorial 000's conv_matrix): for small inputs, Cᵀ, the
// transpose of the matrix of the forward convolution with the same k, s, p, d,
// which is what ConvTranspose2d applies (engine/analysis/ConvMatrix). Rows
// are output pixels, columns input pixels, cells kernel taps; hovering an
// output pixel anywhere highlights its row (exactly the provenance panel's
// inputs and taps), an input pixel its column (the kernel copy it scatters).
// Cᵀ·x stands next to the engine's output, with the output-size identity:
// the forward convolution maps the output size back to the input size, and
// several output sizes map to the same input size (why output_padding
// exists). Export writes Cᵀ as .npy, as `tconv matrix` does. Follows each
// shown result; at most 576 x 64 entries, built on the GUI thread (< 1 ms).
#include <QWidget>
#include <optional>

#include "analysis/ConvMatrix.h"
#include "compute/ComputeResult.h"
#include "views/MatrixGridCanvas.h"

class QLabel;
class QPushButton;
class QScrollArea;

namespace tconv::ui {

class MatrixGridView : public QWidget {
    Q_OBJECT
public:
    // Inputs up to 8 x 8 and outputs up to 24 x 24 pixels (576 rows).
    static constexpr int kMaxInputAxis = 8;
    static constexpr int kMaxOutputPixels = 24 * 24;

    explicit MatrixGridView(QWidget* parent = nullptr);

    void showResult(const ComputeResultPtr& result);
    void setOutputPixel(int oy, int ox);     // highlights its row
    void setInputPixel(int iy, int ix);      // highlights its column
    void setTap(std::optional<QPoint> tap);  // x = kx, y = ky
    // Writes Cᵀ (rows = output pixels, columns = input pixels) to `path`; false and *error when it cannot.
    bool exportNpy(const QString& path, QString* error = nullptr) const;

    // What is shown, for tests and the screenshot mode.
    bool hasMatrix() const { return valid_; }
    const ConvMatrix& matrix() const { return m_; }
    const MatrixTaps& taps() const { return taps_; }
    const std::vector<double>& product() const { return product_; }  // Cᵀ·x, per output pixel
    const std::vector<float>& engine() const { return engine_; }
    int highlightedRow() const { return row_; }
    int highlightedColumn() const { return col_; }
    std::optional<int> highlightedTap() const { return tap_; }
    QString identityText() const;
    QString checkText() const;
    QString message() const;

signals:
    void outputPixelChosen(int oy, int ox);
    void inputPixelChosen(int iy, int ix);

private:
    void exportDialog();
    void scrollToRow(int row);

    ComputeResultPtr result_;
    bool valid_ = false;
    ConvMatrix m_;
    MatrixTaps taps_;
    std::vector<double> product_;
    std::vector<float> engine_;
    int row_ = -1, col_ = -1;
    std::optional<int> tap_;
    QLabel* header_;
    QLabel* identity_;
    QLabel* check_;
    QScrollArea* scroll_;
    MatrixGridCanvas* canvas_;
    QPushButton* export_;
};

}  // namespace tconv::ui
