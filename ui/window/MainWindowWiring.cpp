// SPDX-License-Identifier: MIT
// MainWindow: the wiring. Which signal drives which controller or widget, in
// the order the original single window did the same work (the order matters
// where several listeners share one signal: e.g. after a result, the stepper
// draws before provenance marks its pixel, and resultShown comes last).
#include <QAction>
#include <QActionGroup>
#include <QLabel>

#include "compute/ComputePipeline.h"
#include "controllers/ComputeScheduler.h"
#include "controllers/DocumentController.h"
#include "controllers/ExportController.h"
#include "controllers/KernelEditController.h"
#include "controllers/ProvenanceController.h"
#include "controllers/RepairController.h"
#include "controllers/ScatterStepper.h"
#include "controllers/StudioDocument.h"
#include "controllers/TapHighlight.h"
#include "document/DocumentReset.h"
#include "document/StateHistory.h"
#include "panels/DeconvNetPanel.h"
#include "panels/ExplanationPanel.h"
#include "panels/GradientPanel.h"
#include "panels/KernelEditor.h"
#include "panels/ParameterPanel.h"
#include "panels/StackPanel.h"
#include "views/MatrixGridView.h"
#include "views/ViewSync.h"
#include "views/ZeroInsertionView.h"
#include "window/MainWindow.h"

namespace tconv::ui {

void MainWindow::connectDocument() {
    connect(document_, &StudioDocument::paramsReplaced, this, [this](const StudioParams& p) {
        paramsPanel_->setParams(p);
        area_->setHeatmapKind(p.heatmap);
        area_->setResizeMode(p.resize);
    });
    connect(document_, &StudioDocument::inputReplaced, this, &MainWindow::showNewInput);
    connect(document_, &StudioDocument::inputReplaced, this, [this] { deconvnet_->setImage(document_->input()); });
    connect(document_, &StudioDocument::inputReplaced, this, [this] { stack_->setImage(document_->input()); });
    // The gradient panel's Conv2d is the studio's layer (k, s, p, d, kernel) on an input of the image's size.
    connect(this, &MainWindow::resultShown, this, [this](const ComputeResultPtr& r) {
        const Shape4 in = r->request.input->shape();
        gradient_->setLayer(r->request.params.geometry, r->request.kernel, in.h, in.w);
    });
    connect(document_, &StudioDocument::tutorialChanged, this, [this](const TutorialExample* t) {
        explain_->setTutorial(t, false);
        if (t) setShowValues(true);  // a tutorial is about its numbers
    });
    connect(document_, &StudioDocument::weightRenamed, scheduler_, &ComputeScheduler::refreshKernelView);
    connect(document_, &StudioDocument::changed, scheduler_, &ComputeScheduler::schedule);
    connect(history(), &StateHistory::kernelChanged, this, &MainWindow::resetDocumentState);

    connect(scheduler_, &ComputeScheduler::resultPresented, this, [this](const ComputeResultPtr& r) {
        stepper_->showResult(r);
        showResultStatus(r);
        zeroInsertion_->showResult(r);
        matrixGrid_->showResult(r);
        tapHighlight_->showResult(r);
        provenance_->showResult(r);
        emit resultShown(r);
    });
    connect(pipeline(), &ComputePipeline::busyChanged, this,
            [this](bool busy) { busyLabel_->setText(busy ? tr("● computing") : QString()); });
}

void MainWindow::connectViews() {
    connect(area_, &ViewArea::hovered, provenance_, &ProvenanceController::onHover);
    connect(area_, &ViewArea::clicked, provenance_, &ProvenanceController::onClick);
    connect(area_, &ViewArea::heatmapKindChanged, this, [this](HeatmapKind k) {
        area_->setHeatmapKind(k);
        document_->edit([k](StudioParams& p) { p.heatmap = k; });
    });
    connect(area_, &ViewArea::resizeModeChanged, this, [this](ResizeMode m) {
        area_->setResizeMode(m);
        document_->edit([m](StudioParams& p) { p.resize = m; });
    });
    connect(area_, &ViewArea::layoutChanged, this, [this] {
        scheduler_->onLayoutChanged();
        for (QAction* a : layoutGroup_->actions())
            a->setChecked(a->data().toInt() == static_cast<int>(area_->layoutMode()));
    });
}

void MainWindow::connectPanels() {
    connect(paramsPanel_, &ParameterPanel::geometryChanged, this, [this](const ConvParams& g) {
        document_->edit([&g](StudioParams& p) {
            p.geometry = g;
            clampWeightChannel(p);  // fewer groups, fewer output channels
        });
    });
    connect(paramsPanel_, &ParameterPanel::biasChanged, this,
            [this](float b) { document_->edit([b](StudioParams& p) { p.bias = b; }); });
    connect(paramsPanel_, &ParameterPanel::backendChanged, this,
            [this](BackendKind k) { document_->edit([k](StudioParams& p) { p.backend = k; }); });
    connect(paramsPanel_, &ParameterPanel::toneChanged, this,
            [this](ToneMode m) { document_->edit([m](StudioParams& p) { p.tone = m; }); });
    connect(paramsPanel_, &ParameterPanel::solveFailed, scheduler_, &ComputeScheduler::reportError);
    connect(paramsPanel_, &ParameterPanel::problemsChanged, explain_, &ExplanationPanel::setProblems);

    connect(kernelEditor_, &KernelEditor::normalizeRequested, this,
            [this] { kernelEdits_->normalize(scheduler_->kernel()); });
    connect(kernelEditor_, &KernelEditor::repairRequested, this,
            [this](const QString& method) { repair_->repair(method, scheduler_->kernel()); });
    connect(kernelEditor_, &KernelEditor::loadRequested, documents_, &DocumentController::loadKernelDialog);
    connect(kernelEditor_, &KernelEditor::weightSaveRequested, exports_, &ExportController::saveWeightDialog);
    connect(explain_, &ExplanationPanel::stepChanged, stepper_, &ScatterStepper::showStep);
    connectFormulations();
}

// The zero-insertion and matrix views follow the explained pixel both ways, and the kernel-tap hover.
void MainWindow::connectFormulations() {
    connect(provenance_, &ProvenanceController::outputPixelShown, zeroInsertion_, &ZeroInsertionView::setOutputPixel);
    connect(provenance_, &ProvenanceController::outputPixelShown, matrixGrid_, &MatrixGridView::setOutputPixel);
    connect(provenance_, &ProvenanceController::inputPixelShown, matrixGrid_, &MatrixGridView::setInputPixel);
    auto explain = [this](int oy, int ox) { provenance_->explainOutputPixel(oy, ox, false); };
    connect(zeroInsertion_, &ZeroInsertionView::outputPixelChosen, this, explain);
    connect(matrixGrid_, &MatrixGridView::outputPixelChosen, this, explain);
    connect(matrixGrid_, &MatrixGridView::inputPixelChosen, provenance_, &ProvenanceController::explainInputPixel);
    // The same player replays the scatter, input pixel by input pixel.
    connect(zeroInsertion_, &ZeroInsertionView::scatterStepChosen, explain_, &ExplanationPanel::setStep);
    connect(kernelEditor_, &KernelEditor::tapHovered, tapHighlight_, &TapHighlight::onTapHovered);
    connect(tapHighlight_, &TapHighlight::cleared, provenance_, &ProvenanceController::refresh);
}

void MainWindow::showNewInput() {
    resetDocumentState();
    const Shape4 s = document_->input()->shape();
    paramsPanel_->setInputShape(static_cast<int>(s.h), static_cast<int>(s.w), static_cast<int>(s.c));
    const bool small = s.h * s.w <= ScatterStepper::kMaxPixels;
    explain_->setStepCount(small ? static_cast<int>(s.h * s.w) : 0);
    // Small inputs (up to 16x16) open in numeric mode: the values are the point.
    setShowValues(small);
    sync_->setFit();
}

// The one reset path (DocumentReset): pinned/hovered pixel, explanation, repair report, selections.
void MainWindow::resetDocumentState() {
    provenance_->forget();
    reset_->run();
}

void MainWindow::showResultStatus(const ComputeResultPtr& result) {
    const Shape4 in = result->request.input->shape(), out = result->output.shape();
    backendLabel_->setText(result->backend);
    // H × W (× C) everywhere, as PyTorch and the CLI write shapes.
    sizeLabel_->setText(tr("%1 × %2 × %3  →  %4 × %5").arg(in.h).arg(in.w).arg(in.c).arg(out.h).arg(out.w));
    timeLabel_->setText(tr("%1 ms (conv %2 ms)")
                            .arg(QString::number(result->computeMs, 'f', 1), QString::number(result->convMs, 'f', 1)));
    setWindowTitle(tr("%1 — TConv Studio").arg(document_->inputName()));
}

}  // namespace tconv::ui
