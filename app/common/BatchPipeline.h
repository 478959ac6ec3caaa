// SPDX-License-Identifier: MIT
#pragma once
// The bounded three-stage pipeline under BatchRunner: decode -> compute ->
// encode, with at most `maxInFlight` items between the first and the last
// stage, so memory is bounded by that many decoded inputs and outputs.
//
// With oneTBB: tbb::parallel_pipeline in a task_arena of `jobs` threads
// (max tokens = maxInFlight); a serial input filter hands out items, three
// parallel filters do the work and a serial filter collects results, so one
// image's decode overlaps another's compute and a third's encode.
// Without oneTBB: `jobs` std::threads, each taking the next item and running
// its three stages in turn (at most `jobs` items in flight), which overlaps
// the stages of different items in the same way.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "common/BatchRunner.h"
#include "common/ImageIO.h"

namespace tconv::app {

struct BatchWork {
    size_t item = 0;
    LoadedImage image;
    Tensor output;
    Tensor reference;   // --evaluate --reference: the image the result is scored against
    ItemResult result;  // status Failed with an error once a stage failed
    std::chrono::steady_clock::time_point started;
    bool failed() const { return result.status == ItemStatus::Failed; }
};

struct PipelineStages {
    // Serial: the next item to work on, or nullptr when there is none left or
    // the batch was cancelled.
    std::function<std::unique_ptr<BatchWork>()> next;
    // Parallel, must not throw (failures go into work.result).
    std::function<void(BatchWork&)> decode, compute, encode;
    // Serial: receives every item handed out by next(), once.
    std::function<void(std::unique_ptr<BatchWork>)> finish;
};

// Blocks until next() returned nullptr and every item handed out is finished.
void runBoundedPipeline(const PipelineStages& stages, int jobs, int maxInFlight, bool forceThreads);

}  // namespace tconv::app
