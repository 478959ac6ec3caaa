// SPDX-License-Identifier: MIT
#pragma once
// The "Gradient" panel (issue 14, the checkerboard article's last section):
// the input gradient of a strided Conv2d with the studio's kernel, k, s, p and
// d, on an input of the current image's size, for a constant or a seeded
// random upstream gradient. The gradient is that Conv2d's adjoint, the
// transposed convolution with the same weight, so it shows the same
// checkerboard and the same phase-gain table; the panel shows both the exact
// table and the one measured on the gradient's interior.
//
// Threading as StackPanel: each change (coalesced) starts a job on the global
// pool with a copy of its GradientSpec; the previous job is cancelled, a stale
// result (older job id) dropped. Computes only while visible.
#include <QImage>
#include <QWidget>
#include <atomic>
#include <memory>

#include "core/ConvParams.h"
#include "panels/GradientCompute.h"

class QComboBox;
class QLabel;
class QSpinBox;
class QTimer;

namespace tconv::ui {

class PhaseGainPlot;
class StackTile;

struct GradientRun {
    GradientResult result;
    QImage crop;  // the centre kCropSide² pixels of the gradient, 1:1
    QImage fit;   // the whole gradient scaled to fit
};

class GradientPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kCropSide = 64;

    explicit GradientPanel(QWidget* parent = nullptr);
    ~GradientPanel() override;

    // The studio's layer (its k, s, begin padding p and d; groups and output
    // padding do not apply to a Conv2d) with its kernel, on an inH x inW input.
    void setLayer(const ConvParams& geometry, const Kernel2D& kernel, int64_t inH, int64_t inW);
    void setUpstream(UpstreamKind kind, uint64_t seed = 1);
    GradientSpec spec() const { return spec_; }

    bool busy() const { return inFlight_ > 0 || pending_; }
    bool waitForIdle(int timeoutMs = 30000);
    // Starts the pending job now instead of on the next event-loop turn (tests).
    void startPendingNow() { start(); }
    const GradientRun* lastRun() const { return last_.get(); }
    quint64 jobsStarted() const { return jobId_; }
    int staleResultsDropped() const { return dropped_; }
    QLabel* summaryLabel() const { return summary_; }
    QLabel* statusLabel() const { return status_; }
    QComboBox* upstreamBox() const { return upstream_; }
    QSpinBox* seedBox() const { return seed_; }
    PhaseGainPlot* plot() const { return plot_; }
    StackTile* cropTile() const { return cropTile_; }

signals:
    void resultShown();

protected:
    void showEvent(QShowEvent* e) override;

private:
    void schedule();
    void start();
    void accept(quint64 job, std::shared_ptr<const GradientRun> run);
    void showRun();

    QComboBox* upstream_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* summary_ = nullptr;
    PhaseGainPlot* plot_ = nullptr;
    PhaseGainPlot* measuredPlot_ = nullptr;
    StackTile* cropTile_ = nullptr;
    StackTile* fitTile_ = nullptr;
    QTimer* coalesce_ = nullptr;

    GradientSpec spec_;
    bool haveLayer_ = false;
    std::shared_ptr<std::atomic<bool>> cancel_;
    std::shared_ptr<const GradientRun> last_;
    quint64 jobId_ = 0;
    int inFlight_ = 0;
    bool pending_ = false;
    int dropped_ = 0;
};

}  // namespace tconv::ui
