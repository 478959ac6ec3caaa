// SPDX-License-Identifier: MIT
#pragma once
// The scatter stepper of the explanation panel: for small inputs (up to 16x16)
// it shows the output after the first n input pixels have each added their
// scaled kernel, the tutorials' intermediate tensor, with the pixel just
// scattered and its footprint marked. The last step is the engine's result.
// Image mode only: a layer weight has no single 2-D kernel to scatter.
#include <QObject>

#include "compute/ComputeResult.h"

namespace tconv::ui {

class ExplanationPanel;
class KernelEditor;
class ViewArea;

class ScatterStepper : public QObject {
    Q_OBJECT
public:
    ScatterStepper(ViewArea* area, ExplanationPanel* explain, KernelEditor* kernelEditor, QObject* parent = nullptr);

    // A new result: the step count follows its input, the current step is shown on it.
    void showResult(const ComputeResultPtr& result);
    // Shows the output after `step` input pixels (the panel's slider).
    void showStep(int step);

    // numeric mode / scatter steps for inputs up to 16x16
    static constexpr int kMaxPixels = 16 * 16;

private:
    ViewArea* area_;
    ExplanationPanel* explain_;
    KernelEditor* kernelEditor_;  // its tap marks go with the views' marks
    ComputeResultPtr last_;
};

}  // namespace tconv::ui
