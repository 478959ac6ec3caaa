// SPDX-License-Identifier: MIT
#pragma once
// The zero-insertion view ("fractionally strided convolution", tutorial
// 001): the current result's transposed convolution redrawn as a stride-1
// convolution of the flipped kernel over the input with s-1 zeros inserted,
// the implicit d*(k-1)-p border (a crop when negative) and the output padding,
// per axis. The window of one output pixel is marked, its sum is shown next
// to the engine's value for that pixel, and a Play/Pause/step control slides
// the window over the output (or replays the scatter, input pixel by input
// pixel, in the explanation panel). Follows each shown result; the work is a
// few hundred multiply-adds, done on the GUI thread.
#include <QWidget>
#include <optional>

#include "compute/ComputeResult.h"
#include "views/ZeroInsertionModel.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;

namespace tconv::ui {

class StepPlayer;
class ZeroInsertionCanvas;

class ZeroInsertionView : public QWidget {
    Q_OBJECT
public:
    enum class PlayMode { Window, Scatter };

    explicit ZeroInsertionView(QWidget* parent = nullptr);

    void showResult(const ComputeResultPtr& result);
    // The output pixel explained elsewhere (hover, pin): shown without announcing it back.
    void setOutputPixel(int oy, int ox);
    void setTap(std::optional<QPoint> tap);  // x = kx, y = ky
    void setPlayMode(PlayMode m);

    // What is shown, for tests and the screenshot mode.
    const ZeroInsertionModel& model() const { return model_; }
    QPoint outputPixel() const;  // x = column, y = row
    std::vector<WindowCell> window() const;
    std::optional<double> computedValue() const;  // the window's sum (nullopt: no single kernel)
    std::optional<double> engineValue() const;
    QString geometryText() const;
    QString valueText() const;
    StepPlayer* player() const { return player_; }
    ZeroInsertionCanvas* canvas() const { return canvas_; }

signals:
    void outputPixelChosen(int oy, int ox);  // hovered in the view or reached by the player
    void scatterStepChosen(int step);        // the player in scatter-replay mode

private:
    void choose(int oy, int ox);  // show and announce
    void showValue();
    void updatePlayer();
    void onStep(int step);
    QString axisText(const ZeroInsertionAxis& a, const QString& axis, const QString& end) const;

    ComputeResultPtr result_;
    ZeroInsertionModel model_;
    bool valid_ = false;
    ZeroInsertionCanvas* canvas_;
    QLabel* geometry_;
    QLabel* value_;
    QComboBox* mode_;
    QPushButton* back_;
    QPushButton* play_;
    QPushButton* next_;
    QDoubleSpinBox* speed_;
    QLabel* stepLabel_;
    StepPlayer* player_;
};

}  // namespace tconv::ui
