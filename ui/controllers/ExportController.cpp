// SPDX-License-Identifier: MIT
#include "controllers/ExportController.h"

#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressDialog>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <atomic>
#include <optional>

#include "backends/BackendFactory.h"
#include "common/KernelFile.h"
#include "compute/ComputeJob.h"
#include "controllers/ComputeScheduler.h"
#include "controllers/StudioDocument.h"
#include "core/ConvError.h"
#include "dialogs/BatchDialog.h"
#include "document/ImageExport.h"
#include "document/PresetStore.h"
#include "panels/PyTorchSnippet.h"

namespace tconv::ui {
namespace {

const char* kSaveFilter =
    QT_TRANSLATE_NOOP("ExportController",
                      "PNG image (*.png);;TIFF image (*.tif *.tiff);;JPEG image (*.jpg *.jpeg);;BMP image (*.bmp);;"
                      "WebP image (*.webp);;Raw float32 array (*.npy)");

// The wanted parts the result's request computed (views that were shown), at whatever resolution.
ExportController::Parts computedParts(const ComputeResult& r, ExportController::Parts wanted) {
    ExportController::Parts p;
    p.resizeConv = wanted.resizeConv && r.request.resizeConv;
    p.heatmap = wanted.heatmap && r.request.heatmap;
    p.difference = wanted.difference && r.request.resizeConv && r.request.difference;
    return p;
}

bool anyPart(const ExportController::Parts& p) { return p.resizeConv || p.heatmap || p.difference || p.output; }

}  // namespace

ExportController::Parts ExportController::missingFullResolution(const ComputeResult& r, Parts wanted) {
    const Shape4 s = r.output.shape();
    if (!r.ok || r.request.fullResolution || s.h * s.w <= ComputeJob::kDisplayLevelPixels) return {};
    const Parts computed = computedParts(r, wanted);
    Parts missing;
    // A part that failed (its error set) is not missing: recomputing would fail the same way.
    missing.resizeConv = computed.resizeConv && r.resizeConv.empty() && r.resizeError.isEmpty();
    missing.heatmap = computed.heatmap && r.heat.empty() && r.heatmapError.isEmpty();
    missing.difference = computed.difference && r.difference.empty() && r.resizeError.isEmpty();
    missing.output = wanted.output && r.output.empty();
    return missing;
}

ComputeRequest ExportController::fullResolutionRequest(const ComputeResult& r, Parts parts) {
    ComputeRequest q = r.request;
    q.fullResolution = true;
    q.resizeConv = parts.resizeConv || parts.difference;
    q.difference = parts.difference;
    q.heatmap = parts.heatmap;
    q.spectrum = false;
    return q;
}

ComputeResultPtr ExportController::computeFullResolution(const ComputeResultPtr& r, Parts parts,
                                                         const std::function<bool()>& cancelled) {
    auto out = std::make_shared<ComputeResult>();
    const ComputeRequest request = fullResolutionRequest(*r, parts);
    std::unique_ptr<Backend> backend;
    try {
        backend = createBackend(request.params.backend);
    } catch (const std::exception& e) {
        out->request = request;
        out->error = QString::fromUtf8(e.what());
        return out;
    }
    // A job of its own (the pipeline's lives on its worker); `r` as the previous result
    // lends its output, so the transposed convolution is not run again.
    ComputeJob job;
    if (!job.run(request, *backend, *out, cancelled, r.get())) return nullptr;
    return out;
}

void ExportController::withFullResolution(const ComputeResultPtr& last, Parts wanted,
                                          std::function<void(const ComputeResult&)> save) {
    if (!anyPart(missingFullResolution(*last, wanted))) {
        save(*last);
        return;
    }
    // Seconds on a large photo: off the GUI thread, the window blocked by a dialog
    // whose Cancel drops the result (the job stops at its next stage boundary).
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    QPointer<QProgressDialog> progress =
        new QProgressDialog(tr("Computing the full-resolution views to save…"), tr("Cancel"), 0, 0, dialogParent_);
    progress->setWindowTitle(tr("Saving"));
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(0);
    connect(progress, &QProgressDialog::canceled, this, [cancelled] { cancelled->store(true); });
    auto* watcher = new QFutureWatcher<ComputeResultPtr>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, progress, cancelled, save = std::move(save)] {
        const ComputeResultPtr full = watcher->result();
        watcher->deleteLater();
        if (progress) progress->deleteLater();
        if (cancelled->load() || !full) {
            statusBar_->showMessage(tr("Save cancelled"), 4000);
            return;
        }
        if (!full->ok) {
            QMessageBox::warning(dialogParent_, tr("Cannot save"), full->error);
            return;
        }
        save(*full);
    });
    const Parts parts = computedParts(*last, wanted);
    watcher->setFuture(QtConcurrent::run([last, parts, cancelled] {
        return computeFullResolution(last, parts, [cancelled] { return cancelled->load(); });
    }));
    progress->show();
}

ExportController::ExportController(StudioDocument* document, const ComputeScheduler* scheduler, QWidget* dialogParent,
                                   QStatusBar* statusBar, QObject* parent)
    : QObject(parent), document_(document), scheduler_(scheduler), dialogParent_(dialogParent), statusBar_(statusBar) {}

bool ExportController::saveWeight(const QString& path, QString* error) {
    try {
        const StudioParams& p = document_->params();
        if (!p.isFullWeight()) throw ParameterError("there is no layer weight to save");
        app::saveWeightFile(path.toStdString(), *p.weight);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    document_->setWeightPath(path);
    return true;
}

void ExportController::saveWeightDialog() {
    const QString& named = document_->params().weightPath;
    const QString start = named.isEmpty() ? QSettings().value("lastDir").toString() + "/weight.npy" : named;
    const QString path =
        QFileDialog::getSaveFileName(dialogParent_, tr("Save layer weight"), start, tr("NumPy array (*.npy)"));
    if (path.isEmpty()) return;
    QString why;
    if (!saveWeight(path, &why)) QMessageBox::warning(dialogParent_, tr("Cannot save the weight"), why);
}

void ExportController::saveResultDialog() {
    const ComputeResultPtr last = scheduler_->lastResult();
    if (!last) return;
    const QString path =
        QFileDialog::getSaveFileName(dialogParent_, tr("Save result"), QStringLiteral("result.png"), tr(kSaveFilter));
    if (path.isEmpty()) return;
    const int bitDepth = document_->inputBitDepth();
    withFullResolution(last, Parts{.output = true}, [this, path, bitDepth](const ComputeResult& r) {
        QString error;
        if (!ImageExport::saveTensor(path, r.output, bitDepth, &error))
            QMessageBox::warning(dialogParent_, tr("Cannot save"), error);
    });
}

void ExportController::saveComparisonDialog() {
    const ComputeResultPtr last = scheduler_->lastResult();
    const Parts wanted{.resizeConv = true};
    if (!last || (last->resizeConv.empty() && !missingFullResolution(*last, wanted).resizeConv)) {
        QMessageBox::information(dialogParent_, tr("Nothing to save"), tr("Show a resize-conv view first."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(dialogParent_, tr("Save resize-conv"),
                                                      QStringLiteral("resize_conv.png"), tr(kSaveFilter));
    if (path.isEmpty()) return;
    const int bitDepth = document_->inputBitDepth();
    withFullResolution(last, wanted, [this, path, bitDepth](const ComputeResult& r) {
        QString error;
        if (!ImageExport::saveTensor(path, r.resizeConv, bitDepth, &error))
            QMessageBox::warning(dialogParent_, tr("Cannot save"), error);
    });
}

void ExportController::saveHeatmapDialog() {
    const ComputeResultPtr last = scheduler_->lastResult();
    const Parts wanted{.heatmap = true};
    if (!last || (last->heat.empty() && !missingFullResolution(*last, wanted).heatmap)) {
        QMessageBox::information(dialogParent_, tr("Nothing to save"), tr("Show a heatmap view first."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(dialogParent_, tr("Save heatmap"), QStringLiteral("heatmap.png"),
                                                      tr("PNG with colour bar (*.png);;Raw float32 array (*.npy)"));
    if (path.isEmpty()) return;
    withFullResolution(last, wanted, [this, path](const ComputeResult& r) {
        QString error;
        if (!ImageExport::saveHeatmap(path, r, &error)) QMessageBox::warning(dialogParent_, tr("Cannot save"), error);
    });
}

void ExportController::saveAllViews() {
    const ComputeResultPtr last = scheduler_->lastResult();
    if (!last) return;
    const QString dir = QFileDialog::getExistingDirectory(dialogParent_, tr("Save all views into"));
    if (!dir.isEmpty()) saveAllViewsInto(dir);
}

void ExportController::saveAllViewsInto(const QString& dir) {
    const ComputeResultPtr last = scheduler_->lastResult();
    if (!last) return;
    const int bitDepth = document_->inputBitDepth();
    withFullResolution(last, Parts{true, true, true, true}, [this, dir, bitDepth](const ComputeResult& r) {
        QString error;
        const QStringList written = ImageExport::saveAll(dir, r, bitDepth, &error);
        if (!error.isEmpty()) QMessageBox::warning(dialogParent_, tr("Cannot save everything"), error);
        statusBar_->showMessage(tr("Wrote %1 files to %2").arg(written.size()).arg(dir), 6000);
    });
}

void ExportController::savePresetDialog() {
    const QString path = QFileDialog::getSaveFileName(dialogParent_, tr("Save parameter preset"),
                                                      QStringLiteral("preset.json"), tr("Presets (*.json)"));
    if (path.isEmpty()) return;
    QString error;
    if (!PresetStore::save(path, document_->params(), &error))
        QMessageBox::warning(dialogParent_, tr("Cannot save preset"), error);
}

QString ExportController::pytorchCode() const {
    const std::shared_ptr<const Tensor> input = document_->input();
    return pytorchSnippet(document_->params(), scheduler_->kernel(), input ? static_cast<int>(input->shape().c) : 3);
}

void ExportController::copyAsPyTorch() {
    const QString code = pytorchCode();
    QApplication::clipboard()->setText(code);
    QDialog dialog(dialogParent_);
    dialog.setWindowTitle(tr("PyTorch code (copied to the clipboard)"));
    auto* l = new QVBoxLayout(&dialog);
    auto* text = new QPlainTextEdit(code, &dialog);
    text->setReadOnly(true);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text->setMinimumSize(620, 320);
    l->addWidget(text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    l->addWidget(buttons);
    dialog.exec();
}

void ExportController::batchDialog() {
    // Batch runs `tconv batch`: each image feeds the layer with its own
    // channels (no luminance stand-in), so a layer wider than an image
    // cannot run on any of them.
    const StudioParams& p = document_->params();
    if (p.isFullWeight() && !p.weightHasFile()) {
        QMessageBox::information(
            dialogParent_, tr("Batch"),
            tr("This layer weight is not saved as an .npy file yet (a repaired weight, or a layer of a "
               "model): a batch reads it from its file. Save it first (Save… under Layer "
               "weight)."));
        return;
    }
    if (p.isFullWeight() && p.weight->shape().n > 4) {
        QMessageBox::information(dialogParent_, tr("Batch"),
                                 tr("This layer takes %1 input channels; images have 1 to 4, and a batch feeds "
                                    "each image's own channels to the layer. The luminance stand-in of the "
                                    "views is for looking at the layer only.")
                                     .arg(p.weight->shape().n));
        return;
    }
    std::optional<Kernel2D> custom;
    if (p.isCustomKernel()) custom = scheduler_->kernel();
    BatchDialog dialog(toConvSettings(p), custom, dialogParent_);
    dialog.exec();
}

}  // namespace tconv::ui
