// SPDX-License-Identifier: MIT
#pragma once
// Taking the document out of the studio: the result, heatmap and resize-conv
// images, all views at once, a parameter preset, the (repaired) layer weight,
// the PyTorch code that computes the result, and a batch over image files
// (`tconv batch` with the studio's settings). Reads the shown result and
// kernel from the scheduler; changes nothing but the weight's file name.
#include <QObject>
#include <QString>
#include <functional>

#include "compute/ComputeResult.h"

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
    // Save all views' work after the folder dialog (asynchronous when a large photo's views need computing).
    void saveAllViewsInto(const QString& dir);
    void savePresetDialog();
    void saveWeightDialog();
    void copyAsPyTorch();
    void batchDialog();

    // The tensors an export writes. Outputs above ComputeJob::kDisplayLevelPixels
    // are shown from display levels, so their result lacks the full-size
    // resize-conv, heatmap and difference, and usually the output itself
    // (planned only): export computes them on demand.
    struct Parts {
        bool resizeConv = false;
        bool heatmap = false;
        bool difference = false;
        bool output = false;
    };
    // Which of `wanted` the result's request computed (a shown view) but only as display levels.
    static Parts missingFullResolution(const ComputeResult& r, Parts wanted);
    // `r`'s request again with the display levels off, for the parts asked (nothing else).
    static ComputeRequest fullResolutionRequest(const ComputeResult& r, Parts parts);
    // Runs that request (blocking: call it off the GUI thread), taking `r`'s output over.
    // Null when cancelled; check ok/error otherwise.
    static ComputeResultPtr computeFullResolution(const ComputeResultPtr& r, Parts parts,
                                                  const std::function<bool()>& cancelled);

private:
    // Calls `save` with `last` when it has the `wanted` parts it computed at full size, else computes
    // them off the GUI thread under a modal, cancellable busy dialog and calls `save` with that result.
    void withFullResolution(const ComputeResultPtr& last, Parts wanted, std::function<void(const ComputeResult&)> save);

    StudioDocument* document_;
    const ComputeScheduler* scheduler_;
    QWidget* dialogParent_;
    QStatusBar* statusBar_;
};

}  // namespace tconv::ui
