#pragma once
// The studio's main window: the synchronized views in the centre, the
// parameter panel and kernel editor docked left and right, the explanation
// panel below. It owns the model (StudioParams + the input tensor), turns
// every edit into a compute request, and shows each result it gets back.
// Implementation split by concern: MainWindow.cpp (construction, menus),
// MainWindowCompute.cpp (requests, results, hover, steps),
// MainWindowFiles.cpp (files, samples, tutorials, presets, settings).
#include <QMainWindow>
#include <QPointer>
#include <memory>
#include <optional>

#include "compute/ComputePipeline.h"
#include "document/StudioParams.h"
#include "analysis/KernelRepair.h"
#include "views/ViewArea.h"
#include "core/Tensor.h"

class QAction;
class QActionGroup;
class QLabel;
class QMenu;

namespace tconv::ui {

class DocumentReset;
class ExplanationPanel;
class KernelEditor;
class StateHistory;
class ParameterPanel;
class ViewSync;
struct TutorialExample;

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
    void setInputTensor(Tensor input, const QString& name, int bitDepth = 8);
    std::shared_ptr<const Tensor> input() const { return input_; }

    const StudioParams& params() const { return state_; }
    void setParams(const StudioParams& p);  // shows p in the panels and recomputes
    Kernel2D currentKernel() const { return kernel_; }
    QString pytorchCode() const;
    // Weight mode: writes the weight (e.g. a repaired one) to `path` (.npy)
    // and names it from then on. False and *error when it cannot.
    bool saveWeight(const QString& path, QString* error = nullptr);

    // The last good result (never a failed one) and the message of the last failure.
    ComputeResultPtr lastResult() const { return last_; }
    QString currentError() const { return error_; }
    // Waits (processing events) until the pipeline is idle and the newest result is shown.
    bool waitForIdle(int timeoutMs = 30000);

    // The output pixel (or, from the input view, input pixel) whose provenance is shown.
    void hoverOutputPixel(int oy, int ox, bool pin = false);
    void setLayoutMode(LayoutMode m);
    void setShowValues(bool on);

    ComputePipeline* pipeline() const { return pipeline_; }
    ParameterPanel* parameterPanel() const { return paramsPanel_; }
    KernelEditor* kernelEditor() const { return kernelEditor_; }
    ExplanationPanel* explanationPanel() const { return explain_; }
    ViewArea* viewArea() const { return area_; }
    ViewSync* viewSync() const { return sync_; }
    StateHistory* history() const { return history_; }

signals:
    void resultShown(tconv::ui::ComputeResultPtr result);

protected:
    void closeEvent(QCloseEvent* e) override;
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    // MainWindow.cpp
    void buildDocks();
    void buildMenus();
    void buildFileMenu();
    void buildViewMenu();
    void buildStatusBar();
    void showAbout();
    void showShortcuts();
    void copyAsPyTorch();
    void buildEditMenu();
    void fitToScreen();
    void showViewsHelp();
    // The one reset path (DocumentReset): pinned/hovered pixel, explanation, repair report, selections.
    void resetDocumentState();
    void revealOutputPixel(int oy, int ox);  // scrolls the views so the pixel is on screen
    // MainWindowCompute.cpp
    void scheduleCompute();
    void onResult(const ComputeResultPtr& result);
    void showError(const QString& message);
    void updateKernelView();
    void updateStatus();
    void onHover(ViewPanel* panel, QPointF world);
    void onClick(ViewPanel* panel, QPointF world);
    void showProvenance(int oy, int ox, bool pinned);
    void showInputFootprint(int iy, int ix);
    void clearHighlights();
    void onStep(int step);
    void updateStepper();
    bool needs(ViewContent c) const;
    void onGeometry(const ConvParams& g);
    void onRepair(const QString& method);
    void repairWeight(RepairMethod method);
    // MainWindowFiles.cpp
    void openDialog();
    void saveResultDialog();
    void saveHeatmapDialog();
    void saveComparisonDialog();
    void saveAllViews();
    void savePresetDialog();
    void loadPresetDialog();
    void loadKernelDialog();
    void saveWeightDialog();
    void addRecentFile(const QString& path);
    void rebuildRecentMenu();
    void restoreSettings();
    void saveSettings();

    Options options_;
    ViewSync* sync_ = nullptr;
    ViewArea* area_ = nullptr;
    ParameterPanel* paramsPanel_ = nullptr;
    KernelEditor* kernelEditor_ = nullptr;
    ExplanationPanel* explain_ = nullptr;
    ComputePipeline* pipeline_ = nullptr;
    StateHistory* history_ = nullptr;
    std::unique_ptr<DocumentReset> reset_;

    StudioParams state_;
    Kernel2D kernel_;
    std::shared_ptr<const Tensor> input_;
    QString inputName_;
    int inputBitDepth_ = 8;
    const TutorialExample* tutorial_ = nullptr;
    StudioParams tutorialParams_;
    ComputeResultPtr last_;
    QString error_;
    std::optional<QPoint> pinned_;
    std::optional<QPoint> hovered_;
    bool showValues_ = false;
    bool introZoom_ = false;  // first start: zoom in where the checkerboard shows

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
