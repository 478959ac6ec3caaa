#include "controllers/ExportController.h"

#include <QApplication>
#include <QClipboard>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QVBoxLayout>
#include <optional>

#include "common/KernelFile.h"
#include "controllers/ComputeScheduler.h"
#include "controllers/StudioDocument.h"
#include "core/ConvError.h"
#include "dialogs/BatchDialog.h"
#include "document/ImageExport.h"
#include "document/PresetStore.h"
#include "panels/PyTorchSnippet.h"

namespace tconv::ui {
namespace {

const char* kSaveFilter = QT_TRANSLATE_NOOP(
    "ExportController", "PNG image (*.png);;TIFF image (*.tif *.tiff);;JPEG image (*.jpg *.jpeg);;BMP image (*.bmp);;"
                        "WebP image (*.webp);;Raw float32 array (*.npy)");

}  // namespace

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
    QString error;
    if (!ImageExport::saveTensor(path, last->output, document_->inputBitDepth(), &error))
        QMessageBox::warning(dialogParent_, tr("Cannot save"), error);
}

void ExportController::saveComparisonDialog() {
    const ComputeResultPtr last = scheduler_->lastResult();
    if (!last || last->resizeConv.empty()) {
        QMessageBox::information(dialogParent_, tr("Nothing to save"), tr("Show a resize-conv view first."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(dialogParent_, tr("Save resize-conv"),
                                                      QStringLiteral("resize_conv.png"), tr(kSaveFilter));
    if (path.isEmpty()) return;
    QString error;
    if (!ImageExport::saveTensor(path, last->resizeConv, document_->inputBitDepth(), &error))
        QMessageBox::warning(dialogParent_, tr("Cannot save"), error);
}

void ExportController::saveHeatmapDialog() {
    const ComputeResultPtr last = scheduler_->lastResult();
    if (!last || last->heat.empty()) {
        QMessageBox::information(dialogParent_, tr("Nothing to save"), tr("Show a heatmap view first."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(dialogParent_, tr("Save heatmap"), QStringLiteral("heatmap.png"),
                                                      tr("PNG with colour bar (*.png);;Raw float32 array (*.npy)"));
    if (path.isEmpty()) return;
    QString error;
    if (!ImageExport::saveHeatmap(path, *last, &error)) QMessageBox::warning(dialogParent_, tr("Cannot save"), error);
}

void ExportController::saveAllViews() {
    const ComputeResultPtr last = scheduler_->lastResult();
    if (!last) return;
    const QString dir = QFileDialog::getExistingDirectory(dialogParent_, tr("Save all views into"));
    if (dir.isEmpty()) return;
    QString error;
    const QStringList written = ImageExport::saveAll(dir, *last, document_->inputBitDepth(), &error);
    if (!error.isEmpty()) QMessageBox::warning(dialogParent_, tr("Cannot save everything"), error);
    statusBar_->showMessage(tr("Wrote %1 files to %2").arg(written.size()).arg(dir), 6000);
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
    if (p.isFullWeight() && p.weightPath.isEmpty()) {
        QMessageBox::information(dialogParent_, tr("Batch"),
                                 tr("The repaired weight is not saved yet: a batch reads it from its file. "
                                    "Save it first (Save… under Layer weight)."));
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
