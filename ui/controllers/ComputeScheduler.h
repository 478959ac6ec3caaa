// SPDX-License-Identifier: MIT
#pragma once
// Turns each change of the document into a compute request and shows each
// result the pipeline returns. The parameters are resolved and validated here,
// on the GUI thread (cheap), so a bad combination is flagged at once with the
// engine's message and nothing is submitted; the views keep the last good
// result under a banner. What a request computes follows the visible views
// (neededParts): the one place to extend when a request should depend on more
// of what is on screen.
#include <QObject>
#include <QString>

#include "compute/ComputeResult.h"
#include "core/Kernel2D.h"

class QStatusBar;

namespace tconv::ui {

class ComputePipeline;
class ExplanationPanel;
class KernelEditor;
class ParameterPanel;
class StudioDocument;
class ViewArea;
class ViewSync;

class ComputeScheduler : public QObject {
    Q_OBJECT
public:
    // The widgets a request and its result touch.
    struct Views {
        ViewArea* area = nullptr;
        ViewSync* sync = nullptr;
        KernelEditor* kernelEditor = nullptr;
        ExplanationPanel* explain = nullptr;
        ParameterPanel* params = nullptr;
        QStatusBar* statusBar = nullptr;
    };
    // The optional parts of a result, each computed only when a visible view shows it.
    struct Parts {
        bool heatmap = false;
        bool resizeConv = false;
        bool difference = false;
        bool spectrum = false;
    };

    ComputeScheduler(StudioDocument* document, const Views& views, QObject* parent = nullptr);

    ComputePipeline* pipeline() const { return pipeline_; }
    // The last good result (never a failed one) and the message of the last failure.
    ComputeResultPtr lastResult() const { return last_; }
    QString error() const { return error_; }
    // The kernel the parameters resolve to (the last valid one while they are invalid).
    const Kernel2D& kernel() const { return kernel_; }
    bool waitForIdle(int timeoutMs);

    // Resolves, validates and submits the document as it is now.
    void schedule();
    // A newly shown view may need a part the last request skipped.
    void onLayoutChanged();
    // Empty: no error. Also shown as the panel's validation message and a banner.
    void reportError(const QString& message);
    // The kernel editor again (the kernel, its phase analysis), e.g. after the weight was saved.
    void refreshKernelView();
    // Resolves the kernel without computing (the first window, before any input).
    void resolveKernelOnly();
    // First start: the next result is shown zoomed in where the checkerboard shows.
    void zoomInOnNextResult() { introZoom_ = true; }

signals:
    // A good result is on the views; listeners add what depends on it (stepper, provenance, status).
    void resultPresented(tconv::ui::ComputeResultPtr result);

private:
    Parts neededParts() const;
    void onResult(const ComputeResultPtr& result);

    StudioDocument* document_;
    Views views_;
    ComputePipeline* pipeline_;
    Kernel2D kernel_;
    ComputeResultPtr last_;
    QString error_;
    bool introZoom_ = false;
};

}  // namespace tconv::ui
