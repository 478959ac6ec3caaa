// SPDX-License-Identifier: MIT
#include "controllers/ScatterStepper.h"

#include <QSlider>
#include <algorithm>
#include <climits>

#include "controllers/Highlights.h"
#include "document/Provenance.h"
#include "panels/ExplanationPanel.h"
#include "panels/KernelEditor.h"
#include "views/DisplayImage.h"
#include "views/ImageView.h"
#include "views/ViewArea.h"
#include "views/ViewPanel.h"

namespace tconv::ui {

ScatterStepper::ScatterStepper(ViewArea* area, ExplanationPanel* explain, KernelEditor* kernelEditor, QObject* parent)
    : QObject(parent), area_(area), explain_(explain), kernelEditor_(kernelEditor) {}

void ScatterStepper::showResult(const ComputeResultPtr& result) {
    last_ = result;
    const Shape4 in = last_->request.input->shape();
    const bool scatterable = !last_->request.params.isFullWeight() && in.h * in.w <= kMaxPixels;
    const int total = scatterable ? static_cast<int>(in.h * in.w) : 0;
    if (explain_->stepSlider()->maximum() != total || !explain_->isVisible()) explain_->setStepCount(total);
    if (total > 0 && explain_->step() < total) showStep(explain_->step());
    else
        explain_->setStepText(total > 0 ? tr("All %1 input pixels scattered: the engine's result.").arg(total)
                                        : QString());
}

void ScatterStepper::showStep(int step) {
    if (!last_) return;
    const ComputeRequest& r = last_->request;
    const Shape4 in = r.input->shape(), out = last_->output.shape();
    const int total = static_cast<int>(in.h * in.w);
    if (step >= total) {
        area_->present(last_);
        for (ViewPanel* p : area_->visiblePanels()) p->view()->setHighlights({});
        kernelEditor_->setHighlightedTaps({});
        explain_->setStepText(tr("All %1 input pixels scattered: the engine's result.").arg(total));
        return;
    }
    // The tutorials' intermediate tensor: the first `step` input pixels scattered.
    auto partial = std::make_shared<Tensor>(partialScatter(*r.input, r.kernel, r.params.geometry, r.params.bias, step));
    const MipImage img = makeMips(tensorToImage(*partial, last_->tone));
    QVector<ViewHighlight> outMarks, inMarks;
    QString text = tr("Step %1 of %2: nothing scattered yet (bias only).").arg(step).arg(total);
    if (step > 0) {
        const int iy = (step - 1) / static_cast<int>(in.w), ix = (step - 1) % static_cast<int>(in.w);
        int y0 = INT_MAX, y1 = INT_MIN, x0 = INT_MAX, x1 = INT_MIN;
        for (const auto& [oy, ox] : scatterFootprint(r.params.geometry, static_cast<int>(out.h),
                                                     static_cast<int>(out.w), iy, ix, r.kernel.h, r.kernel.w)) {
            outMarks.push_back({QRect(ox, oy, 1, 1), kInputHighlight, false});
            y0 = std::min(y0, oy);
            y1 = std::max(y1, oy);
            x0 = std::min(x0, ox);
            x1 = std::max(x1, ox);
        }
        inMarks.push_back({QRect(ix, iy, 1, 1), kInputHighlight, true});
        const float x = r.input->at(0, 0, iy, ix);  // negative values in parentheses: "(−0.5) · K"
        const QString value =
            x < 0 ? QStringLiteral("(−%1)").arg(QString::number(-x, 'g', 4)) : QString::number(x, 'g', 4);
        text = outMarks.isEmpty() ? tr("Step %1 of %2: x[%3,%4] = %5 lands entirely in the cropped padding.")
                                        .arg(step)
                                        .arg(total)
                                        .arg(iy)
                                        .arg(ix)
                                        .arg(value)
                                  : tr("Step %1 of %2: x[%3,%4] = %5 adds %5 · K to rows %6–%7, columns %8–%9 "
                                       "(origin i·s − p, taps d apart).")
                                        .arg(step)
                                        .arg(total)
                                        .arg(iy)
                                        .arg(ix)
                                        .arg(value)
                                        .arg(y0)
                                        .arg(y1)
                                        .arg(x0)
                                        .arg(x1);
    }
    for (ViewPanel* p : area_->visiblePanels()) {
        if (p->content() == ViewContent::Result || p->content() == ViewContent::CompareAB) {
            p->view()->clearSplit();
            p->view()->setImage(img);
            p->view()->setValues(partial);
            p->view()->setHighlights(outMarks);
        } else if (p->content() == ViewContent::Input) {
            p->view()->setHighlights(inMarks);
        }
    }
    explain_->setStepText(text);
}

}  // namespace tconv::ui
