// SPDX-License-Identifier: MIT
#pragma once
// What a batch will do: for each input and settings combination, the output
// path and whether it is processed, skipped (the output exists and
// --overwrite was not given, which makes a stopped batch resumable) or
// refused (it would overwrite an input, or two inputs map to one output).
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/BatchInputs.h"
#include "common/BatchSweep.h"

namespace tconv::app {

enum class OutputFormat { Keep, Png, Tif, Jpg, Webp, Npy };
// "keep" "png" "tif" "jpg" "webp" "npy"; nullopt otherwise.
std::optional<OutputFormat> parseOutputFormat(const std::string& name);

struct PlanOptions {
    std::filesystem::path outputDir;
    OutputFormat format = OutputFormat::Keep;
    std::string suffix;      // appended to the file stem: "a.png" -> "a_up.png" with "_up"
    bool overwrite = false;  // false: existing outputs are skipped
};

enum class PlanAction { Process, Skip, Fail };

struct BatchItem {
    std::filesystem::path input;
    std::filesystem::path output;
    size_t combination = 0;  // index into BatchPlan::combinations
    PlanAction action = PlanAction::Process;
    std::string reason;              // why skipped or refused
    bool replaceExisting = false;    // --overwrite: the write may replace a file; else it never does
    std::filesystem::path relative;  // the input's path under its root (BatchInput::relative): --reference matching
};

struct BatchPlan {
    std::vector<SweepCombination> combinations;
    std::vector<BatchItem> items;  // input-major: every combination of one input, then the next input
    // Items refused because their output is (device and inode) one of the
    // inputs: `tconv batch` refuses the whole run (exit 2) when this is not 0.
    size_t outputsOverInputs = 0;
    // Files found in folders or by globs that this batch does not take as
    // inputs because it writes them (see makeBatchPlan).
    size_t excludedInputs = 0;
    size_t count(PlanAction a) const;
};

// The output path of one input under one combination:
// OUTPUT_DIR / combination folder / relative folder / stem + suffix + extension.
// `keep` keeps the input's extension, or uses .png when it is not a format we
// write (e.g. .pgm).
std::filesystem::path plannedOutputPath(const BatchInput& in, const SweepCombination& c, const PlanOptions& o);

// A batch never takes as input a file it writes, so running the same command
// again resumes and never nests (x_up_up.png, out/out/...). A file found in a
// folder or by a glob (not one named on its own) is left out when
//  - it is the planned output of another input of this batch, or
//  - it was found inside the output folder (a walk that started there, as in
//    `tconv batch d -o d`) and either lies in a sweep's settings sub-folder or
//    is named as this batch names its outputs: a non-empty --suffix at the end
//    of the stem and an extension this batch writes.
// Walks and globs that start outside the output folder never enter it
// (expandInputs). Left-out files are counted in excludedInputs.
BatchPlan makeBatchPlan(const std::vector<BatchInput>& inputs, std::vector<SweepCombination> combinations,
                        const PlanOptions& options);

}  // namespace tconv::app
