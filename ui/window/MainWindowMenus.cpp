// SPDX-License-Identifier: MIT
// MainWindow: the menus. Each action calls the controller that does the work;
// the Help menu's dialogs are the window's own (they only read the menus).
#include <QAction>
#include <QActionGroup>
#include <QDockWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QUndoStack>
#include <cmath>
#include <tuple>

#include "controllers/DocumentController.h"
#include "controllers/ExportController.h"
#include "controllers/SettingsController.h"
#include "panels/ModelController.h"
#include "dialogs/StudioHelp.h"
#include "document/SampleImages.h"
#include "document/StateHistory.h"
#include "document/TutorialExamples.h"
#include "views/ViewSync.h"
#include "window/MainWindow.h"
#include "window/Theme.h"

namespace tconv::ui {

void MainWindow::buildMenus() {
    buildFileMenu();
    buildEditMenu();
    buildViewMenu();
    buildHelpMenu();
}

void MainWindow::buildFileMenu() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open image…"), documents_, &DocumentController::openDialog)->setShortcut(QKeySequence::Open);
    QAction* openModelAction = file->addAction(tr("Open &model…"), models_, &ModelController::openDialog);
    openModelAction->setObjectName(QStringLiteral("openModelAction"));
    openModelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    openModelAction->setEnabled(ModelController::available());
    openModelAction->setToolTip(ModelController::available()
                                    ? tr("Open an ONNX model: its upsampling layers, worst first, and its chain")
                                    : ModelController::unavailableReason());
    openModelAction->setStatusTip(openModelAction->toolTip());
    file->setToolTipsVisible(true);  // the disabled Open model says why
    file->addMenu(recentMenu_);
    QMenu* samples = file->addMenu(tr("&Samples"));
    for (const QString& id : SampleImages::ids())
        samples->addAction(SampleImages::title(id), this, [this, id] { loadSample(id); });
    QMenu* tutorials = file->addMenu(tr("&Tutorial examples"));
    for (const TutorialExample& e : tutorialExamples())
        tutorials->addAction(e.title, this, [this, id = e.id] { loadTutorial(id); })->setStatusTip(e.explanation);
    file->addSeparator();
    file->addAction(tr("&Save result…"), exports_, &ExportController::saveResultDialog)
        ->setShortcut(QKeySequence::Save);
    file->addAction(tr("Save &heatmap…"), exports_, &ExportController::saveHeatmapDialog)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    file->addAction(tr("Save &comparison (resize-conv)…"), exports_, &ExportController::saveComparisonDialog);
    file->addAction(tr("Save &all views…"), exports_, &ExportController::saveAllViews)
        ->setShortcut(QKeySequence::SaveAs);
    file->addSeparator();
    file->addAction(tr("&Load parameter preset…"), documents_, &DocumentController::loadPresetDialog)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    file->addAction(tr("Save parameter &preset…"), exports_, &ExportController::savePresetDialog)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    file->addSeparator();
    file->addAction(tr("&Batch…"), exports_, &ExportController::batchDialog)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    file->addSeparator();
    file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);
}

void MainWindow::buildEditMenu() {
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = history()->stack()->createUndoAction(this, tr("&Undo"));
    undo->setObjectName(QStringLiteral("undoAction"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = history()->stack()->createRedoAction(this, tr("&Redo"));
    redo->setObjectName(QStringLiteral("redoAction"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    QAction* copy = edit->addAction(tr("Copy as &PyTorch"), exports_, &ExportController::copyAsPyTorch);
    copy->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    copy->setStatusTip(tr("Copy the nn.ConvTranspose2d (with its weight) that computes this result."));
}

void MainWindow::buildViewMenu() {
    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* zin = view->addAction(tr("Zoom &in"), this, [this] { sync_->zoomBy(std::sqrt(2.0)); });
    zin->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal)});
    QAction* zout = view->addAction(tr("Zoom &out"), this, [this] { sync_->zoomBy(1.0 / std::sqrt(2.0)); });
    zout->setShortcuts({QKeySequence::ZoomOut, QKeySequence(Qt::Key_Minus)});
    view->addAction(tr("&Fit"), this, [this] { sync_->setFit(); })
        ->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_0), QKeySequence(Qt::Key_F)});
    view->addAction(tr("&Actual pixels (100%)"), this, [this] { sync_->setActualPixels(devicePixelRatioF()); })
        ->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_1), QKeySequence(Qt::Key_1)});
    view->addSeparator();
    layoutGroup_ = new QActionGroup(this);
    const std::tuple<LayoutMode, QString, Qt::Key> layouts[] = {
        {LayoutMode::Grid, tr("&Grid 2×2"), Qt::Key_F2},
        {LayoutMode::SideBySide, tr("&Side by side"), Qt::Key_F3},
        {LayoutMode::Single, tr("Single view with A/B &split"), Qt::Key_F4}};
    for (const auto& [mode, title, key] : layouts) {
        QAction* a = view->addAction(title, this, [this, m = mode] { setLayoutMode(m); });
        a->setCheckable(true);
        a->setShortcut(QKeySequence(key));
        a->setData(static_cast<int>(mode));
        a->setChecked(mode == area_->layoutMode());
        layoutGroup_->addAction(a);
    }
    view->addSeparator();
    showGridAction_ = view->addAction(tr("Pixel &grid"), this, [this](bool on) { area_->setShowGrid(on); });
    showGridAction_->setCheckable(true);
    showGridAction_->setChecked(true);
    showGridAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    showValuesAction_ =
        view->addAction(tr("Pixel &values (numeric mode)"), this, [this](bool on) { setShowValues(on); });
    showValuesAction_->setCheckable(true);
    showValuesAction_->setShortcut(QKeySequence(Qt::Key_V));
    showValuesAction_->setStatusTip(tr("Write each pixel's value in its cell when zoomed in far enough."));
    view->addSeparator();
    QMenu* theme = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    const QString chosen = SettingsController::theme();
    for (const QString& name : themeNames()) {
        QAction* a = theme->addAction(name.left(1).toUpper() + name.mid(1), this,
                                      [this, name] { settings_->chooseTheme(name); });
        a->setCheckable(true);
        a->setData(name);
        themes->addAction(a);
        a->setChecked(name == chosen);
    }
    view->addSeparator();
    for (QDockWidget* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());
}

void MainWindow::buildHelpMenu() {
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&The views explained"), this,
                    [this] { QMessageBox::information(this, tr("The views explained"), viewsHelpHtml()); })
        ->setObjectName("viewsHelpAction");
    help->addAction(tr("&Keyboard shortcuts"), this,
                    [this] {
                        // Read from the menus, so the list always agrees with them.
                        QMessageBox::information(this, tr("Keyboard shortcuts"), shortcutsHtml(menuBar()));
                    })
        ->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About TConv Studio"), this, [this] {
        QMessageBox::about(this, tr("About TConv Studio"),
                           tr("<h3>TConv Studio %1</h3><p>Live exploration of PyTorch-exact ConvTranspose2d: output "
                              "geometry, checkerboard artifacts (Odena, Dumoulin &amp; Olah 2016), kernel repair and "
                              "the resize-then-convolution alternative.</p>")
                               .arg(QStringLiteral(TCONV_VERSION)));
    });
}

}  // namespace tconv::ui
