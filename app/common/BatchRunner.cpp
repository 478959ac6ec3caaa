// SPDX-License-Identifier: MIT
#include "common/BatchRunner.h"

#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "analysis/PeriodicEnergy.h"
#include "analysis/PhaseGain.h"
#include "analysis/ResizeConv.h"
#include "common/AtomicFile.h"
#include "common/BatchPipeline.h"
#include "common/BatchReference.h"
#include "common/ImageCodec.h"
#include "common/ImageIO.h"
#include "common/JobMemory.h"
#include "backends/BackendFactory.h"
#include "core/ConvError.h"
#include "core/ConvTranspose.h"
#include "core/ResourceLimits.h"
#include "core/Validation.h"

namespace fs = std::filesystem;

namespace tconv::app {

const char* itemStatusName(ItemStatus s) {
    switch (s) {
        case ItemStatus::Done: return "done";
        case ItemStatus::Skipped: return "skipped";
        case ItemStatus::Failed: return "failed";
        case ItemStatus::Cancelled: return "cancelled";
    }
    return "?";
}

namespace {

using Clock = std::chrono::steady_clock;

// The layer of one combination for one channel count, built once and shared
// by every image with that many channels (a kernel file is read once).
struct PreparedLayer {
    ConvLayer layer;
    std::string error;  // buildLayer refused this channel count
    double cv = std::nan("");
    double ratio = std::nan("");
};

ConvLayer layerFor(const SweepCombination& c, int channels) {
    if (!c.customKernel) return buildLayer(c.settings, channels);
    // --pads / --auto-pad resolved as for a preset kernel (ConvSettings.h).
    const ConvParams p = convParamsFor(c.settings, Size2(c.customKernel->h, c.customKernel->w));
    return makeDepthwiseLayer(*c.customKernel, channels, p, c.settings.bias);
}

PreparedLayer prepare(const SweepCombination& c, int channels) {
    PreparedLayer out;
    try {
        out.layer = layerFor(c, channels);
    } catch (const std::exception& e) {
        out.error = e.what();
        return out;
    }
    if (c.settings.method == ConvMethod::ResizeConv) {
        // Resize then a stride-1 convolution: a constant input gives a constant
        // output away from the borders, so every phase has the same gain.
        out.cv = 0;
        out.ratio = 1;
    } else if (out.layer.isDepthwise()) {
        const Shape4 w = out.layer.weight.shape();
        Kernel2D k(static_cast<int>(w.h), static_cast<int>(w.w));
        std::copy(out.layer.weight.plane(0, 0), out.layer.weight.plane(0, 0) + w.h * w.w, k.taps.begin());
        const ArtifactScores s = artifactScores(phaseGainTable(k, out.layer.params.stride, out.layer.params.dilation));
        out.cv = s.cv;
        out.ratio = s.ratio;
    }
    return out;
}

class LayerCache {
public:
    explicit LayerCache(const BatchPlan& plan) : plan_(plan) {}
    std::shared_ptr<const PreparedLayer> get(size_t combination, int channels) {
        std::lock_guard lock(mutex_);
        auto& slot = cache_[{combination, channels}];
        if (!slot) slot = std::make_shared<PreparedLayer>(prepare(plan_.combinations[combination], channels));
        return slot;
    }

private:
    const BatchPlan& plan_;
    std::mutex mutex_;
    std::map<std::pair<size_t, int>, std::shared_ptr<const PreparedLayer>> cache_;
};

// Backends are not assumed to be thread-safe: each worker borrows one. A CPU
// backend gets one thread (the batch's parallelism is across images).
class BackendPool {
public:
    explicit BackendPool(BackendKind kind) : kind_(kind) {}

    std::unique_ptr<Backend> acquire() {
        {
            std::lock_guard lock(mutex_);
            if (!free_.empty()) {
                auto b = std::move(free_.back());
                free_.pop_back();
                return b;
            }
        }
        return createBackend(kind_, BackendOptions{1});
    }
    void release(std::unique_ptr<Backend> b) {
        std::lock_guard lock(mutex_);
        free_.push_back(std::move(b));
    }

private:
    BackendKind kind_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Backend>> free_;
};

// Output tensors of finished items, handed to the next ones: a fresh output
// (12 MB for a 2x upsampled 512x512 RGB image) costs a zero fill and page
// faults on every image. Tensor::resize keeps the capacity and every backend
// writes every output element, so a reused buffer needs no clearing.
class OutputPool {
public:
    explicit OutputPool(size_t limit) : limit_(limit) {}
    Tensor take() {
        std::lock_guard lock(mutex_);
        if (free_.empty()) return Tensor();
        Tensor t = std::move(free_.back());
        free_.pop_back();
        return t;
    }
    void give(Tensor t) {
        std::lock_guard lock(mutex_);
        if (free_.size() < limit_) free_.push_back(std::move(t));
    }

private:
    size_t limit_;
    std::mutex mutex_;
    std::vector<Tensor> free_;
};

struct Lease {
    BackendPool& pool;
    std::unique_ptr<Backend> backend;
    explicit Lease(BackendPool& p) : pool(p), backend(p.acquire()) {}
    ~Lease() { pool.release(std::move(backend)); }
};

void fail(BatchWork& w, const std::string& why) {
    w.result.status = ItemStatus::Failed;
    w.result.error = why;
}

}  // namespace

BatchRunner::BatchRunner(const BatchPlan& plan, BatchRunOptions options) : plan_(plan), options_(std::move(options)) {
    if (options_.jobs < 1) options_.jobs = 1;
    if (options_.maxInFlight < 1) options_.maxInFlight = 2 * options_.jobs;
}

BatchSummary BatchRunner::run(const ProgressFn& progress) {
    const Clock::time_point start = Clock::now();
    BatchSummary summary;
    summary.evaluated = options_.evaluate;
    const bool referenced = options_.evaluate && !options_.reference.empty();
    summary.referenced = referenced;
    summary.results.resize(plan_.items.size());
    for (size_t i = 0; i < plan_.items.size(); ++i) {
        ItemResult& r = summary.results[i];
        r.item = i;
        switch (plan_.items[i].action) {
            case PlanAction::Skip:
                r.status = ItemStatus::Skipped;
                r.error = plan_.items[i].reason;
                ++summary.counts.skipped;
                break;
            case PlanAction::Fail:
                r.status = ItemStatus::Failed;
                r.error = plan_.items[i].reason;
                ++summary.counts.failed;
                break;
            case PlanAction::Process: ++summary.counts.toProcess; break;
        }
    }
    if (summary.counts.toProcess == 0) return summary;

    BackendPool pool(options_.backend);
    {
        // Fail early, with the reason, when the backend cannot be created at all.
        Lease probe(pool);
        summary.backend = probe.backend->description();
    }
    LayerCache layers(plan_);
    OutputPool outputs(static_cast<size_t>(options_.maxInFlight));
    // Every image in flight holds one output: share the memory limit among them.
    ResourceLimits limits = defaultResourceLimits();
    limits.maxOutputBytes /= static_cast<uint64_t>(options_.maxInFlight);

    auto guarded = [this](BatchWork& w, std::string_view stage, const auto& body) {
        if (w.failed()) return;
        try {
            if (options_.testHook) options_.testHook(w.item, stage);
            body();
        } catch (const std::exception& e) {
            fail(w, e.what());
        } catch (...) {
            fail(w, "unknown error");
        }
    };

    size_t cursor = 0;
    PipelineStages stages;
    stages.next = [&]() -> std::unique_ptr<BatchWork> {
        if (options_.cancel && options_.cancel->load()) return nullptr;
        while (cursor < plan_.items.size() && plan_.items[cursor].action != PlanAction::Process) ++cursor;
        if (cursor == plan_.items.size()) return nullptr;
        auto w = std::make_unique<BatchWork>();
        w->item = cursor++;
        w->result.item = w->item;
        w->result.status = ItemStatus::Done;  // until a stage fails
        return w;
    };
    stages.decode = [&](BatchWork& w) {
        w.started = Clock::now();
        guarded(w, "decode", [&] {
            w.image = loadImage(plan_.items[w.item].input.string(), limits);
            w.result.inputShape = w.image.tensor.shape();
            if (referenced) {
                const fs::path ref = findReferenceImage(options_.reference, plan_.items[w.item].relative);
                w.result.reference = ref.string();
                w.reference = loadImage(ref.string(), limits).tensor;
            }
        });
    };
    stages.compute = [&](BatchWork& w) {
        guarded(w, "compute", [&] {
            const BatchItem& item = plan_.items[w.item];
            const auto prepared = layers.get(item.combination, static_cast<int>(w.image.tensor.shape().c));
            if (!prepared->error.empty()) throw ParameterError(prepared->error);
            // Checked before the output is allocated: an image too large for the
            // memory limit fails alone and the batch goes on.
            Tensor original;
            if (referenced) {
                original = std::move(w.reference);
            } else if (options_.evaluate) {
                const Size2 st = plan_.combinations[item.combination].settings.stride;
                original = cropToStride(w.image.tensor, st.h, st.w);
                w.image.tensor = degrade(original, st.h, st.w, options_.degrade);
            }
            validateProblem(prepared->layer.problemFor(w.image.tensor.shape()), limits);
            checkConvJobMemory(w.image.tensor.shape(), prepared->layer, plan_.combinations[item.combination].settings,
                               item.output.string(), options_.bitDepth > 0 ? options_.bitDepth : w.image.bitDepth,
                               limits);
            Lease lease(pool);
            w.output = outputs.take();
            const ConvSettings& s = plan_.combinations[item.combination].settings;
            if (s.method == ConvMethod::ResizeConv)
                resizeConv2d(w.image.tensor, prepared->layer, ResizeConvOptions{s.resize, BorderMode::Zeros},
                             *lease.backend, w.output, limits);
            else convTranspose2d(w.image.tensor, prepared->layer, *lease.backend, w.output, limits);
            w.result.outputShape = w.output.shape();
            w.result.cv = prepared->cv;
            w.result.ratio = prepared->ratio;
            if (options_.evaluate) {
                if (referenced) checkReferenceShape(w.output, original, w.result.reference);
                // psnr() refuses a result of another size (padding that does not give stride x input).
                w.result.psnr = psnr(w.output, original);
                w.result.ssim = ssim(w.output, original);
                const Tensor energy =
                    periodicEnergy(w.output, PeriodicEnergyOptions{s.stride, prepared->layer.params.padding, 4});
                double sum = 0;
                for (float v : energy.storage()) sum += v;
                w.result.periodicEnergy = energy.storage().empty() ? 0.0 : sum / double(energy.storage().size());
            }
            w.image.tensor = Tensor();  // the input is no longer needed; keep memory bounded
        });
    };
    stages.encode = [&](BatchWork& w) {
        guarded(w, "encode", [&] {
            const fs::path& out = plan_.items[w.item].output;
            if (out.has_parent_path()) fs::create_directories(out.parent_path());
            const int depth = options_.bitDepth > 0 ? options_.bitDepth : w.image.bitDepth;
            // Without --overwrite the output did not exist when planned: one
            // that appeared since (another batch, the user) is kept, and this
            // item fails.
            ScopedCommitMode mode(plan_.items[w.item].replaceExisting ? CommitMode::Replace : CommitMode::NoReplace);
            PngCompressionScope png(options_.pngCompression);
            saveImage(out.string(), w.output, depth);
        });
        outputs.give(std::move(w.output));
        w.output = Tensor();
        w.result.seconds = std::chrono::duration<double>(Clock::now() - w.started).count();
    };
    stages.finish = [&](std::unique_ptr<BatchWork> w) {
        ItemResult& r = summary.results[w->item];
        r = std::move(w->result);
        if (r.status == ItemStatus::Failed) {
            ++summary.counts.failed;
        } else {
            ++summary.counts.done;
        }
        if (progress) {
            try {
                progress(r, summary.counts);
            } catch (...) {
                // A failing progress display must not stop the batch.
            }
        }
    };

    runBoundedPipeline(stages, options_.jobs, options_.maxInFlight, options_.forceThreadFallback);

    for (size_t i = 0; i < plan_.items.size(); ++i)
        if (plan_.items[i].action == PlanAction::Process && summary.results[i].status == ItemStatus::Cancelled)
            ++summary.cancelled;
    summary.wasCancelled = summary.cancelled > 0;
    summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return summary;
}

}  // namespace tconv::app
