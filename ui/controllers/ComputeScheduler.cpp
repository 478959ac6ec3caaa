// SPDX-License-Identifier: MIT
#include "controllers/ComputeScheduler.h"

#include <QStatusBar>
#include <cmath>

#include "analysis/PhaseGain.h"
#include "compute/ComputePipeline.h"
#include "compute/StudioProblem.h"
#include "controllers/StudioDocument.h"
#include "core/Validation.h"
#include "document/TutorialExamples.h"
#include "panels/ExplanationPanel.h"
#include "panels/KernelEditor.h"
#include "panels/ParameterPanel.h"
#include "views/ImageView.h"
#include "views/ViewArea.h"
#include "views/ViewPanel.h"
#include "views/ViewSync.h"

namespace tconv::ui {
namespace {

// A tutorial is solved when the engine's output equals its worked example.
bool matchesExpected(const TutorialExample& e, const Tensor& out) {
    if (e.expected.isEmpty()) return false;
    if (out.shape().h != e.expected.size() || out.shape().w != e.expected[0].size()) return false;
    for (int y = 0; y < e.expected.size(); ++y)
        for (int x = 0; x < e.expected[y].size(); ++x)
            if (std::abs(out.at(0, 0, y, x) - e.expected[y][x]) > 1e-5f) return false;
    return true;
}

}  // namespace

ComputeScheduler::ComputeScheduler(StudioDocument* document, const Views& views, QObject* parent)
    : QObject(parent), document_(document), views_(views), pipeline_(new ComputePipeline(this)) {
    connect(pipeline_, &ComputePipeline::resultReady, this, &ComputeScheduler::onResult);
}

bool ComputeScheduler::waitForIdle(int timeoutMs) { return pipeline_->waitForIdle(timeoutMs); }

ComputeScheduler::Parts ComputeScheduler::neededParts() const {
    Parts parts;
    for (ViewPanel* p : views_.area->visiblePanels()) {
        switch (p->content()) {
            case ViewContent::Heatmap: parts.heatmap = true; break;
            case ViewContent::Spectrum: parts.spectrum = true; break;
            // The difference is T − R: it needs the resize-conv result too.
            case ViewContent::Difference: parts.difference = parts.resizeConv = true; break;
            case ViewContent::ResizeConv:
            case ViewContent::CompareAB: parts.resizeConv = true; break;
            default: break;
        }
    }
    return parts;
}

void ComputeScheduler::onLayoutChanged() {
    if (!last_) return;
    const ComputeRequest& r = last_->request;
    const Parts need = neededParts();
    if ((need.spectrum && !r.spectrum) || (need.heatmap && !r.heatmap) || (need.difference && !r.difference) ||
        (need.resizeConv && !r.resizeConv))
        schedule();
}

void ComputeScheduler::schedule() {
    const std::shared_ptr<const Tensor> input = document_->input();
    if (!input) return;
    const StudioParams& params = document_->params();
    const Shape4 in = input->shape();
    views_.explain->setGeometry(params.geometry, static_cast<int>(in.h), static_cast<int>(in.w));
    StudioProblem problem;
    try {
        kernel_ = resolveKernel(params);
        problem = planStudioProblem(params, kernel_, static_cast<int>(in.c));
        validateProblem(problem.layer.problemFor(Shape4{in.n, problem.inputChannels, in.h, in.w}), studioLimits());
    } catch (const std::exception& e) {
        reportError(QString::fromUtf8(e.what()));
        return;
    }
    reportError({});
    views_.kernelEditor->setLayerNote(problem.note);
    refreshKernelView();
    const Parts parts = neededParts();
    ComputeRequest r;
    r.input = input;
    r.params = params;
    r.kernel = kernel_;
    r.heatmap = parts.heatmap;
    r.resizeConv = parts.resizeConv;
    r.difference = parts.difference;
    r.spectrum = parts.spectrum;
    pipeline_->submit(std::move(r));
}

void ComputeScheduler::reportError(const QString& message) {
    error_ = message;
    views_.params->setValidationMessage(message);
    const QString banner =
        message.isEmpty() || !last_ ? QString() : tr("Invalid parameters: showing the last valid result");
    for (ViewPanel* p : views_.area->visiblePanels())
        p->view()->setBanner(p->content() == ViewContent::Input ? QString() : banner);
    if (!message.isEmpty()) views_.statusBar->showMessage(tr("Not computed: %1").arg(message), 8000);
}

void ComputeScheduler::resolveKernelOnly() {
    try {
        kernel_ = resolveKernel(document_->params());
        refreshKernelView();
    } catch (const std::exception&) {
        // Invalid parameters: the first compute reports why.
    }
}

void ComputeScheduler::refreshKernelView() {
    const StudioParams& params = document_->params();
    views_.kernelEditor->setKernel(kernel_, params);
    try {
        const PhaseGainTable g = phaseGainTable(kernel_, params.geometry.stride, params.geometry.dilation);
        views_.kernelEditor->setAnalysis(g, artifactScores(g));
    } catch (const std::exception&) {
        // No analysis for a kernel the geometry cannot use; the error line says why.
    }
}

void ComputeScheduler::onResult(const ComputeResultPtr& result) {
    if (!result->ok) {
        reportError(result->error);  // the views keep the last good result
        return;
    }
    last_ = result;
    const Shape4 out = result->output.shape();
    views_.sync->setWorldSize(QSizeF(out.w, out.h));
    if (introZoom_) {
        // The zone plate's smooth centre, magnified: the checkerboard is plain to see.
        introZoom_ = false;
        views_.sync->setView(3.0, QPointF(out.w * 0.5 + 40, out.h * 0.5 + 24));
    }
    views_.area->present(result);
    if (!error_.isEmpty()) reportError(error_);  // a newer edit was invalid: keep saying so over this result
    if (const TutorialExample* t = document_->tutorial())
        views_.explain->setTutorial(t, matchesExpected(*t, result->output));
    emit resultPresented(result);
}

}  // namespace tconv::ui
