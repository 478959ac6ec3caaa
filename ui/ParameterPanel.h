#pragma once
// The parameter panel: per-axis geometry (kernel size, stride, padding,
// output_padding, dilation), the output size with a "desired output size"
// solver (PyTorch's output_size argument), bias, backend and display tone,
// and an inline message with the engine's exact reason when a combination is
// invalid. It edits nothing itself: it emits what the user changed.
#include <QWidget>

#include "StudioParams.h"
#include "core/OutputGeometry.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace tconv::ui {

class AxisPairEditor;

class ParameterPanel : public QWidget {
    Q_OBJECT
public:
    explicit ParameterPanel(QWidget* parent = nullptr);

    void setParams(const StudioParams& p);  // shows p without emitting
    void setInputShape(int h, int w, int channels);
    void setValidationMessage(const QString& message);  // empty: hides it
    QString validationMessage() const;

    AxisPairEditor* kernelSize() const { return kernel_; }
    AxisPairEditor* stride() const { return stride_; }
    AxisPairEditor* padding() const { return padding_; }
    AxisPairEditor* outputPadding() const { return outputPadding_; }
    AxisPairEditor* dilation() const { return dilation_; }
    QDoubleSpinBox* biasBox() const { return bias_; }
    QComboBox* backendBox() const { return backend_; }

signals:
    void geometryChanged(tconv::ConvParams geometry);
    void biasChanged(float bias);
    void backendChanged(tconv::BackendKind kind);
    void toneChanged(tconv::ui::ToneMode mode);
    void solveFailed(const QString& message);

private:
    ConvParams geometry() const;
    void emitGeometry();
    void updateOutputSize();
    void solveForTarget();

    AxisPairEditor* kernel_;
    AxisPairEditor* stride_;
    AxisPairEditor* padding_;
    AxisPairEditor* outputPadding_;
    AxisPairEditor* dilation_;
    QLabel* outputSize_;
    QLabel* formulaHint_;
    QSpinBox* targetH_;
    QSpinBox* targetW_;
    QPushButton* solve_;
    QLabel* groups_;       // image mode: groups = channels (depthwise)
    QSpinBox* groupsBox_;  // weight mode: the layer's groups
    bool weightMode_ = false;
    QDoubleSpinBox* bias_;
    QComboBox* backend_;
    QComboBox* tone_;
    QLabel* message_;
    int inH_ = 0, inW_ = 0, inC_ = 0;
    ConvParams shown_;
};

}  // namespace tconv::ui
