// SPDX-License-Identifier: MIT
#pragma once
// The "Stacked layers" panel (issue 14): 1-4 transposed-convolution layers
// applied one after the other to the current image, as in a decoder. Shows
// each layer's output (a centre crop, the whole output, or its response to a
// constant image), the whole stack's compound phase-gain table, period and CV
// (exact: analysis/ChainAnalysis), and the CV after each layer. The lessons
// of the checkerboard article are one click each.
//
// Threading: every edit (coalesced to one per event-loop turn) starts a job on
// the global thread pool with copies of the spec and a shared pointer to the
// image; the job before it is cancelled (its flag, checked between layers)
// and its result, tagged with the job id, is dropped if it still arrives.
// The panel computes only while it is visible (a hidden dock costs nothing).
#include <QImage>
#include <QWidget>
#include <atomic>
#include <memory>
#include <vector>

#include "panels/StackLayers.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTimer;
class QVBoxLayout;

namespace tconv::ui {

class PhaseGainPlot;
class StackLayerEditor;
class StackTile;

// A finished job: the engine's result and the pictures made from it (on the worker).
struct StackRun {
    StackResult result;
    std::vector<QImage> crops;  // per layer, the centre kStackCropSide² pixels, 1:1
    std::vector<QImage> fits;   // per layer, the whole output scaled to fit
};

class StackPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kStackCropSide = 64;
    enum class Display { Crop, Whole, Gain };

    explicit StackPanel(QWidget* parent = nullptr);
    ~StackPanel() override;

    // The image the stack runs on: (1, C, H, W), shared, never modified.
    void setImage(std::shared_ptr<const Tensor> image);
    StackSpec spec() const;
    void setSpec(const StackSpec& spec);  // shows it and recomputes
    bool applyLesson(const QString& id);  // false for an unknown id
    void setDisplay(Display d);

    // For tests and the screenshot mode.
    bool busy() const { return inFlight_ > 0 || pending_; }
    bool waitForIdle(int timeoutMs = 30000);
    // Starts the pending job now instead of on the next event-loop turn (tests).
    void startPendingNow() { start(); }
    const StackRun* lastRun() const { return last_.get(); }
    quint64 jobsStarted() const { return jobId_; }
    int staleResultsDropped() const { return dropped_; }
    int jobsCancelledEarly() const { return cancelledEarly_; }
    QLabel* summaryLabel() const { return summary_; }
    QLabel* statusLabel() const { return status_; }
    StackLayerEditor* layerEditor(int i) const { return editors_[static_cast<size_t>(i)]; }
    QSpinBox* layerCountBox() const { return count_; }
    StackTile* tile(int i) const { return tiles_[static_cast<size_t>(i)]; }
    PhaseGainPlot* plot() const { return plot_; }

signals:
    void resultShown();

protected:
    void showEvent(QShowEvent* e) override;

private:
    void buildLessons(QVBoxLayout* layout);
    void schedule();
    void start();
    void accept(quint64 job, std::shared_ptr<const StackRun> run);
    void showRun();
    void showTiles();
    QString summaryHtml(const StackResult& r) const;

    std::vector<StackLayerEditor*> editors_;
    std::vector<StackTile*> tiles_;
    QSpinBox* count_ = nullptr;
    QComboBox* display_ = nullptr;
    QLabel* lesson_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* summary_ = nullptr;
    PhaseGainPlot* plot_ = nullptr;
    QTimer* coalesce_ = nullptr;

    std::shared_ptr<const Tensor> image_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    std::shared_ptr<const StackRun> last_;
    quint64 jobId_ = 0;
    int inFlight_ = 0;
    bool pending_ = false;  // an edit waits for the panel to be shown or the timer to fire
    int dropped_ = 0;
    int cancelledEarly_ = 0;
    bool updating_ = false;
};

}  // namespace tconv::ui
