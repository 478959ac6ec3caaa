// SPDX-License-Identifier: MIT
#include "controllers/DocumentController.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

#include "common/ImageIO.h"
#include "common/KernelFile.h"
#include "controllers/StudioDocument.h"
#include "core/NpyFile.h"
#include "document/PresetStore.h"
#include "document/SampleImages.h"
#include "document/TutorialExamples.h"

namespace tconv::ui {
namespace {

constexpr int kMaxRecent = 8;

const char* kImageFilter = QT_TRANSLATE_NOOP(
    "DocumentController", "Images and arrays (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp *.npy);;All files (*)");

}  // namespace

DocumentController::DocumentController(StudioDocument* document, QWidget* dialogParent, QStatusBar* statusBar,
                                       QMenu* recentMenu, bool persistSettings, QObject* parent)
    : QObject(parent),
      document_(document),
      dialogParent_(dialogParent),
      statusBar_(statusBar),
      recentMenu_(recentMenu),
      persistSettings_(persistSettings) {
    rebuildRecentMenu();
}

bool DocumentController::openFile(const QString& path, QString* error, bool quiet) {
    if (path.endsWith(QLatin1String(".onnx"), Qt::CaseInsensitive)) {
        const bool ok = modelOpener_ && modelOpener_(path, error, quiet);
        if (ok) addRecentFile(QFileInfo(path).absoluteFilePath());
        return ok;
    }
    try {
        app::LoadedImage img = app::loadImage(path.toStdString());
        document_->setInput(std::move(img.tensor), QFileInfo(path).fileName(), img.bitDepth);
        addRecentFile(QFileInfo(path).absoluteFilePath());
        statusBar_->showMessage(tr("Opened %1").arg(path), 4000);
        return true;
    } catch (const std::exception& e) {
        // A 4-D .npy (dropped or opened) is a layer weight, not an image.
        if (path.endsWith(QLatin1String(".npy"), Qt::CaseInsensitive)) {
            try {
                if (readNpy(path.toStdString()).shape.size() == 4) return openKernel(path, error, quiet);
            } catch (const std::exception&) {
                // Not a readable array: the image error says why.
            }
        }
        const QString message = QString::fromUtf8(e.what());
        if (error) *error = message;
        if (!quiet) QMessageBox::warning(dialogParent_, tr("Cannot open image"), message);
        return false;
    }
}

bool DocumentController::openKernel(const QString& path, QString* error, bool quiet) {
    try {
        const app::KernelFile f = app::loadKernelFile(path.toStdString());
        StudioParams p = document_->params();
        if (f.isFullWeight()) {
            document_->replace(weightModeParams(p, std::make_shared<const Tensor>(f.weight), path));
            statusBar_->showMessage(tr("Layer weight %1: %2").arg(path, QString::fromStdString(f.describe())), 6000);
            return true;
        }
        p.kernelSource = KernelSource::custom();
        p.customKernel = *f.kernel;
        p.geometry.kernel = Size2(f.kernel->h, f.kernel->w);
        document_->replace(p);
        return true;
    } catch (const std::exception& e) {
        const QString message = QString::fromUtf8(e.what());
        if (error) *error = message;
        if (!quiet) QMessageBox::warning(dialogParent_, tr("Cannot load kernel"), message);
        return false;
    }
}

void DocumentController::loadSample(const QString& id) {
    Tensor t = SampleImages::make(id);
    if (t.empty()) return;
    document_->setInput(std::move(t), SampleImages::title(id), 8);
}

bool DocumentController::loadTutorial(const QString& id) {
    const TutorialExample* e = findTutorial(id);
    if (!e) return false;
    StudioParams p = document_->params();
    p.geometry = e->geometry;
    p.kernelSource = KernelSource::custom();
    p.customKernel = e->kernel;
    p.bias = 0.0f;
    p.tone = ToneMode::AutoRange;
    document_->adopt(p);  // computed once, with the tutorial's input
    document_->setInput(e->input, e->title, 0);
    document_->startTutorial(e);
    document_->setBaseline();  // a tutorial is a new document: its own undo history
    return true;
}

void DocumentController::openDialog() {
    const QString dir = QSettings().value("lastDir").toString();
    const QString path = QFileDialog::getOpenFileName(dialogParent_, tr("Open image"), dir, tr(kImageFilter));
    if (path.isEmpty()) return;
    QSettings().setValue("lastDir", QFileInfo(path).absolutePath());
    openFile(path);
}

void DocumentController::loadKernelDialog() {
    const QString path =
        QFileDialog::getOpenFileName(dialogParent_, tr("Load kernel"), QSettings().value("lastDir").toString(),
                                     tr("Kernels (*.npy *.txt *.csv);;All files (*)"));
    if (!path.isEmpty()) openKernel(path);
}

void DocumentController::loadPresetDialog() {
    const QString path = QFileDialog::getOpenFileName(dialogParent_, tr("Load parameter preset"), QString(),
                                                      tr("Presets (*.json);;All files (*)"));
    if (path.isEmpty()) return;
    QString error;
    if (auto p = PresetStore::load(path, &error)) document_->replace(*p);
    else QMessageBox::warning(dialogParent_, tr("Cannot load preset"), error);
}

void DocumentController::addRecentFile(const QString& path) {
    if (!persistSettings_) return;
    QSettings s;
    QStringList list = s.value("recentFiles").toStringList();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > kMaxRecent) list.removeLast();
    s.setValue("recentFiles", list);
    rebuildRecentMenu();
}

void DocumentController::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList list = persistSettings_ ? QSettings().value("recentFiles").toStringList() : QStringList();
    for (const QString& path : list)
        recentMenu_->addAction(QFileInfo(path).fileName(), this, [this, path] { openFile(path); })->setStatusTip(path);
    recentMenu_->setEnabled(!list.isEmpty());
}

}  // namespace tconv::ui
