// SPDX-License-Identifier: MIT
#pragma once
// The parameter panel: per-axis geometry (kernel size, stride, padding --
// symmetric as PyTorch's, or per side as ONNX pads --, output_padding, dilation), the output size with a "desired output size"
// solver (PyTorch's output_size argument), bias, backend and display tone,
// and an inline message with the engine's exact reason when a combination is
// invalid. It edits nothing itself: it emits what the user changed.
#include <QWidget>

#include "panels/ParamsDiagnosis.h"
#include "document/StudioParams.h"
#include "core/OutputGeometry.h"

class QCheckBox;
class QComboBox;
class QFormLayout;
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
    AxisPairEditor* padding() const { return padding_; }        // symmetric, or the begin (top, left) when per side
    AxisPairEditor* paddingEnd() const { return paddingEnd_; }  // per side: the end (bottom, right)
    QCheckBox* perSidePadding() const { return perSide_; }
    AxisPairEditor* outputPadding() const { return outputPadding_; }
    AxisPairEditor* dilation() const { return dilation_; }
    QDoubleSpinBox* biasBox() const { return bias_; }
    // What is wrong with the shown parameters, field by field (empty: valid).
    const QVector<ParamsIssue>& issues() const { return issues_; }
    QComboBox* backendBox() const { return backend_; }

signals:
    void geometryChanged(tconv::ConvParams geometry);
    void biasChanged(float bias);
    void backendChanged(tconv::BackendKind kind);
    void toneChanged(tconv::ui::ToneMode mode);
    void solveFailed(const QString& message);
    // The shown parameters' problems changed (empty: they are valid), for the formula.
    void problemsChanged(const QStringList& problems);

private:
    ConvParams geometry() const;
    void emitGeometry();
    void updateOutputSize();
    void solveForTarget();         // PyTorch's output_size: padding kept, output_padding chosen
    void solvePaddingForTarget();  // the separate "solve for padding": smallest padding, then output_padding
    void showIssues();
    void showPerSide(bool on);  // the end-padding row and the formula, without emitting

    AxisPairEditor* kernel_;
    AxisPairEditor* stride_;
    AxisPairEditor* padding_;
    AxisPairEditor* paddingEnd_;
    QCheckBox* perSide_;
    QFormLayout* geometryForm_;
    AxisPairEditor* outputPadding_;
    AxisPairEditor* dilation_;
    QLabel* outputSize_;
    QLabel* formulaHint_;
    QSpinBox* targetH_;
    QSpinBox* targetW_;
    QPushButton* solve_;
    QPushButton* solvePadding_;
    QVector<ParamsIssue> issues_;
    QString engineMessage_;
    int64_t layerInChannels_ = 0;  // weight mode: the weight's C_in (groups must divide it)
    QLabel* groups_;               // image mode: groups = channels (depthwise)
    QSpinBox* groupsBox_;          // weight mode: the layer's groups
    bool weightMode_ = false;
    QDoubleSpinBox* bias_;
    QComboBox* backend_;
    QComboBox* tone_;
    QLabel* message_;
    int inH_ = 0, inW_ = 0, inC_ = 0;
    ConvParams shown_;
};

}  // namespace tconv::ui
