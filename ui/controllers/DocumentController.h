// SPDX-License-Identifier: MIT
#pragma once
// Opening things: images and arrays (a 4-D .npy is a layer weight), kernels
// and weights, samples, tutorials, parameter presets, and the recent-files
// menu. Each becomes a change of the StudioDocument; errors are shown in a
// message box unless the caller asks for quiet (tests, the screenshot mode).
#include <QObject>
#include <QString>
#include <functional>

class QMenu;
class QStatusBar;
class QWidget;

namespace tconv::ui {

class StudioDocument;

class DocumentController : public QObject {
    Q_OBJECT
public:
    // `recentMenu` is filled from QSettings when `persistSettings` (else it stays empty and disabled).
    DocumentController(StudioDocument* document, QWidget* dialogParent, QStatusBar* statusBar, QMenu* recentMenu,
                       bool persistSettings, QObject* parent = nullptr);

    // Opens an ONNX model (ModelController::open); set by the window.
    using ModelOpener = std::function<bool(const QString& path, QString* error, bool quiet)>;
    void setModelOpener(ModelOpener opener) { modelOpener_ = std::move(opener); }

    // All return false and set *error (also shown to the user unless quiet).
    // An image, a 4-D .npy, which opens as a layer weight (openKernel), or an
    // .onnx model (the model opener: opened or dropped like an image).
    bool openFile(const QString& path, QString* error = nullptr, bool quiet = false);
    // A 2-D kernel becomes the custom kernel, a 4-D weight opens weight mode.
    bool openKernel(const QString& path, QString* error = nullptr, bool quiet = false);
    void loadSample(const QString& id);
    bool loadTutorial(const QString& id);

    // The File menu's and the kernel editor's dialogs.
    void openDialog();
    void loadKernelDialog();
    void loadPresetDialog();

private:
    void addRecentFile(const QString& path);
    void rebuildRecentMenu();

    StudioDocument* document_;
    QWidget* dialogParent_;
    QStatusBar* statusBar_;
    QMenu* recentMenu_;
    bool persistSettings_;
    ModelOpener modelOpener_;
};

}  // namespace tconv::ui
