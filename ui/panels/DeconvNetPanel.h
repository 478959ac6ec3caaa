// SPDX-License-Identifier: MIT
#pragma once
// The "Deconvolutional network" panel (issue 15): choose a filter bank
// (random, oriented edges, or learned from the current image), set lambda and
// the iterations, and watch the reconstruction, the sparse maps and the
// filters (as grids) and the objective / PSNR / sparsity curves update while
// the inference or the learning runs on a worker thread (cancellable; a new
// run cancels the one in flight). Each snapshot carries the run id that made
// it, so a stale one is dropped. The pictures update live, at most once per
// liveInterval (default 250 ms), rendered on the worker (QImage) so the GUI
// thread only swaps pixmaps. Hovering the reconstruction shows which maps
// (through which filters) made the pixel: its largest per-map terms, which
// sum to the pixel's value (analysis/DeconvNet.h, deconvPixelProvenance).
#include <QImage>
#include <QWidget>

#include <atomic>
#include <memory>
#include <vector>

#include "core/Tensor.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace tconv::ui {

class DeconvCurves;

// What the worker hands to the GUI thread (by value, queued).
struct DeconvSnapshot {
    quint64 run = 0;
    int step = 0;  // iteration or outer step
    double objective = 0, psnr = 0, nonzero = 0;
    std::shared_ptr<const Tensor> reconstruction, maps, filters;  // may be null (curves only)
    // Rendered on the worker when the snapshot carries pictures (null otherwise).
    QImage reconImage, mapsImage, filtersImage;
    bool renderedOnGuiThread = false;  // for the tests: must stay false
    bool finished = false;
    QString error;
};

class DeconvNetPanel : public QWidget {
    Q_OBJECT
public:
    explicit DeconvNetPanel(QWidget* parent = nullptr);
    ~DeconvNetPanel() override;

    // The image to explain: (1, C, H, W), values in [0, 1].
    void setImage(std::shared_ptr<const Tensor> image);

    QPushButton* runButton() const { return run_; }
    QPushButton* cancelButton() const { return cancel_; }
    bool busy() const { return busy_; }
    // The last finished run's result (for tests).
    const DeconvSnapshot& lastSnapshot() const { return last_; }
    // Pictures are refreshed at most once per interval while a run goes
    // (0: every step); applies to the next run.
    void setLiveInterval(int ms) { liveIntervalMs_ = ms; }
    // Picture updates accepted in the current / last run (the final one included).
    int pictureUpdates() const { return pictureUpdates_; }
    // The reconstruction label (hover it) and the provenance line it fills.
    QLabel* reconstructionView() const { return recon_; }
    QString provenanceText() const;
    // The provenance text for pixel (x, y) of the reconstruction shown now
    // (empty when nothing is shown or the pixel is outside).
    QString describePixel(int x, int y) const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

signals:
    void finished();

private:
    void start();
    void cancel();
    void accept(const DeconvSnapshot& s);
    void showPictures(const DeconvSnapshot& s);
    Tensor chooseFilters(int channels) const;

    QComboBox* bank_ = nullptr;
    QSpinBox* maps_ = nullptr;
    QSpinBox* size_ = nullptr;
    QDoubleSpinBox* lambda_ = nullptr;
    QSpinBox* iterations_ = nullptr;
    QSpinBox* epochs_ = nullptr;
    QPushButton* run_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* recon_ = nullptr;
    QLabel* mapsView_ = nullptr;
    QLabel* filtersView_ = nullptr;
    QLabel* provenance_ = nullptr;
    DeconvCurves* curves_ = nullptr;
    // What the pictures show now (for the hover), and the reconstruction's
    // shown size (the pixmap is scaled).
    std::shared_ptr<const Tensor> shownMaps_, shownFilters_, shownRecon_;
    int liveIntervalMs_ = 250;
    int pictureUpdates_ = 0;

    std::shared_ptr<const Tensor> image_;
    std::shared_ptr<std::atomic<bool>> cancelFlag_;
    quint64 runId_ = 0;
    bool busy_ = false;
    DeconvSnapshot last_;
};

}  // namespace tconv::ui
