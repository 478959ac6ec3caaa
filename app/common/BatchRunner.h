// SPDX-License-Identifier: MIT
#pragma once
// Runs a BatchPlan: decode, compute and encode overlap in a bounded pipeline
// (BatchPipeline.h), so memory stays bounded whatever the folder size. Shared
// by `tconv batch` and the studio's batch dialog (no Qt here).
//
// Threading: `jobs` threads work on different images at once; each image is
// computed by one thread (a one-thread CPU backend per worker), which scales
// better than splitting every image across threads because decode and encode
// are single-threaded anyway. Progress callbacks are serialized (never two at
// once) but come from worker threads.
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "common/BatchPlan.h"
#include "common/BatchQuality.h"
#include "core/Backend.h"
#include "core/Tensor.h"

namespace tconv::app {

enum class ItemStatus { Done, Skipped, Failed, Cancelled };
const char* itemStatusName(ItemStatus s);  // "done" "skipped" "failed" "cancelled"

struct ItemResult {
    size_t item = 0;  // index into BatchPlan::items
    ItemStatus status = ItemStatus::Cancelled;
    std::string error;     // failed: why; skipped: why
    Shape4 inputShape{};   // (1, C, H, W) when decoded
    Shape4 outputShape{};  // when computed
    // Checkerboard scores of the kernel and parameters (PhaseGain.h): the
    // coefficient of variation of the phase gains and max/min gain. NaN when
    // not defined (a full multi-channel weight).
    double cv = std::numeric_limits<double>::quiet_NaN();
    double ratio = std::numeric_limits<double>::quiet_NaN();
    double seconds = 0;  // decode + compute + encode of this item
    // --evaluate: the result against the original (BatchQuality.h); NaN otherwise.
    double psnr = std::numeric_limits<double>::quiet_NaN();
    double ssim = std::numeric_limits<double>::quiet_NaN();
    // --evaluate: the mean over the output of its local periodic energy
    // (PeriodicEnergy.h, window 4 x 4 blocks, phases aligned to the padding).
    double periodicEnergy = std::numeric_limits<double>::quiet_NaN();
    std::string reference;  // --evaluate --reference: the image it was scored against
};

struct BatchCounts {
    size_t toProcess = 0;  // items the plan processes (not skipped or refused)
    size_t done = 0;
    size_t failed = 0;  // includes items the plan refused
    size_t skipped = 0;
    size_t finished() const { return done + failed; }
};

struct BatchRunOptions {
    int jobs = 1;         // worker threads (images computed at once)
    int maxInFlight = 0;  // images decoded and not yet written; 0: 2 * jobs
    BackendKind backend = BackendKind::Auto;
    int bitDepth = 0;  // output bit depth of images: 0 keeps the input's, else 8 or 16
    // --evaluate: each input is cropped to a multiple of the stride and
    // degraded by it first; the result is scored against the cropped original.
    bool evaluate = false;
    DegradeFilter degrade = DegradeFilter::Area;
    // --evaluate --reference DIR: no degradation; each input is upsampled as
    // it is and scored against its reference image (BatchReference.h).
    std::filesystem::path reference;
    int pngCompression = -1;  // deflate level 0-9 of PNG outputs; -1: the fast setting (ImageCodec.h)
    // Set from anywhere (a signal handler, the GUI's Cancel): no new image is
    // started, the ones in flight are finished and written.
    const std::atomic<bool>* cancel = nullptr;
    bool forceThreadFallback = false;  // use the std::thread pipeline even with oneTBB (tests)
    // For tests: called before each stage ("decode", "compute", "encode") of
    // an item; an exception it throws fails that item, as a real error would.
    std::function<void(size_t item, std::string_view stage)> testHook;
};

struct BatchSummary {
    std::vector<ItemResult> results;  // one per plan item, in plan order
    BatchCounts counts;
    size_t cancelled = 0;  // items never started because of the cancel flag
    bool wasCancelled = false;
    double seconds = 0;
    bool evaluated = false;   // results carry psnr and ssim (the report gets those columns)
    bool referenced = false;  // --reference: results name their reference (a report column)
    std::string backend;      // description of the backend used, e.g. "cpu (AVX2, 1 thread, ...)"
    double imagesPerSecond() const { return seconds > 0 ? counts.finished() / seconds : 0; }
};

class BatchRunner {
public:
    using ProgressFn = std::function<void(const ItemResult&, const BatchCounts&)>;

    BatchRunner(const BatchPlan& plan, BatchRunOptions options);

    // Blocks until every item is finished or cancelled. Never throws for a bad
    // item (it is reported in its result); throws ProcessingError only when no
    // backend can be created at all.
    BatchSummary run(const ProgressFn& progress = {});

private:
    const BatchPlan& plan_;
    BatchRunOptions options_;
};

}  // namespace tconv::app
