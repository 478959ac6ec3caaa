// SPDX-License-Identifier: MIT
#include "controllers/RepairController.h"

#include <cmath>

#include "analysis/ChannelScores.h"
#include "analysis/LayerKernels.h"
#include "analysis/PhaseGain.h"
#include "controllers/StudioDocument.h"
#include "core/Validation.h"
#include "document/StateHistory.h"
#include "panels/KernelEditor.h"

namespace tconv::ui {
namespace {

QString ratioText(double r) { return std::isinf(r) ? QStringLiteral("∞") : QString::number(r, 'g', 3); }

}  // namespace

RepairController::RepairController(StudioDocument* document, KernelEditor* kernelEditor, QObject* parent)
    : QObject(parent), document_(document), kernelEditor_(kernelEditor) {}

void RepairController::repair(const QString& method, const Kernel2D& kernel) {
    StateHistory* history = document_->history();
    history->nameNextStep(method == QLatin1String("zoh") ? tr("Zero-order hold repair") : tr("Additive repair"));
    if (const auto m = parseRepairMethod(method.toStdString())) {
        if (document_->params().isFullWeight()) repairWeight(*m);
        else repairKernelOf(*m, kernel);
    }
    history->nameNextStep({});  // a refused repair changes nothing: the name must not stick
}

void RepairController::refuse(const QString& reason) {
    kernelEditor_->setRepairReport(tr("<b>Cannot repair:</b> %1").arg(reason));
}

void RepairController::repairKernelOf(RepairMethod method, const Kernel2D& kernel) {
    const StudioParams& now = document_->params();
    try {
        const ArtifactScores sb = artifactScores(phaseGainTable(kernel, now.geometry.stride, now.geometry.dilation));
        const KernelRepair rep = repairKernel(kernel, now.geometry, method);
        if (!rep.ok) {
            refuse(QString::fromStdString(rep.reason));
            return;
        }
        const ArtifactScores sa = artifactScores(phaseGainTable(rep.kernel, rep.params.stride, rep.params.dilation));
        StudioParams p = now;
        p.kernelSource = KernelSource::custom();
        p.customKernel = rep.kernel;
        p.geometry.kernel = rep.params.kernel;
        p.geometry.padding = rep.params.padding;
        p.geometry.outputPadding = rep.params.outputPadding;
        p.geometry.dilation = rep.params.dilation;
        document_->replace(p);
        kernelEditor_->setRepairReport(
            tr("<b>%1 repair:</b> CV %2 → %3, R %4 → %5%6")
                .arg(method == RepairMethod::Additive ? tr("Additive") : tr("Zero-order hold"))
                .arg(QString::number(sb.cv, 'g', 3), QString::number(sa.cv, 'g', 3))
                .arg(ratioText(sb.ratio))
                .arg(ratioText(sa.ratio))
                .arg(method == RepairMethod::ZeroOrderHold
                         ? tr("<br>kernel %1, padding %2, output padding %3 (same output size)")
                               .arg(QString::fromStdString(sizeText(rep.params.kernel)),
                                    QString::fromStdString(sizeText(rep.params.padding)),
                                    QString::fromStdString(sizeText(rep.params.outputPadding)))
                         : QString()));
    } catch (const std::exception& e) {
        refuse(QString::fromUtf8(e.what()));
    }
}

// Weight mode: every (input, output) slice of the weight is repaired
// (repairLayer, as `tconv repair` does), so every channel kernel is
// artifact-free. The result lives in memory until saved.
void RepairController::repairWeight(RepairMethod method) {
    try {
        const ConvLayer full = fullWeightLayer(document_->params());
        const LayerRepair rep = repairLayer(full, method);
        if (!rep.ok) {
            refuse(QString::fromStdString(rep.reason));
            return;
        }
        const double before = channelScores(full).maxCv(), after = channelScores(rep.layer).maxCv();
        StudioParams p = document_->params();
        p.weight = std::make_shared<const Tensor>(rep.layer.weight);
        p.weightPath.clear();
        p.geometry.kernel = rep.layer.params.kernel;
        p.geometry.padding = rep.layer.params.padding;
        p.geometry.outputPadding = rep.layer.params.outputPadding;
        p.geometry.dilation = rep.layer.params.dilation;
        document_->replace(p);
        kernelEditor_->setRepairReport(
            tr("<b>%1 repair of all %2 weight slices:</b> worst channel CV %3 → %4. Not saved yet: Save… keeps it.")
                .arg(method == RepairMethod::Additive ? tr("Additive") : tr("Zero-order hold"))
                .arg(full.weight.shape().n * full.weight.shape().c)
                .arg(QString::number(before, 'g', 3), QString::number(after, 'g', 3)));
    } catch (const std::exception& e) {
        refuse(QString::fromUtf8(e.what()));
    }
}

}  // namespace tconv::ui
