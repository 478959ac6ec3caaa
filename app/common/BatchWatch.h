// SPDX-License-Identifier: MIT
#pragma once
// `tconv batch --watch` and the studio's "Watch folder": process what is in the
// input folders, then each new file once it is complete (BatchSettle.h), until
// the stop flag (run.cancel: Ctrl-C, SIGTERM, the dialog's Stop) is set.
//
// Every round plans the whole batch again (expandInputs + makeBatchPlan) and
// keeps the items of the files that settled, so the rules of a normal batch
// hold unchanged: --include/--exclude, hidden and unsupported files left out,
// the output folder never entered and the batch's own outputs never taken as
// inputs (no nesting), existing outputs skipped unless --overwrite. A file is
// processed once; one changed again later is skipped (its output exists)
// unless --overwrite.
//
// The folders watched are the INPUTS that are folders (with recursive, their
// sub-folders, including new ones); files and globs among the INPUTS are
// processed in the first round only. Files changed less than the settle time
// before the start may still be written: they wait for their quiet period too.
//
// Stopping: no new image is started; the images in flight are finished and
// written (atomically, so a second Ctrl-C leaves no partial file either).
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "common/BatchInputs.h"
#include "common/BatchPlan.h"
#include "common/BatchRunner.h"
#include "common/BatchSweep.h"

namespace tconv::app {

struct WatchRequest {
    InputOptions inputs;  // inputs.outputDir: the output folder (never watched)
    PlanOptions plan;
    std::vector<SweepCombination> combinations;
    BatchRunOptions run;  // run.cancel is the stop flag (required)
    std::chrono::milliseconds settle{1000};
    std::chrono::milliseconds pollInterval{200};  // how often settling files are looked at
};

struct WatchCallbacks {
    // The first plan (what is there), before anything runs: false stops the
    // watch at once (the CLI refuses outputs over inputs this way).
    std::function<bool(const BatchPlan&)> firstPlan;
    // An item finished; counts are over the whole watch so far.
    std::function<void(const BatchPlan& round, const ItemResult&, const BatchCounts&)> progress;
    // A round (the first one included) finished.
    std::function<void(const BatchPlan& round, const BatchSummary& roundSummary)> roundDone;
    // Waiting for new files: after the first round and after each later one.
    std::function<void()> waiting;
};

struct WatchResult {
    // Every output of the watch once, in the order first met: a later
    // result for the same output replaces an earlier one unless it only
    // says "skipped". summary.results[i].item indexes plan.items.
    BatchPlan plan;
    BatchSummary summary;
    size_t rounds = 0;
    bool refused = false;  // firstPlan said no
    std::string error;     // why the watch ended early (an input folder removed, ...); empty when stopped
};

// The folders among the INPUTS; throws ParameterError when there is none.
std::vector<std::filesystem::path> watchedFolders(const InputOptions& inputs);

// Blocks until *run.cancel is set (or the first plan is refused). Throws
// ParameterError / ProcessingError when it cannot start (no folder to watch,
// inotify refused, no backend).
WatchResult runWatchedBatch(const WatchRequest& request, const WatchCallbacks& callbacks = {});

}  // namespace tconv::app
