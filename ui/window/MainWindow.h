// SPDX-License-Identifier: MIT
#pragma once
// The studio's main window: the synchronized views in the centre, the
// parameter panel and kernel editor docked left and right, the explanation
// panel below. It builds the widgets and the menus and wires them to the
// controllers (ui/controllers/), each with one job: the document (the model
// and its undo), compute scheduling, provenance, the scatter stepper, kernel
// edits, repair, opening, exporting, settings. The public functions are the
// window's scripting surface (tests, the screenshot mode, the benchmark) and
// forward to the controller that does the work.
#include <QMainWindow>
#include <memory>

#include "compute/ComputeResult.h"
#include "core/Kernel2D.h"
#include "core/Tensor.h"
#include "document/StudioParams.h"
#include "views/ViewArea.h"

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QMenu;

namespace tconv::ui {

class ComputePipeline;
class DeconvNetPanel;
class ComputeScheduler;
class DocumentController;
class DocumentReset;
class ExplanationPanel;
class ExportController;
class GradientPanel;
class KernelEditController;
class KernelEditor;
class ModelController;
class ModelPanel;
class ParameterPanel;
class ProvenanceController;
class RepairController;
class ScatterStepper;
class SettingsController;
class StackPanel;
class StateHistory;
class StudioDocument;
class MatrixGridView;
class TapHighlight;
class ViewSync;
class ZeroInsertionView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    struct Options {
        bool persistSettings = true;  // read and write QSettings (off for screenshots and tests)
        bool loadDefaultSample = true;
    };
    MainWindow();
    explicit MainWindow(const Options& options);
    ~MainWindow() override;

    // Input. All return false and set *error (also shown to the user unless quiet).
    // An image, or a 4-D .npy, which opens as a layer weight (openKernel).
    bool openFile(const QString& path, QString* error = nullptr, bool quiet = false);
    // A kernel file: a 2-D kernel becomes the custom kernel, a 4-D weight
    // opens weight mode.
    bool openKernel(const QString& path, QString* error = nullptr, bool quiet = false);
    void loadSample(const QString& id);
    void loadDefaultStart();  // the first-start view: the default sample, zoomed in on its centre
    bool loadTutorial(const QString& id);
    // An ONNX model: read and audited off the GUI thread (ModelController::waitForModel), shown in the Model dock.
    bool openModel(const QString& path, QString* error = nullptr, bool quiet = false);
    void setInputTensor(Tensor input, const QString& name, int bitDepth = 8);
    std::shared_ptr<const Tensor> input() const;

    const StudioParams& params() const;
    void setParams(const StudioParams& p);  // shows p in the panels and recomputes
    Kernel2D currentKernel() const;
    QString pytorchCode() const;
    // Weight mode: writes the weight (e.g. a repaired one) to `path` (.npy)
    // and names it from then on. False and *error when it cannot.
    bool saveWeight(const QString& path, QString* error = nullptr);

    // The last good result (never a failed one) and the message of the last failure.
    ComputeResultPtr lastResult() const;
    QString currentError() const;
    // Waits (processing events) until the pipeline is idle and the newest result is shown.
    bool waitForIdle(int timeoutMs = 30000);

    // The output pixel (or, from the input view, input pixel) whose provenance is shown.
    void hoverOutputPixel(int oy, int ox, bool pin = false);
    void setLayoutMode(LayoutMode m);
    void setShowValues(bool on);

    ComputePipeline* pipeline() const;
    ParameterPanel* parameterPanel() const { return paramsPanel_; }
    KernelEditor* kernelEditor() const { return kernelEditor_; }
    ExplanationPanel* explanationPanel() const { return explain_; }
    DeconvNetPanel* deconvNetPanel() const { return deconvnet_; }
    // Issue 14: the stacked-layers and gradient docks (View > Stacked layers, View > Gradient).
    StackPanel* stackPanel() const { return stack_; }
    GradientPanel* gradientPanel() const { return gradient_; }
    ModelPanel* modelPanel() const { return modelPanel_; }
    ModelController* modelController() const { return models_; }
    ViewArea* viewArea() const { return area_; }
    ViewSync* viewSync() const { return sync_; }
    StateHistory* history() const;
    // The formulations (issue 14): the zero-insertion and matrix views, their docks, the kernel-tap hover.
    ZeroInsertionView* zeroInsertionView() const { return zeroInsertion_; }
    MatrixGridView* matrixGridView() const { return matrixGrid_; }
    QDockWidget* zeroInsertionDock() const { return zeroInsertionDock_; }
    QDockWidget* matrixDock() const { return matrixDock_; }
    TapHighlight* tapHighlight() const { return tapHighlight_; }
    // Shows and raises `dock`, at least about 40% of the window wide (a formulation view needs room).
    void showWideDock(QDockWidget* dock);
    // Brings a shown dock's tab to the front of its tab group.
    void selectDockTab(QDockWidget* dock);

signals:
    void resultShown(tconv::ui::ComputeResultPtr result);

protected:
    void closeEvent(QCloseEvent* e) override;
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    // Widgets (MainWindow.cpp).
    void buildDocks();
    void buildStatusBar();
    void fitToScreen();
    void buildControllers();
    // Menus (MainWindowMenus.cpp).
    void buildMenus();
    void buildFileMenu();
    void buildEditMenu();
    void buildViewMenu();
    void buildHelpMenu();
    // Wiring (MainWindowWiring.cpp): what each signal drives.
    void connectDocument();
    void connectViews();
    void connectPanels();
    void connectFormulations();
    void showNewInput();  // a new input: fit, numeric mode for small ones, nothing of the old one left
    void resetDocumentState();
    void showResultStatus(const ComputeResultPtr& result);

    Options options_;
    ViewSync* sync_ = nullptr;
    ViewArea* area_ = nullptr;
    ParameterPanel* paramsPanel_ = nullptr;
    KernelEditor* kernelEditor_ = nullptr;
    ExplanationPanel* explain_ = nullptr;
    DeconvNetPanel* deconvnet_ = nullptr;
    StackPanel* stack_ = nullptr;
    GradientPanel* gradient_ = nullptr;
    ModelPanel* modelPanel_ = nullptr;

    StudioDocument* document_ = nullptr;
    ComputeScheduler* scheduler_ = nullptr;
    ProvenanceController* provenance_ = nullptr;
    ScatterStepper* stepper_ = nullptr;
    KernelEditController* kernelEdits_ = nullptr;
    RepairController* repair_ = nullptr;
    DocumentController* documents_ = nullptr;
    ModelController* models_ = nullptr;
    ExportController* exports_ = nullptr;
    SettingsController* settings_ = nullptr;
    std::unique_ptr<DocumentReset> reset_;
    ZeroInsertionView* zeroInsertion_ = nullptr;
    MatrixGridView* matrixGrid_ = nullptr;
    QDockWidget* zeroInsertionDock_ = nullptr;
    QDockWidget* matrixDock_ = nullptr;
    TapHighlight* tapHighlight_ = nullptr;

    QMenu* recentMenu_ = nullptr;
    QAction* showValuesAction_ = nullptr;
    QAction* showGridAction_ = nullptr;
    QActionGroup* layoutGroup_ = nullptr;
    QLabel* backendLabel_ = nullptr;
    QLabel* sizeLabel_ = nullptr;
    QLabel* timeLabel_ = nullptr;
    QLabel* pixelLabel_ = nullptr;
    QLabel* busyLabel_ = nullptr;
};

}  // namespace tconv::ui
