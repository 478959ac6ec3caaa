// MainWindow: turning edits into compute requests and results into views;
// hover provenance and the scatter stepper.
#include <QAction>
#include <QLabel>
#include <QSlider>
#include <QStatusBar>
#include <climits>
#include <cmath>

#include "panels/ExplanationPanel.h"
#include "panels/KernelEditor.h"
#include "window/MainWindow.h"
#include "panels/ParameterPanel.h"
#include "document/Provenance.h"
#include "document/StateHistory.h"
#include "document/TutorialExamples.h"
#include "views/ViewSync.h"
#include "analysis/ChannelScores.h"
#include "analysis/KernelRepair.h"
#include "analysis/LayerKernels.h"
#include "core/ConvError.h"
#include "core/Validation.h"

namespace tconv::ui {
namespace {

constexpr int kStepperMaxPixels = 16 * 16;  // numeric mode / scatter steps for inputs up to 16x16

const QColor kInputHighlight(255, 170, 0);
const QColor kOutputHighlight(0, 200, 255);

bool matchesExpected(const TutorialExample& e, const Tensor& out) {
    if (e.expected.isEmpty()) return false;
    if (out.shape().h != e.expected.size() || out.shape().w != e.expected[0].size()) return false;
    for (int y = 0; y < e.expected.size(); ++y)
        for (int x = 0; x < e.expected[y].size(); ++x)
            if (std::abs(out.at(0, 0, y, x) - e.expected[y][x]) > 1e-5f) return false;
    return true;
}

}  // namespace

bool MainWindow::needs(ViewContent c) const {
    for (ViewPanel* p : area_->visiblePanels())
        if (p->content() == c) return true;
    return false;
}

void MainWindow::onGeometry(const ConvParams& g) {
    state_.geometry = g;
    clampWeightChannel(state_);
    scheduleCompute();
}

void MainWindow::setParams(const StudioParams& p) {
    state_ = p;
    // Back in weight mode after a tutorial or preset changed the groups: stay on an existing channel.
    clampWeightChannel(state_);
    paramsPanel_->setParams(state_);
    area_->setHeatmapKind(state_.heatmap);
    area_->setResizeMode(state_.resize);
    scheduleCompute();
}

void MainWindow::showError(const QString& message) {
    error_ = message;
    paramsPanel_->setValidationMessage(message);
    const QString banner = message.isEmpty() || !last_ ? QString() : tr("Invalid parameters: showing the last valid result");
    for (ViewPanel* p : area_->visiblePanels()) p->view()->setBanner(p->content() == ViewContent::Input ? QString() : banner);
    if (!message.isEmpty()) statusBar()->showMessage(tr("Not computed: %1").arg(message), 8000);
}

void MainWindow::scheduleCompute() {
    history_->record(state_);  // one undo step per change of the model (StateHistory)
    if (tutorial_ && !(state_ == tutorialParams_)) {
        tutorial_ = nullptr;
        explain_->setTutorial(nullptr, false);
    }
    if (!input_) return;
    const Shape4 in = input_->shape();
    explain_->setGeometry(state_.geometry, static_cast<int>(in.h), static_cast<int>(in.w));
    // Resolve and validate on the GUI thread (cheap), so a bad combination is
    // flagged at once with the engine's message and nothing is submitted.
    StudioProblem problem;
    try {
        kernel_ = resolveKernel(state_);
        problem = planStudioProblem(state_, kernel_, static_cast<int>(in.c));
        validateProblem(problem.layer.problemFor(Shape4{in.n, problem.inputChannels, in.h, in.w}), studioLimits());
    } catch (const std::exception& e) {
        showError(QString::fromUtf8(e.what()));
        return;
    }
    showError({});
    kernelEditor_->setLayerNote(problem.note);
    updateKernelView();
    ComputeRequest r;
    r.input = input_;
    r.params = state_;
    r.kernel = kernel_;
    r.heatmap = needs(ViewContent::Heatmap);
    r.resizeConv = needs(ViewContent::ResizeConv) || needs(ViewContent::Difference) || needs(ViewContent::CompareAB);
    r.difference = needs(ViewContent::Difference);
    r.spectrum = needs(ViewContent::Spectrum);
    pipeline_->submit(std::move(r));
}

void MainWindow::updateKernelView() {
    kernelEditor_->setKernel(kernel_, state_);
    try {
        const PhaseGainTable g = phaseGainTable(kernel_, state_.geometry.stride, state_.geometry.dilation);
        kernelEditor_->setAnalysis(g, artifactScores(g));
    } catch (const std::exception&) {
    }
}

void MainWindow::onResult(const ComputeResultPtr& result) {
    if (!result->ok) {
        showError(result->error);  // the views keep the last good result
        return;
    }
    last_ = result;
    const Shape4 out = result->output.shape();
    sync_->setWorldSize(QSizeF(out.w, out.h));
    if (introZoom_) {
        // The zone plate's smooth centre, magnified: the checkerboard is plain to see.
        introZoom_ = false;
        sync_->setView(3.0, QPointF(out.w * 0.5 + 40, out.h * 0.5 + 24));
    }
    area_->present(result);
    if (!error_.isEmpty()) showError(error_);  // a newer edit was invalid: keep saying so over this result
    if (tutorial_) explain_->setTutorial(tutorial_, matchesExpected(*tutorial_, result->output));
    updateStepper();
    updateStatus();
    if (pinned_) showProvenance(pinned_->y(), pinned_->x(), true);
    else if (hovered_) showProvenance(hovered_->y(), hovered_->x(), false);
    emit resultShown(result);
}

void MainWindow::updateStatus() {
    if (!last_) return;
    const Shape4 in = last_->request.input->shape(), out = last_->output.shape();
    backendLabel_->setText(last_->backend);
    // H × W (× C) everywhere, as PyTorch and the CLI write shapes.
    sizeLabel_->setText(tr("%1 × %2 × %3  →  %4 × %5").arg(in.h).arg(in.w).arg(in.c).arg(out.h).arg(out.w));
    timeLabel_->setText(tr("%1 ms (conv %2 ms)")
                            .arg(QString::number(last_->computeMs, 'f', 1), QString::number(last_->convMs, 'f', 1)));
    setWindowTitle(tr("%1 — TConv Studio").arg(inputName_));
}


bool MainWindow::waitForIdle(int timeoutMs) { return pipeline_->waitForIdle(timeoutMs); }

void MainWindow::setLayoutMode(LayoutMode m) { area_->setLayoutMode(m); }

void MainWindow::setShowValues(bool on) {
    showValues_ = on;
    area_->setShowValues(on);
    if (showValuesAction_ && showValuesAction_->isChecked() != on) showValuesAction_->setChecked(on);
}

void MainWindow::onHover(ViewPanel* panel, QPointF world) {
    if (!last_ || std::isnan(world.x())) {
        hovered_.reset();
        pixelLabel_->clear();
        if (!pinned_) {
            clearHighlights();
            explain_->showProvenance({});
        }
        return;
    }
    const Shape4 out = last_->output.shape();
    if (panel->content() == ViewContent::Input) {
        const QPoint ip = panel->view()->pixelAt(panel->view()->widgetPosOfWorld(world));
        const Shape4 in = last_->request.input->shape();
        if (ip.x() < 0 || ip.y() < 0 || ip.x() >= in.w || ip.y() >= in.h) return;
        QStringList vals;
        for (int64_t c = 0; c < in.c; ++c) vals << QString::number(last_->request.input->at(0, c, ip.y(), ip.x()), 'g', 4);
        pixelLabel_->setText(tr("Input (row %1, column %2) = %3").arg(ip.y()).arg(ip.x()).arg(vals.join(QStringLiteral(", "))));
        if (!pinned_) showInputFootprint(ip.y(), ip.x());
        return;
    }
    const int oy = static_cast<int>(std::floor(world.y())), ox = static_cast<int>(std::floor(world.x()));
    if (oy < 0 || ox < 0 || oy >= out.h || ox >= out.w) {
        pixelLabel_->clear();
        return;
    }
    QStringList vals;
    for (int64_t c = 0; c < out.c; ++c) vals << QString::number(last_->output.at(0, c, oy, ox), 'g', 4);
    QString text = tr("Output (row %1, column %2) = %3").arg(oy).arg(ox).arg(vals.join(QStringLiteral(", ")));
    if (panel->content() == ViewContent::Heatmap && !last_->heat.empty())
        text += tr("   heatmap %1").arg(QString::number(last_->heat[size_t(oy) * out.w + ox], 'g', 4));
    if (panel->content() == ViewContent::Difference && !last_->difference.empty())
        text += tr("   T − R %1").arg(QString::number(last_->difference[size_t(oy) * out.w + ox], 'g', 4));
    pixelLabel_->setText(text);
    hovered_ = QPoint(ox, oy);
    if (!pinned_) showProvenance(oy, ox, false);
}

void MainWindow::onClick(ViewPanel* panel, QPointF world) {
    if (!last_ || panel->content() == ViewContent::Input) return;
    const int oy = static_cast<int>(std::floor(world.y())), ox = static_cast<int>(std::floor(world.x()));
    if (pinned_ && *pinned_ == QPoint(ox, oy)) {
        pinned_.reset();
        return;
    }
    hoverOutputPixel(oy, ox, true);
}

void MainWindow::hoverOutputPixel(int oy, int ox, bool pin) {
    if (!last_) return;
    const Shape4 out = last_->output.shape();
    if (oy < 0 || ox < 0 || oy >= out.h || ox >= out.w) return;
    if (pin) {
        pinned_ = QPoint(ox, oy);
        revealOutputPixel(oy, ox);
    } else {
        hovered_ = QPoint(ox, oy);
    }
    showProvenance(oy, ox, pin);
}

void MainWindow::clearHighlights() {
    for (ViewPanel* p : area_->visiblePanels()) p->view()->setHighlights({});
    kernelEditor_->setHighlightedTaps({});
}

void MainWindow::showProvenance(int oy, int ox, bool pinned) {
    if (!last_) return;
    const ComputeRequest& r = last_->request;
    const Shape4 in = r.input->shape(), out = last_->output.shape();
    if (oy >= out.h || ox >= out.w) {
        pinned_.reset();
        clearHighlights();
        explain_->showProvenance({});
        return;
    }
    // Image mode: channel 0 through the kernel. Weight mode: the analysed
    // output channel, whose input is one plane (the luminance, or a 1-channel
    // group) through its channel kernel; a layer mixing several distinct input
    // planes has no single kernel to show sums for (the taps are still marked).
    const StudioProblem& sp = last_->problem;
    const Tensor& x = *last_->layerInput;
    ProvenanceInfo info;
    info.valid = sp.provenanceExact;
    info.pinned = pinned;
    info.oy = oy;
    info.ox = ox;
    info.channel = sp.analysedOutput;
    if (r.params.isFullWeight())
        info.channelName = tr("%1 of %2").arg(r.params.weightChannel + 1).arg(r.params.weight->shape().c * r.params.geometry.groups);
    else
        info.channelName = in.c >= 3 ? tr("R, 1 of %1").arg(in.c) : QString();
    info.terms = contributionsTo(r.params.geometry, static_cast<int>(in.h), static_cast<int>(in.w), oy, ox);
    if (info.valid) {
        for (const Contribution& c : info.terms) {
            info.inputValues.push_back(x.at(0, 0, c.iy, c.ix));
            info.tapValues.push_back(r.kernel.at(c.ky, c.kx));
        }
        info.bias = r.params.bias;
        info.sum = provenanceSum(info.terms, x, 0, r.kernel, r.params.bias);
        info.engine = last_->output.at(0, sp.analysedOutput, oy, ox);
    } else {
        info.unavailable = tr("<b>Output pixel</b> (row %1, column %2): this layer mixes %3 different input "
                              "channels, so no single kernel gives its sum. The marked input pixels and taps are "
                              "where each input channel's weights apply.")
                               .arg(oy)
                               .arg(ox)
                               .arg(x.shape().c);
    }
    explain_->showProvenance(info);

    QVector<ViewHighlight> inputMarks, outputMarks;
    QVector<QPoint> taps;
    for (const Contribution& c : info.terms) {
        inputMarks.push_back({QRect(c.ix, c.iy, 1, 1), kInputHighlight, true});
        taps.push_back(QPoint(c.kx, c.ky));
    }
    outputMarks.push_back({QRect(ox, oy, 1, 1), kOutputHighlight, false});
    for (ViewPanel* p : area_->visiblePanels())
        p->view()->setHighlights(p->content() == ViewContent::Input ? inputMarks : outputMarks);
    kernelEditor_->setHighlightedTaps(taps);
}

void MainWindow::showInputFootprint(int iy, int ix) {
    const ComputeRequest& r = last_->request;
    const Shape4 out = last_->output.shape();
    QVector<ViewHighlight> outMarks;
    for (const auto& [oy, ox] : scatterFootprint(r.params.geometry, static_cast<int>(out.h), static_cast<int>(out.w),
                                                 iy, ix, r.kernel.h, r.kernel.w))
        outMarks.push_back({QRect(ox, oy, 1, 1), kInputHighlight, true});
    const QVector<ViewHighlight> inMark{{QRect(ix, iy, 1, 1), kOutputHighlight, false}};
    // Resize-conv spreads an input pixel differently (resize, then a stride-1
    // kernel): the transposed footprint would be wrong there, so it gets none.
    for (ViewPanel* p : area_->visiblePanels())
        p->view()->setHighlights(p->content() == ViewContent::Input        ? inMark
                                 : p->content() == ViewContent::ResizeConv ? QVector<ViewHighlight>()
                                                                           : outMarks);
    QVector<QPoint> taps;
    for (int y = 0; y < r.kernel.h; ++y)
        for (int x = 0; x < r.kernel.w; ++x) taps.push_back(QPoint(x, y));
    kernelEditor_->setHighlightedTaps(taps);
}

void MainWindow::updateStepper() {
    // The stepper scatters one 2-D kernel over the input: image mode only.
    const Shape4 in = last_->request.input->shape();
    const bool scatterable = !last_->request.params.isFullWeight() && in.h * in.w <= kStepperMaxPixels;
    const int total = scatterable ? static_cast<int>(in.h * in.w) : 0;
    if (explain_->stepSlider()->maximum() != total || !explain_->isVisible()) explain_->setStepCount(total);
    if (total > 0 && explain_->step() < total) onStep(explain_->step());
    else explain_->setStepText(total > 0 ? tr("All %1 input pixels scattered: the engine's result.").arg(total)
                                         : QString());
}

void MainWindow::onStep(int step) {
    if (!last_) return;
    const ComputeRequest& r = last_->request;
    const Shape4 in = r.input->shape(), out = last_->output.shape();
    const int total = static_cast<int>(in.h * in.w);
    if (step >= total) {
        area_->present(last_);
        clearHighlights();
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
        const QString value = x < 0 ? QStringLiteral("(−%1)").arg(QString::number(-x, 'g', 4)) : QString::number(x, 'g', 4);
        text = outMarks.isEmpty()
                   ? tr("Step %1 of %2: x[%3,%4] = %5 lands entirely in the cropped padding.")
                         .arg(step).arg(total).arg(iy).arg(ix).arg(value)
                   : tr("Step %1 of %2: x[%3,%4] = %5 adds %5 · K to rows %6–%7, columns %8–%9 "
                        "(origin i·s − p, taps d apart).")
                         .arg(step).arg(total).arg(iy).arg(ix).arg(value).arg(y0).arg(y1).arg(x0).arg(x1);
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

void MainWindow::onRepair(const QString& method) {
    const auto m = parseRepairMethod(method.toStdString());
    if (!m) return;
    if (state_.isFullWeight()) {
        repairWeight(*m);
        return;
    }
    try {
        const PhaseGainTable before = phaseGainTable(kernel_, state_.geometry.stride, state_.geometry.dilation);
        const ArtifactScores sb = artifactScores(before);
        const KernelRepair rep = repairKernel(kernel_, state_.geometry, *m);
        if (!rep.ok) {
            kernelEditor_->setRepairReport(tr("<b>Cannot repair:</b> %1").arg(QString::fromStdString(rep.reason)));
            return;
        }
        const PhaseGainTable after = phaseGainTable(rep.kernel, rep.params.stride, rep.params.dilation);
        const ArtifactScores sa = artifactScores(after);
        StudioParams p = state_;
        p.kernelSource = QStringLiteral("custom");
        p.customKernel = rep.kernel;
        p.geometry.kernel = rep.params.kernel;
        p.geometry.padding = rep.params.padding;
        p.geometry.outputPadding = rep.params.outputPadding;
        p.geometry.dilation = rep.params.dilation;
        setParams(p);
        kernelEditor_->setRepairReport(
            tr("<b>%1 repair:</b> CV %2 → %3, R %4 → %5%6")
                .arg(*m == RepairMethod::Additive ? tr("Additive") : tr("Zero-order hold"))
                .arg(QString::number(sb.cv, 'g', 3), QString::number(sa.cv, 'g', 3))
                .arg(std::isinf(sb.ratio) ? QStringLiteral("∞") : QString::number(sb.ratio, 'g', 3))
                .arg(std::isinf(sa.ratio) ? QStringLiteral("∞") : QString::number(sa.ratio, 'g', 3))
                .arg(*m == RepairMethod::ZeroOrderHold
                         ? tr("<br>kernel %1, padding %2, output padding %3 (same output size)")
                               .arg(QString::fromStdString(sizeText(rep.params.kernel)),
                                    QString::fromStdString(sizeText(rep.params.padding)),
                                    QString::fromStdString(sizeText(rep.params.outputPadding)))
                         : QString()));
    } catch (const std::exception& e) {
        kernelEditor_->setRepairReport(tr("<b>Cannot repair:</b> %1").arg(QString::fromUtf8(e.what())));
    }
}

// Weight mode: every (input, output) slice of the weight is repaired
// (repairLayer, as `tconv repair` does), so every channel kernel is
// artifact-free. The result lives in memory until saved.
void MainWindow::repairWeight(RepairMethod method) {
    try {
        const ConvLayer full = fullWeightLayer(state_);
        const LayerRepair rep = repairLayer(full, method);
        if (!rep.ok) {
            kernelEditor_->setRepairReport(tr("<b>Cannot repair:</b> %1").arg(QString::fromStdString(rep.reason)));
            return;
        }
        const double before = channelScores(full).maxCv(), after = channelScores(rep.layer).maxCv();
        StudioParams p = state_;
        p.weight = std::make_shared<const Tensor>(rep.layer.weight);
        p.weightPath.clear();
        p.geometry.kernel = rep.layer.params.kernel;
        p.geometry.padding = rep.layer.params.padding;
        p.geometry.outputPadding = rep.layer.params.outputPadding;
        p.geometry.dilation = rep.layer.params.dilation;
        setParams(p);
        kernelEditor_->setRepairReport(
            tr("<b>%1 repair of all %2 weight slices:</b> worst channel CV %3 → %4. Not saved yet: Save… keeps it.")
                .arg(method == RepairMethod::Additive ? tr("Additive") : tr("Zero-order hold"))
                .arg(full.weight.shape().n * full.weight.shape().c)
                .arg(QString::number(before, 'g', 3), QString::number(after, 'g', 3)));
    } catch (const std::exception& e) {
        kernelEditor_->setRepairReport(tr("<b>Cannot repair:</b> %1").arg(QString::fromUtf8(e.what())));
    }
}

}  // namespace tconv::ui
