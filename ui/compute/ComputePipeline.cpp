// SPDX-License-Identifier: MIT
#include "compute/ComputePipeline.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QtConcurrent/QtConcurrentRun>

#include "backends/BackendFactory.h"
#include "core/ConvError.h"

namespace tconv::ui {

ComputePipeline::ComputePipeline(QObject* parent) : QObject(parent) {
    qRegisterMetaType<ComputeResultPtr>();
    pool_.setMaxThreadCount(1);
    pool_.setExpiryTimeout(-1);  // keep the worker thread (and its warm caches)
    connect(&watcher_, &QFutureWatcherBase::finished, this, &ComputePipeline::onJobFinished);
}

ComputePipeline::~ComputePipeline() {
    latest_.store(~quint64(0));  // every running job is now stale: it stops at its next stage
    pending_.reset();
    watcher_.waitForFinished();
    pool_.waitForDone();
}

quint64 ComputePipeline::submit(ComputeRequest request) {
    request.generation = latest_.fetch_add(1) + 1;
    if (running_) {
        pending_ = std::move(request);
    } else {
        emit busyChanged(true);
        start(std::move(request));
    }
    return latest_.load();
}

bool ComputePipeline::waitForIdle(int timeoutMs) {
    QDeadlineTimer deadline(timeoutMs);
    while (running_ || pending_) {
        if (deadline.hasExpired()) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

std::shared_ptr<ComputeResult> ComputePipeline::takeBuffer() {
    // A buffer is free when only this list holds it (the GUI dropped it).
    for (auto& b : buffers_)
        if (b.use_count() == 1) return b;
    buffers_.push_back(std::make_shared<ComputeResult>());
    return buffers_.back();
}

void ComputePipeline::start(ComputeRequest request) {
    running_ = true;
    auto buffer = takeBuffer();
    watcher_.setFuture(QtConcurrent::run(&pool_, [this, request = std::move(request), buffer]() mutable {
        return work(std::move(request), std::move(buffer));
    }));
}

std::shared_ptr<ComputeResult> ComputePipeline::work(ComputeRequest request, std::shared_ptr<ComputeResult> buffer) {
    const quint64 generation = request.generation;
    auto cancelled = [this, generation] { return latest_.load() != generation; };
    if (cancelled()) return nullptr;
    try {
        if (!backend_ || backendKind_ != request.params.backend) {
            backend_.reset();
            backendKind_.reset();
            backend_ = createBackend(request.params.backend);
            backendKind_ = request.params.backend;
        }
    } catch (const std::exception& e) {
        buffer->request = request;
        buffer->ok = false;
        buffer->error = QString::fromUtf8(e.what());
        return buffer;
    }
    if (!job_.run(request, *backend_, *buffer, cancelled, previous_.get())) return nullptr;
    if (buffer->ok) previous_ = buffer;
    return buffer;
}

void ComputePipeline::onJobFinished() {
    std::shared_ptr<ComputeResult> result = watcher_.result();
    running_ = false;
    if (pending_) {
        ComputeRequest next = std::move(*pending_);
        pending_.reset();
        start(std::move(next));
    }
    // Stale results (a newer request exists) are dropped here.
    if (result && result->request.generation == latest_.load()) emit resultReady(result);
    if (!running_) emit busyChanged(false);
}

}  // namespace tconv::ui
