// MainWindow: inputs (files, samples, tutorials), saving, presets, settings.
#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QSettings>
#include <QStatusBar>

#include "panels/ExplanationPanel.h"
#include "document/ImageExport.h"
#include "panels/KernelEditor.h"
#include "window/MainWindow.h"
#include "panels/ParameterPanel.h"
#include "document/PresetStore.h"
#include "document/SampleImages.h"
#include "document/StateHistory.h"
#include "document/TutorialExamples.h"
#include "views/ViewSync.h"
#include "common/ImageIO.h"
#include "common/KernelFile.h"
#include "core/ConvError.h"
#include "core/NpyFile.h"

namespace tconv::ui {
namespace {

constexpr int kMaxRecent = 8;

const char* kImageFilter = QT_TRANSLATE_NOOP(
    "MainWindow", "Images and arrays (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp *.npy);;All files (*)");
const char* kSaveFilter = QT_TRANSLATE_NOOP(
    "MainWindow", "PNG image (*.png);;TIFF image (*.tif *.tiff);;JPEG image (*.jpg *.jpeg);;BMP image (*.bmp);;"
                  "WebP image (*.webp);;Raw float32 array (*.npy)");

}  // namespace

void MainWindow::setInputTensor(Tensor input, const QString& name, int bitDepth) {
    input_ = std::make_shared<const Tensor>(std::move(input));
    inputName_ = name;
    inputBitDepth_ = bitDepth;
    tutorial_ = nullptr;
    explain_->setTutorial(nullptr, false);
    resetDocumentState();
    const Shape4 s = input_->shape();
    paramsPanel_->setInputShape(static_cast<int>(s.h), static_cast<int>(s.w), static_cast<int>(s.c));
    explain_->setStepCount(s.h * s.w <= 256 ? static_cast<int>(s.h * s.w) : 0);
    // Small inputs (up to 16x16) open in numeric mode: the values are the point.
    setShowValues(s.h * s.w <= 256);
    sync_->setFit();
    scheduleCompute();
}

bool MainWindow::openFile(const QString& path, QString* error, bool quiet) {
    try {
        app::LoadedImage img = app::loadImage(path.toStdString());
        setInputTensor(std::move(img.tensor), QFileInfo(path).fileName(), img.bitDepth);
        addRecentFile(QFileInfo(path).absoluteFilePath());
        statusBar()->showMessage(tr("Opened %1").arg(path), 4000);
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
        if (!quiet) QMessageBox::warning(this, tr("Cannot open image"), message);
        return false;
    }
}

void MainWindow::openDialog() {
    const QString dir = QSettings().value("lastDir").toString();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open image"), dir, tr(kImageFilter));
    if (path.isEmpty()) return;
    QSettings().setValue("lastDir", QFileInfo(path).absolutePath());
    openFile(path);
}

void MainWindow::loadSample(const QString& id) {
    Tensor t = SampleImages::make(id);
    if (t.empty()) return;
    setInputTensor(std::move(t), SampleImages::title(id), 8);
}

bool MainWindow::loadTutorial(const QString& id) {
    const TutorialExample* e = findTutorial(id);
    if (!e) return false;
    StudioParams p = state_;
    p.geometry = e->geometry;
    p.kernelSource = QStringLiteral("custom");
    p.customKernel = e->kernel;
    p.bias = 0.0f;
    p.tone = ToneMode::AutoRange;
    state_ = p;
    paramsPanel_->setParams(state_);
    setInputTensor(e->input, e->title, 0);
    tutorial_ = e;
    tutorialParams_ = state_;
    explain_->setTutorial(e, false);
    setShowValues(true);
    history_->setBaseline(state_);  // a tutorial is a new document: its own undo history
    return true;
}

void MainWindow::loadKernelDialog() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Load kernel"), QSettings().value("lastDir").toString(),
                                                      tr("Kernels (*.npy *.txt *.csv);;All files (*)"));
    if (!path.isEmpty()) openKernel(path);
}

bool MainWindow::openKernel(const QString& path, QString* error, bool quiet) {
    try {
        const app::KernelFile f = app::loadKernelFile(path.toStdString());
        StudioParams p = state_;
        if (f.isFullWeight()) {
            setParams(weightModeParams(p, std::make_shared<const Tensor>(f.weight), path));
            statusBar()->showMessage(tr("Layer weight %1: %2").arg(path, QString::fromStdString(f.describe())), 6000);
            return true;
        }
        p.kernelSource = QStringLiteral("custom");
        p.customKernel = *f.kernel;
        p.geometry.kernel = Size2(f.kernel->h, f.kernel->w);
        setParams(p);
        return true;
    } catch (const std::exception& e) {
        const QString message = QString::fromUtf8(e.what());
        if (error) *error = message;
        if (!quiet) QMessageBox::warning(this, tr("Cannot load kernel"), message);
        return false;
    }
}

bool MainWindow::saveWeight(const QString& path, QString* error) {
    try {
        if (!state_.isFullWeight()) throw ParameterError("there is no layer weight to save");
        app::saveWeightFile(path.toStdString(), *state_.weight);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    state_.weightPath = path;
    updateKernelView();
    return true;
}

void MainWindow::saveWeightDialog() {
    const QString start = state_.weightPath.isEmpty() ? QSettings().value("lastDir").toString() + "/weight.npy"
                                                      : state_.weightPath;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save layer weight"), start, tr("NumPy array (*.npy)"));
    if (path.isEmpty()) return;
    QString why;
    if (!saveWeight(path, &why)) QMessageBox::warning(this, tr("Cannot save the weight"), why);
}

void MainWindow::saveResultDialog() {
    if (!last_) return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save result"), QStringLiteral("result.png"), tr(kSaveFilter));
    if (path.isEmpty()) return;
    QString error;
    if (!ImageExport::saveTensor(path, last_->output, inputBitDepth_, &error))
        QMessageBox::warning(this, tr("Cannot save"), error);
}

void MainWindow::saveComparisonDialog() {
    if (!last_ || last_->resizeConv.empty()) {
        QMessageBox::information(this, tr("Nothing to save"), tr("Show a resize-conv view first."));
        return;
    }
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save resize-conv"), QStringLiteral("resize_conv.png"), tr(kSaveFilter));
    if (path.isEmpty()) return;
    QString error;
    if (!ImageExport::saveTensor(path, last_->resizeConv, inputBitDepth_, &error))
        QMessageBox::warning(this, tr("Cannot save"), error);
}

void MainWindow::saveHeatmapDialog() {
    if (!last_ || last_->heat.empty()) {
        QMessageBox::information(this, tr("Nothing to save"), tr("Show a heatmap view first."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Save heatmap"), QStringLiteral("heatmap.png"),
                                                      tr("PNG with colour bar (*.png);;Raw float32 array (*.npy)"));
    if (path.isEmpty()) return;
    QString error;
    if (!ImageExport::saveHeatmap(path, *last_, &error)) QMessageBox::warning(this, tr("Cannot save"), error);
}

void MainWindow::saveAllViews() {
    if (!last_) return;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Save all views into"));
    if (dir.isEmpty()) return;
    QString error;
    const QStringList written = ImageExport::saveAll(dir, *last_, inputBitDepth_, &error);
    if (!error.isEmpty()) QMessageBox::warning(this, tr("Cannot save everything"), error);
    statusBar()->showMessage(tr("Wrote %1 files to %2").arg(written.size()).arg(dir), 6000);
}

void MainWindow::savePresetDialog() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save parameter preset"), QStringLiteral("preset.json"),
                                                      tr("Presets (*.json)"));
    if (path.isEmpty()) return;
    QString error;
    if (!PresetStore::save(path, state_, &error)) QMessageBox::warning(this, tr("Cannot save preset"), error);
}

void MainWindow::loadPresetDialog() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Load parameter preset"), QString(), tr("Presets (*.json);;All files (*)"));
    if (path.isEmpty()) return;
    QString error;
    if (auto p = PresetStore::load(path, &error)) setParams(*p);
    else QMessageBox::warning(this, tr("Cannot load preset"), error);
}

void MainWindow::addRecentFile(const QString& path) {
    if (!options_.persistSettings) return;
    QSettings s;
    QStringList list = s.value("recentFiles").toStringList();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > kMaxRecent) list.removeLast();
    s.setValue("recentFiles", list);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList list = options_.persistSettings ? QSettings().value("recentFiles").toStringList() : QStringList();
    for (const QString& path : list)
        recentMenu_->addAction(QFileInfo(path).fileName(), this, [this, path] { openFile(path); })->setStatusTip(path);
    recentMenu_->setEnabled(!list.isEmpty());
}

void MainWindow::restoreSettings() {
    QSettings s;
    restoreGeometry(s.value("window/geometry").toByteArray());
    restoreState(s.value("window/state").toByteArray());
    const QByteArray json = s.value("lastParams").toByteArray();
    if (!json.isEmpty()) {
        QJsonObject o = QJsonDocument::fromJson(json).object();
        auto p = PresetStore::fromJson(o, nullptr);
        if (!p && o.value("kernel").toString() == QLatin1String("weight")) {
            // The weight file moved, or a repaired weight was never saved:
            // keep the rest of the last session.
            o["kernel"] = QStringLiteral("box");
            p = PresetStore::fromJson(o, nullptr);
        }
        if (p) state_ = *p;
    }
    for (LayoutMode m : {LayoutMode::Grid, LayoutMode::SideBySide, LayoutMode::Single}) {
        const QList<QVariant> v = s.value("layout/" + layoutModeName(m)).toList();
        QVector<ViewContent> c;
        for (const QVariant& x : v) c.push_back(static_cast<ViewContent>(x.toInt()));
        area_->setContents(m, c);
    }
    setLayoutMode(static_cast<LayoutMode>(s.value("layout/mode", 0).toInt()));
    showGridAction_->setChecked(s.value("view/grid", true).toBool());
    area_->setShowGrid(showGridAction_->isChecked());
    const QString last = s.value("lastFile").toString();
    if (!last.isEmpty() && QFileInfo::exists(last)) openFile(last, nullptr, true);
}

void MainWindow::saveSettings() {
    QSettings s;
    s.setValue("window/geometry", saveGeometry());
    s.setValue("window/state", saveState());
    s.setValue("lastParams", QJsonDocument(PresetStore::toJson(state_)).toJson(QJsonDocument::Compact));
    s.setValue("layout/mode", static_cast<int>(area_->layoutMode()));
    for (LayoutMode m : {LayoutMode::Grid, LayoutMode::SideBySide, LayoutMode::Single}) {
        QList<QVariant> v;
        for (ViewContent c : area_->contents(m)) v.push_back(static_cast<int>(c));
        s.setValue("layout/" + layoutModeName(m), v);
    }
    s.setValue("view/grid", showGridAction_->isChecked());
    const QStringList recent = s.value("recentFiles").toStringList();
    s.setValue("lastFile", !recent.isEmpty() && inputName_ == QFileInfo(recent.first()).fileName() ? recent.first()
                                                                                                   : QString());
}

}  // namespace tconv::ui
