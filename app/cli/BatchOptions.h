// SPDX-License-Identifier: MIT
#pragma once
// tconv batch's options: what the command line sets (BatchArgs) and the
// CLI11 options that set it, with their --help text.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/BatchInputs.h"
#include "common/BatchPlan.h"
#include "common/BatchRunner.h"
#include "common/BatchShard.h"
#include "common/BatchSweep.h"
#include "common/ConvSettings.h"

namespace tconv::cli {

struct BatchArgs {
    app::InputOptions inputs;
    app::PlanOptions plan;
    app::ConvSettings base;
    std::vector<app::SweepAxis> axes;
    app::BatchRunOptions run;
    std::string report;
    bool dryRun = false;
    bool list = false;
    bool json = false;
    std::string shard;  // --shard text, parsed after all options (--shard-by may follow)
    app::ShardBy shardBy = app::ShardBy::Count;
    bool quiet = false;
    bool degradeGiven = false;   // --degrade was given (an error with --reference)
    bool watch = false;          // --watch: keep processing new files until Ctrl-C
    double settleSeconds = 1.0;  // --settle: a file counts once unchanged this long
};

// Adds every option of `tconv batch` to `cmd`, bound to `a`, with the help
// text (description and footer).
void addBatchOptions(CLI::App& cmd, BatchArgs& a);

}  // namespace tconv::cli
