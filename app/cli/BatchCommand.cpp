// SPDX-License-Identifier: MIT
// tconv batch INPUT... -o OUTPUT_DIR [options]: upsample files, folders and
// globs, optionally over a parameter sweep. The work itself is BatchRunner's
// (app/common), shared with the studio's batch dialog; this file parses the
// command line, prints progress and the summary, and handles Ctrl-C.
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "cli/BatchOptions.h"
#include "cli/CliOptions.h"
#include "cli/Commands.h"
#include "common/AtomicFile.h"
#include "common/BatchInputs.h"
#include "common/BatchPlan.h"
#include "common/BatchProgress.h"
#include "common/BatchRanking.h"
#include "common/BatchReport.h"
#include "common/BatchRunner.h"
#include "common/BatchShard.h"
#include "common/BatchSweep.h"
#include "common/BatchWatch.h"
#include "common/ConvSettings.h"
#include "common/ErrorReport.h"
#include "common/JsonText.h"
#include "common/StaleTempFiles.h"
#include "common/StderrCapture.h"
#include "common/TempFileRegistry.h"
#include "core/ConvError.h"

namespace fs = std::filesystem;

namespace tconv::cli {

namespace {

using namespace tconv::app;

// Every combination must be usable before anything runs: a typo in one value
// of a sweep is a usage error, not hundreds of failed images.
void checkCombinations(const std::vector<SweepCombination>& combos) {
    for (const SweepCombination& c : combos) {
        try {
            checkSettings(c.settings);
        } catch (const std::exception& e) {
            throw ParameterError(combos.size() > 1 ? "settings " + c.folder + ": " + e.what() : std::string(e.what()));
        }
    }
}

std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int) {
    if (g_interrupted.exchange(true)) {  // a second Ctrl-C: stop now, leaving no temporary file
        unlinkRegisteredTempFiles();
        _exit(1);
    }
    static const char msg[] = "\ntconv: interrupted; finishing the images in flight (Ctrl-C again to abort)\n";
    (void)!write(userStderrFd(), msg, sizeof msg - 1);  // fd 2 may be diverted (QuietStderr)
}

// Installs the handler for the duration of the batch, then restores the previous one.
class InterruptGuard {
public:
    InterruptGuard() {
        struct sigaction sa {};
        sa.sa_handler = onInterrupt;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &oldInt_);
        sigaction(SIGTERM, &sa, &oldTerm_);
    }
    ~InterruptGuard() {
        sigaction(SIGINT, &oldInt_, nullptr);
        sigaction(SIGTERM, &oldTerm_, nullptr);
    }

private:
    struct sigaction oldInt_ {
    }, oldTerm_{};
};

const char* actionName(PlanAction a) {
    return a == PlanAction::Process ? "process" : a == PlanAction::Skip ? "skip" : "refuse";
}

// --list: machine-readable, one line per output (tab-separated: paths may hold spaces).
void printList(const BatchPlan& plan) {
    for (const BatchItem& item : plan.items)
        std::printf("%s\t%s\t%s\n", actionName(item.action), item.input.c_str(), item.output.c_str());
}

void printPlanJson(const BatchPlan& plan, const ShardSpec& shard) {
    std::printf(
        "{\"shard\": {\"index\": %d, \"count\": %d, \"by\": \"%s\"}, \"process\": %zu, \"skip\": %zu, "
        "\"refuse\": %zu, \"items\": [",
        shard.index, shard.count, shard.by == ShardBy::Size ? "size" : "count", plan.count(PlanAction::Process),
        plan.count(PlanAction::Skip), plan.count(PlanAction::Fail));
    bool first = true;
    for (const BatchItem& item : plan.items) {
        std::printf("%s\n  {\"action\": \"%s\", \"input\": %s, \"output\": %s, \"reason\": %s}", first ? "" : ",",
                    actionName(item.action), jsonString(item.input.string()).c_str(),
                    jsonString(item.output.string()).c_str(), jsonString(item.reason).c_str());
        first = false;
    }
    std::printf("%s]}\n", first ? "" : "\n");
}

void printDryRun(const BatchPlan& plan) {
    for (const BatchItem& item : plan.items) {
        const char* what = item.action == PlanAction::Process ? "process"
                           : item.action == PlanAction::Skip  ? "skip"
                                                              : "refuse";
        std::printf("%-7s %s -> %s", what, item.input.c_str(), item.output.c_str());
        if (!item.reason.empty()) std::printf("  (%s)", item.reason.c_str());
        std::printf("\n");
    }
    std::printf("dry run: %zu to process, %zu skipped, %zu refused (%zu settings combination%s); nothing written\n",
                plan.count(PlanAction::Process), plan.count(PlanAction::Skip), plan.count(PlanAction::Fail),
                plan.combinations.size(), plan.combinations.size() == 1 ? "" : "s");
}

// Temporary files of killed runs in the folders this batch writes to: removed
// (and said so) before new ones are made.
void removeStaleTempFilesOfPlan(const BatchPlan& plan) {
    std::set<std::string> folders;
    for (const BatchItem& item : plan.items)
        if (item.action == PlanAction::Process) folders.insert(item.output.parent_path().string());
    for (const std::string& f : folders) cleanStaleTempFiles(f);
}

// The first output that is one of the inputs, for the error message.
std::string firstOverInput(const BatchPlan& plan) {
    for (const BatchItem& item : plan.items)
        if (item.action == PlanAction::Fail && item.reason.find("overwrite an input") != std::string::npos)
            return item.output.string();
    return {};
}

std::string failureText(const BatchPlan& plan, const ItemResult& r) {
    const BatchItem& item = plan.items[r.item];
    const std::string input = item.input.string();
    std::string text = r.error.find(input) == std::string::npos ? input + ": " + r.error : r.error;
    if (plan.combinations.size() > 1) text = "[" + plan.combinations[item.combination].folder + "] " + text;
    return text;
}

// For the CLI tests only: TCONV_BATCH_TEST_DELAY_MS slows every item down, so
// an interruption reliably lands in the middle of a batch.
void installTestHooks(BatchRunOptions& run) {
    const char* delay = std::getenv("TCONV_BATCH_TEST_DELAY_MS");
    if (!delay || !*delay) return;
    const int ms = std::atoi(delay);
    run.testHook = [ms](size_t, std::string_view stage) {
        if (stage == "compute") std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    };
}

// The checks every batch makes before planning (usage errors).
void checkArgs(BatchArgs& a) {
    if (a.inputs.inputs.empty()) throw ParameterError("no INPUT given (usage: tconv batch INPUT... -o OUTPUT_DIR)");
    if (a.plan.outputDir.empty()) throw ParameterError("no output folder given (-o OUTPUT_DIR)");
    std::error_code ec;
    if (fs::exists(a.plan.outputDir, ec) && !fs::is_directory(a.plan.outputDir, ec))
        throw ParameterError("-o: '" + a.plan.outputDir.string() + "' exists and is not a folder");
    a.inputs.outputDir = a.plan.outputDir;
    if (!a.run.reference.empty()) {
        if (!fs::is_directory(a.run.reference, ec))
            throw ParameterError("--reference: '" + a.run.reference.string() + "' is not a folder");
        if (a.degradeGiven)
            throw ParameterError("--degrade: not used with --reference (the inputs are upsampled as they are)");
    }
}

// Options, inputs and the plan; every failure here is a usage error (exit 2).
BatchPlan prepare(BatchArgs& a, ShardSpec& shard) {
    checkArgs(a);
    if (!a.shard.empty()) {
        shard = parseShardSpec(a.shard, processEnvironment());
        shard.by = a.shardBy;
    }
    auto combos = expandSweep(a.base, a.axes);
    checkCombinations(combos);
    const std::vector<BatchInput> inputs = expandInputs(a.inputs);
    BatchPlan plan = selectShard(makeBatchPlan(inputs, std::move(combos), a.plan), inputs, shard);
    a.report = shardReportPath(a.report, shard);
    return plan;
}

// A usage error: nothing is written when an input would be replaced.
bool refuseOutputsOverInputs(const BatchPlan& plan) {
    if (!plan.outputsOverInputs) return false;
    printErrorLine(std::to_string(plan.outputsOverInputs) + " output" + (plan.outputsOverInputs == 1 ? "" : "s") +
                   " would overwrite an input file (first: '" + firstOverInput(plan) +
                   "'); nothing was written (use --suffix, --format or another -o folder)");
    return true;
}

// --list, --dry-run and the refusal of outputs over inputs; returns the exit
// code when the batch ends here.
std::optional<int> showPlan(const BatchArgs& a, const BatchPlan& plan, const ShardSpec& shard) {
    if (plan.excludedInputs && !a.quiet)
        std::fprintf(stderr,
                     "batch: %zu file%s found in the output folder not taken as input%s (written by this "
                     "batch or an earlier run of it)\n",
                     plan.excludedInputs, plan.excludedInputs == 1 ? "" : "s", plan.excludedInputs == 1 ? "" : "s");
    if (a.json && (a.list || a.dryRun)) printPlanJson(plan, shard);
    else if (a.list) printList(plan);
    else if (a.dryRun) printDryRun(plan);
    if (refuseOutputsOverInputs(plan)) return 2;
    if (a.dryRun || a.list) return 0;
    if (plan.items.empty()) {
        if (!a.quiet) std::fprintf(stderr, "tconv batch: no input images found; nothing to do\n");
        return 0;
    }
    return std::nullopt;
}

// Runs the plan with Ctrl-C handled; throws when the batch cannot run at all.
BatchSummary execute(BatchArgs& a, const BatchPlan& plan) {
    a.run.backend = a.base.backend;
    a.run.cancel = &g_interrupted;
    installTestHooks(a.run);
    if (!a.quiet)
        std::fprintf(stderr, "batch: %zu output%s (%zu to process, %zu skipped, %zu refused), %d job%s -> %s\n",
                     plan.items.size(), plan.items.size() == 1 ? "" : "s", plan.count(PlanAction::Process),
                     plan.count(PlanAction::Skip), plan.count(PlanAction::Fail), a.run.jobs, a.run.jobs == 1 ? "" : "s",
                     a.plan.outputDir.c_str());
    g_interrupted = false;
    InterruptGuard guard;
    // The image libraries' stderr goes to a private sink during the run, so
    // decodes need no per-image stderr redirection and run in parallel;
    // what the user sees meanwhile is written to quietLibraries.out().
    QuietStderr quietLibraries;
    BatchProgress progress(quietLibraries.out(), a.quiet);
    std::error_code ec;
    fs::create_directories(a.plan.outputDir, ec);
    if (ec)
        throw ProcessingError("cannot create the output folder '" + a.plan.outputDir.string() + "': " + ec.message());
    BatchRunner runner(plan, a.run);
    BatchSummary summary = runner.run([&](const ItemResult&, const BatchCounts& c) { progress.update(c); });
    progress.finish(summary.counts);
    return summary;
}

// Writes `text` to `path`; a failure is reported and makes the exit status 1.
void writeOrReport(const std::string& path, const std::string& text, int& status) {
    try {
        writeFileAtomically(path, text.data(), text.size());
    } catch (const std::exception& e) {
        printErrorLine(e.what());
        status = 1;
    }
}

void writeRanking(const BatchArgs& a, const BatchPlan& plan, const BatchSummary& summary, int& status) {
    const auto ranking = rankConfigurations(plan, summary);
    if (!a.quiet) std::printf("%s", rankingText(ranking).c_str());
    if (a.report.empty()) return;
    const std::string path = rankingPathFor(a.report);
    const bool json = path.size() > 5 && path.substr(path.size() - 5) == ".json";
    writeOrReport(path, json ? rankingJson(ranking) : rankingCsv(ranking), status);
}

// The report, the failures, the ranking and the summary; returns the exit code.
int finish(const BatchArgs& a, const BatchPlan& plan, const BatchSummary& summary) {
    int status = summary.counts.failed ? 1 : 0;
    if (!a.report.empty()) {
        try {
            writeBatchReport(a.report, plan, summary);
        } catch (const std::exception& e) {
            printErrorLine(e.what());
            status = 1;
        }
    }
    if (summary.counts.failed) {
        std::fprintf(stderr, "tconv batch: %zu failed:\n", summary.counts.failed);
        for (const ItemResult& r : summary.results)
            if (r.status == ItemStatus::Failed) std::fprintf(stderr, "  %s\n", failureText(plan, r).c_str());
    }
    if (a.run.evaluate) writeRanking(a, plan, summary, status);
    if (!a.quiet) {
        std::printf("%s\n", batchSummaryLine(summary).c_str());
        if (!summary.backend.empty())
            std::fprintf(stderr, "backend: %s per job, %d job%s\n", summary.backend.c_str(), a.run.jobs,
                         a.run.jobs == 1 ? "" : "s");
    }
    if (summary.wasCancelled) {
        std::fprintf(stderr, "tconv batch: interrupted; %zu image%s not processed (run the same command to resume)\n",
                     summary.cancelled, summary.cancelled == 1 ? "" : "s");
        return 1;  // not everything was done: the contract has 0, 1 and 2 only
    }
    return status;
}

// --watch's checks (usage errors) and request.
WatchRequest watchRequest(BatchArgs& a) {
    if (!a.shard.empty() || a.list || a.dryRun || a.json)
        throw ParameterError("--watch: not with --shard, --list, --dry-run or --json (a watch has no fixed plan)");
    checkArgs(a);
    WatchRequest req;
    req.combinations = expandSweep(a.base, a.axes);
    checkCombinations(req.combinations);
    (void)watchedFolders(a.inputs);  // throws when no INPUT is a folder
    a.run.backend = a.base.backend;
    a.run.cancel = &g_interrupted;
    installTestHooks(a.run);
    req.inputs = a.inputs;
    req.plan = a.plan;
    req.run = a.run;
    req.settle = std::chrono::milliseconds(std::llround(a.settleSeconds * 1000));
    return req;
}

// Runs the watch with Ctrl-C handled; progress goes to `out` (the user's stderr).
// A first plan with outputs over inputs is refused and copied to `refused`.
WatchResult runWatch(const BatchArgs& a, const WatchRequest& req, std::FILE* out, BatchPlan& refused) {
    WatchCallbacks cb;
    cb.firstPlan = [&](const BatchPlan& plan) {
        if (plan.outputsOverInputs) {
            refused = plan;
            return false;
        }
        removeStaleTempFilesOfPlan(plan);
        if (plan.excludedInputs && !a.quiet)
            std::fprintf(out, "batch: %zu file%s found in the output folder not taken as input%s\n",
                         plan.excludedInputs, plan.excludedInputs == 1 ? "" : "s", plan.excludedInputs == 1 ? "" : "s");
        return true;
    };
    cb.progress = [&](const BatchPlan& round, const ItemResult& r, const BatchCounts&) {
        if (r.status == ItemStatus::Failed) std::fprintf(out, "  failed: %s\n", failureText(round, r).c_str());
    };
    cb.roundDone = [&](const BatchPlan& round, const BatchSummary& s) {
        if (a.quiet || round.items.empty()) return;
        std::fprintf(out, "watch: %zu new output%s: %s\n", round.items.size(), round.items.size() == 1 ? "" : "s",
                     batchSummaryLine(s).c_str());
    };
    cb.waiting = [&] {
        if (!a.quiet) std::fprintf(out, "watch: waiting for new images (Ctrl-C to stop)\n");
    };
    return runWatchedBatch(req, cb);
}

// --watch: what is there, then new files until Ctrl-C or SIGTERM; one report,
// failure list and ranking for the whole watch at the end.
int watchBatch(BatchArgs& a) {
    WatchRequest req;
    try {
        req = watchRequest(a);
    } catch (const std::exception& e) {
        printErrorLine(e.what());
        return 2;
    }
    WatchResult result;
    BatchPlan refused;
    try {
        g_interrupted = false;
        InterruptGuard guard;
        QuietStderr quietLibraries;  // as execute(): the libraries' noise off the user's stderr
        if (!a.quiet)
            std::fprintf(quietLibraries.out(), "batch: watching %s%s -> %s (settle %.2g s), %d job%s\n",
                         a.inputs.inputs.front().c_str(), a.inputs.inputs.size() > 1 ? " ..." : "",
                         a.plan.outputDir.c_str(), a.settleSeconds, a.run.jobs, a.run.jobs == 1 ? "" : "s");
        result = runWatch(a, req, quietLibraries.out(), refused);
    } catch (const std::exception& e) {  // it could not start (inotify, backend)
        printErrorLine(e.what());
        return 1;
    }
    if (result.refused) {
        refuseOutputsOverInputs(refused);
        return 2;
    }
    int status = finish(a, result.plan, result.summary);
    if (!result.error.empty()) {
        printErrorLine("--watch stopped: " + result.error);
        status = 1;
    }
    return status;
}

int batch(BatchArgs& a) {
    if (a.watch) return watchBatch(a);
    BatchPlan plan;
    ShardSpec shard;
    try {
        plan = prepare(a, shard);
    } catch (const std::exception& e) {  // a missing input is a usage error too
        printErrorLine(e.what());
        return 2;
    }
    if (const std::optional<int> done = showPlan(a, plan, shard)) return *done;
    removeStaleTempFilesOfPlan(plan);
    BatchSummary summary;
    try {
        // A shard that is killed leaves this report behind: 'batch-report merge'
        // then names its unfinished outputs instead of missing them.
        if (shard.enabled && !a.report.empty()) writeBatchReport(a.report, plan, plannedSummary(plan));
        summary = execute(a, plan);
    } catch (const std::exception& e) {  // the batch could not run at all: a processing failure
        printErrorLine(e.what());
        return 1;
    }
    return finish(a, plan, summary);
}

class BatchCommand : public Command {
public:
    explicit BatchCommand(CLI::App& tconv) {
        CLI::App* cmd = addCommand(tconv, "batch", "upsample files, folders and globs (INPUT... -o DIR)");
        a_.run.jobs = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
        addBatchOptions(*cmd, a_);
    }
    int run() override { return batch(a_); }

private:
    BatchArgs a_;
};

}  // namespace

std::unique_ptr<Command> addBatchCommand(CLI::App& tconv) { return std::make_unique<BatchCommand>(tconv); }

}  // namespace tconv::cli
