#pragma once
// Taking the document out of the studio: the result, heatmap and resize-conv
// images, all views at once, a parameter preset, the (repaired) layer weight,
// the PyTorch code that computes the result, and a batch over image files
// (`tconv batch` with the studio's settings). Reads the shown result and
// kernel from the scheduler; changes nothing but the weight's file name.
#include <QObject>
#include <QString>

class QStatusBar;
class QWidget;

namespace tconv::ui {

class ComputeScheduler;
class StudioDocument;

class ExportController : public QObject {
    Q_OBJECT
public:
    ExportController(StudioDocument* document, const ComputeScheduler* scheduler, QWidget* dialogParent,
                     QStatusBar* statusBar, QObject* parent = nullptr);

    // Weight mode: writes the weight (e.g. a repaired one) to `path` (.npy)
    // and names it from then on. False and *error when it cannot.
    bool saveWeight(const QString& path, QString* error = nullptr);
    // The nn.ConvTranspose2d (with its weight) that computes the shown result.
    QString pytorchCode() const;

    // The File and Edit menus' and the kernel editor's dialogs.
    void saveResultDialog();
    void saveHeatmapDialog();
    void saveComparisonDialog();
    void saveAllViews();
    void savePresetDialog();
    void saveWeightDialog();
    void copyAsPyTorch();
    void batchDialog();

private:
    StudioDocument* document_;
    const ComputeScheduler* scheduler_;
    QWidget* dialogParent_;
    QStatusBar* statusBar_;
};

}  // namespace tconv::ui
