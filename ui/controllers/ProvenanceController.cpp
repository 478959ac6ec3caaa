// SPDX-License-Identifier: MIT
#include "controllers/ProvenanceController.h"

#include <QLabel>
#include <QStringList>
#include <cmath>

#include "compute/PixelValues.h"
#include "controllers/Highlights.h"
#include "document/Provenance.h"
#include "panels/ExplanationPanel.h"
#include "panels/KernelEditor.h"
#include "views/ImageView.h"
#include "views/ViewArea.h"
#include "views/ViewPanel.h"
#include "views/ViewSync.h"

namespace tconv::ui {

ProvenanceController::ProvenanceController(const Views& views, QObject* parent) : QObject(parent), views_(views) {}

void ProvenanceController::showResult(const ComputeResultPtr& result) {
    last_ = result;
    if (pinned_) showProvenance(pinned_->y(), pinned_->x(), true);
    else if (hovered_) showProvenance(hovered_->y(), hovered_->x(), false);
}

void ProvenanceController::refresh() {
    if (!last_) return;
    if (pinned_) showProvenance(pinned_->y(), pinned_->x(), true);
    else if (hovered_) showProvenance(hovered_->y(), hovered_->x(), false);
    else clearHighlights();
}

void ProvenanceController::explainInputPixel(int iy, int ix) {
    if (!last_ || pinned_) return;
    const Shape4 in = last_->request.input->shape();
    if (iy < 0 || ix < 0 || iy >= in.h || ix >= in.w) return;
    showInputFootprint(iy, ix);
}

void ProvenanceController::forget() {
    pinned_.reset();
    hovered_.reset();
}

void ProvenanceController::onHover(ViewPanel* panel, QPointF world) {
    if (!last_ || std::isnan(world.x())) {
        hovered_.reset();
        views_.pixelStatus->clear();
        if (!pinned_) {
            clearHighlights();
            views_.explain->showProvenance({});
        }
        return;
    }
    const Shape4 out = last_->output.shape();
    if (panel->content() == ViewContent::Input) {
        const QPoint ip = panel->view()->pixelAt(panel->view()->widgetPosOfWorld(world));
        const Shape4 in = last_->request.input->shape();
        if (ip.x() < 0 || ip.y() < 0 || ip.x() >= in.w || ip.y() >= in.h) return;
        QStringList vals;
        for (int64_t c = 0; c < in.c; ++c)
            vals << QString::number(last_->request.input->at(0, c, ip.y(), ip.x()), 'g', 4);
        views_.pixelStatus->setText(
            tr("Input (row %1, column %2) = %3").arg(ip.y()).arg(ip.x()).arg(vals.join(QStringLiteral(", "))));
        if (!pinned_) showInputFootprint(ip.y(), ip.x());
        return;
    }
    const int oy = static_cast<int>(std::floor(world.y())), ox = static_cast<int>(std::floor(world.x()));
    if (oy < 0 || ox < 0 || oy >= out.h || ox >= out.w) {
        views_.pixelStatus->clear();
        return;
    }
    QStringList vals;
    for (float v : outputValuesAt(*last_, oy, ox)) vals << QString::number(v, 'g', 4);
    QString text = tr("Output (row %1, column %2) = %3").arg(oy).arg(ox).arg(vals.join(QStringLiteral(", ")));
    // Large photos keep no full-size heatmap or difference: these compute the one pixel.
    if (panel->content() == ViewContent::Heatmap)
        if (const auto v = heatValueAt(*last_, oy, ox)) text += tr("   heatmap %1").arg(QString::number(*v, 'g', 4));
    if (panel->content() == ViewContent::Difference)
        if (const auto v = differenceValueAt(*last_, oy, ox))
            text += tr("   T − R %1").arg(QString::number(*v, 'g', 4));
    views_.pixelStatus->setText(text);
    hovered_ = QPoint(ox, oy);
    if (!pinned_) showProvenance(oy, ox, false);
}

void ProvenanceController::onClick(ViewPanel* panel, QPointF world) {
    if (!last_ || panel->content() == ViewContent::Input) return;
    const int oy = static_cast<int>(std::floor(world.y())), ox = static_cast<int>(std::floor(world.x()));
    if (pinned_ && *pinned_ == QPoint(ox, oy)) {  // a second click on the pinned pixel unpins it
        pinned_.reset();
        return;
    }
    explainOutputPixel(oy, ox, true);
}

void ProvenanceController::explainOutputPixel(int oy, int ox, bool pin) {
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

void ProvenanceController::clearHighlights() {
    for (ViewPanel* p : views_.area->visiblePanels()) p->view()->setHighlights({});
    views_.kernelEditor->setHighlightedTaps({});
}

void ProvenanceController::revealOutputPixel(int oy, int ox) {
    ViewSync* sync = views_.sync;
    if (sync->fitMode()) return;  // the whole image is on screen
    const QList<ViewPanel*> panels = views_.area->visiblePanels();
    if (panels.isEmpty()) return;
    const QSizeF view = panels.first()->view()->size();
    const double z = sync->zoom();
    const QPointF c = sync->center(), p(ox + 0.5, oy + 0.5);
    const bool onScreen =
        std::abs(p.x() - c.x()) < view.width() / (2 * z) - 1 && std::abs(p.y() - c.y()) < view.height() / (2 * z) - 1;
    if (!onScreen) sync->setView(z, p);
}

void ProvenanceController::showProvenance(int oy, int ox, bool pinned) {
    if (!last_) return;
    const ComputeRequest& r = last_->request;
    const Shape4 in = r.input->shape(), out = last_->output.shape();
    if (oy >= out.h || ox >= out.w) {  // the pixel left the image (a smaller output)
        pinned_.reset();
        clearHighlights();
        views_.explain->showProvenance({});
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
        info.channelName =
            tr("%1 of %2").arg(r.params.weightChannel + 1).arg(r.params.weight->shape().c * r.params.geometry.groups);
    else info.channelName = in.c >= 3 ? tr("R, 1 of %1").arg(in.c) : QString();
    info.terms = contributionsTo(r.params.geometry, static_cast<int>(in.h), static_cast<int>(in.w), oy, ox);
    if (info.valid) {
        for (const Contribution& c : info.terms) {
            info.inputValues.push_back(x.at(0, 0, c.iy, c.ix));
            info.tapValues.push_back(r.kernel.at(c.ky, c.kx));
        }
        info.bias = r.params.bias;
        info.sum = provenanceSum(info.terms, x, 0, r.kernel, r.params.bias);
        // A large photo's output is planned only: its value here comes from the input, for this pixel.
        const std::vector<float> engine = outputValuesAt(*last_, oy, ox);
        info.engine = size_t(sp.analysedOutput) < engine.size() ? engine[size_t(sp.analysedOutput)] : NAN;
    } else {
        info.unavailable = tr("<b>Output pixel</b> (row %1, column %2): this layer mixes %3 different input "
                              "channels, so no single kernel gives its sum. The marked input pixels and taps are "
                              "where each input channel's weights apply.")
                               .arg(oy)
                               .arg(ox)
                               .arg(x.shape().c);
    }
    views_.explain->showProvenance(info);

    QVector<ViewHighlight> inputMarks, outputMarks;
    QVector<QPoint> taps;
    for (const Contribution& c : info.terms) {
        inputMarks.push_back({QRect(c.ix, c.iy, 1, 1), kInputHighlight, true});
        taps.push_back(QPoint(c.kx, c.ky));
    }
    outputMarks.push_back({QRect(ox, oy, 1, 1), kOutputHighlight, false});
    for (ViewPanel* p : views_.area->visiblePanels())
        p->view()->setHighlights(p->content() == ViewContent::Input ? inputMarks : outputMarks);
    views_.kernelEditor->setHighlightedTaps(taps);
    emit outputPixelShown(oy, ox);
}

void ProvenanceController::showInputFootprint(int iy, int ix) {
    const ComputeRequest& r = last_->request;
    const Shape4 out = last_->output.shape();
    QVector<ViewHighlight> outMarks;
    for (const auto& [oy, ox] : scatterFootprint(r.params.geometry, static_cast<int>(out.h), static_cast<int>(out.w),
                                                 iy, ix, r.kernel.h, r.kernel.w))
        outMarks.push_back({QRect(ox, oy, 1, 1), kInputHighlight, true});
    const QVector<ViewHighlight> inMark{{QRect(ix, iy, 1, 1), kOutputHighlight, false}};
    // Resize-conv spreads an input pixel differently (resize, then a stride-1
    // kernel): the transposed footprint would be wrong there, so it gets none.
    for (ViewPanel* p : views_.area->visiblePanels())
        p->view()->setHighlights(p->content() == ViewContent::Input        ? inMark
                                 : p->content() == ViewContent::ResizeConv ? QVector<ViewHighlight>()
                                                                           : outMarks);
    QVector<QPoint> taps;
    for (int y = 0; y < r.kernel.h; ++y)
        for (int x = 0; x < r.kernel.w; ++x) taps.push_back(QPoint(x, y));
    views_.kernelEditor->setHighlightedTaps(taps);
    emit inputPixelShown(iy, ix);
}

}  // namespace tconv::ui
