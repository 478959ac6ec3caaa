// SPDX-License-Identifier: MIT
#include "controllers/KernelEditController.h"

#include "controllers/StudioDocument.h"
#include "core/KernelPresets.h"
#include "panels/KernelEditor.h"

namespace tconv::ui {

KernelEditController::KernelEditController(StudioDocument* document, KernelEditor* kernelEditor, QObject* parent)
    : QObject(parent), document_(document), kernelEditor_(kernelEditor) {
    connect(kernelEditor_, &KernelEditor::presetChosen, this, &KernelEditController::choosePreset);
    connect(kernelEditor_, &KernelEditor::kernelEdited, this, &KernelEditController::setTaps);
    connect(kernelEditor_, &KernelEditor::naturalSizeRequested, this, &KernelEditController::useNaturalSize);
    connect(kernelEditor_, &KernelEditor::weightChannelChosen, this,
            [this](int channel) { document_->edit([channel](StudioParams& p) { p.weightChannel = channel; }); });
}

void KernelEditController::choosePreset(KernelSource source, double sigma, quint64 seed) {
    StudioParams p = document_->params();
    p.kernelSource = source;
    p.sigma = sigma;
    p.seed = seed;
    // Back to the loaded weight: its kernel size again.
    if (p.isFullWeight()) p.geometry.kernel = Size2(p.weight->shape().h, p.weight->shape().w);
    kernelEditor_->setRepairReport({});  // the report described the kernel being replaced
    document_->replace(p);
}

void KernelEditController::setTaps(const Kernel2D& kernel) {
    document_->edit([&kernel](StudioParams& p) {
        p.kernelSource = KernelSource::custom();
        p.customKernel = kernel;
    });
}

void KernelEditController::normalize(const Kernel2D& shown) {
    Kernel2D k = shown;
    const Size2 stride = document_->params().geometry.stride;
    // Presets sum to sH * sW, which keeps the mean brightness (KernelPresets.h).
    normalizeKernelSum(k, double(stride.h) * stride.w);
    setTaps(k);
}

void KernelEditController::useNaturalSize() {
    const StudioParams& now = document_->params();
    const std::optional<KernelPreset> preset = now.kernelSource.presetKind();
    if (!preset) return;
    StudioParams p = now;
    p.geometry.kernel = naturalKernelSize(*preset, p.geometry.stride);
    document_->replace(p);
}

}  // namespace tconv::ui
