// SPDX-License-Identifier: MIT
#pragma once
// Runs compute jobs off the GUI thread, one at a time (the restart pattern of
// Qt's Mandelbrot example, with QtConcurrent + QFutureWatcher as in the
// imagescaling example). submit() never blocks: while a job runs, the newest
// request waits as `pending` (replacing any older pending one) and starts when
// the running job ends; a running job whose generation is no longer the
// newest stops at its next stage boundary and its result is dropped. So a
// burst of changes ends with exactly the result of the last one.
//
// Result objects are recycled: a buffer is reused once the GUI has released
// its shared_ptr, so the output tensors keep their allocations across runs.
#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "compute/ComputeJob.h"
#include "compute/ComputeRequest.h"
#include "compute/ComputeResult.h"
#include "core/Backend.h"

namespace tconv::ui {

class ComputePipeline : public QObject {
    Q_OBJECT
public:
    explicit ComputePipeline(QObject* parent = nullptr);
    ~ComputePipeline() override;

    // Stamps the request with a new generation and schedules it; returns the generation.
    quint64 submit(ComputeRequest request);
    quint64 latestGeneration() const { return latest_.load(); }
    bool isBusy() const { return running_; }
    // Blocks (processing events) until no job runs or is pending, or timeoutMs passes.
    bool waitForIdle(int timeoutMs = 30000);

signals:
    // Only for the newest generation; check result->ok (an engine error keeps
    // the message in result->error and leaves the views' last good images).
    void resultReady(tconv::ui::ComputeResultPtr result);
    void busyChanged(bool busy);

private:
    void start(ComputeRequest request);
    void onJobFinished();
    std::shared_ptr<ComputeResult> takeBuffer();
    std::shared_ptr<ComputeResult> work(ComputeRequest request, std::shared_ptr<ComputeResult> buffer);

    QThreadPool pool_;  // one thread: jobs are serial, and the worker state below is its own
    QFutureWatcher<std::shared_ptr<ComputeResult>> watcher_;
    std::atomic<quint64> latest_{0};
    std::optional<ComputeRequest> pending_;
    bool running_ = false;
    std::vector<std::shared_ptr<ComputeResult>> buffers_;

    // Worker-thread state (only touched inside work()).
    ComputeJob job_;
    std::unique_ptr<Backend> backend_;
    std::optional<BackendKind> backendKind_;
    // The last complete result: what a new request leaves unchanged is taken from it.
    std::shared_ptr<const ComputeResult> previous_;
};

}  // namespace tconv::ui
