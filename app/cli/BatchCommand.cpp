// tconv batch INPUT... -o OUTPUT_DIR [options]: upsample files, folders and
// globs, optionally over a parameter sweep. The work itself is BatchRunner's
// (app/common), shared with the studio's batch dialog; this file parses the
// command line, prints progress and the summary, and handles Ctrl-C.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "cli/CliOptions.h"
#include "cli/Commands.h"
#include "common/BatchInputs.h"
#include "common/BatchPlan.h"
#include "common/BatchRanking.h"
#include "common/AtomicFile.h"
#include "common/BatchProgress.h"
#include "common/BatchReport.h"
#include "common/BatchRunner.h"
#include "common/BatchShard.h"
#include "common/BatchSweep.h"
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

constexpr const char* kDescription =
    "Upsamples every image of the inputs (files, folders, glob patterns such as 'shots/*.png').";

constexpr const char* kFooter =
    "files: a batch never takes as input a file it writes, so running the same command again resumes\n"
    "  and never nests. A folder walk or glob that starts outside DIR never enters DIR; one that starts\n"
    "  inside it (tconv batch d -o d --suffix _up) leaves out the planned outputs of the other inputs,\n"
    "  the settings sub-folders of a sweep, and files named like this batch's outputs (stem ending in\n"
    "  the --suffix, an extension it writes). Files named one by one are always taken. An output that\n"
    "  is an input file (same device and inode) is a usage error: nothing is written. Without\n"
    "  --overwrite, an output that appears while the batch runs is kept and that image fails.\n"
    "sweeps: --kernel-size --stride --padding --output-padding --dilation --kernel --sigma --seed\n"
    "  --groups --method --resize take comma lists (--stride 2,3 --kernel bilinear,box); every\n"
    "  combination is run into its own sub-folder named after its settings (k4_s2_p1_bilinear).\n"
    "  --                        end of options: what follows is an INPUT even if it starts with '-'\n"
    "exit status: 0 all succeeded, 1 some failed (listed) or interrupted, 2 usage error\n"
    "(Ctrl-C stops after the images in flight; run the same command again to resume).";

struct BatchArgs {
    InputOptions inputs;
    PlanOptions plan;
    ConvSettings base;
    std::vector<SweepAxis> axes;
    BatchRunOptions run;
    std::string report;
    bool dryRun = false;
    bool list = false;
    bool json = false;
    std::string shard;  // --shard text, parsed after all options (--shard-by may follow)
    ShardBy shardBy = ShardBy::Count;
    bool quiet = false;
};

int parsePositive(const std::string& option, const std::string& value, int max) {
    char* end = nullptr;
    const long v = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end || v < 1 || v > max)
        throw ParameterError(option + ": expected an integer from 1 to " + std::to_string(max) + ", but got '" +
                             value + "'");
    return static_cast<int>(v);
}

// A flag whose effect depends on its place among others (--overwrite / --skip-existing: the last wins).
void addOrderedFlag(CLI::App& cmd, const std::string& names, std::function<void()> set, const std::string& help) {
    cmd.add_flag_callback(names, std::move(set), help)->trigger_on_parse();
}

void addInputOptions(CLI::App& cmd, BatchArgs& a) {
    cmd.add_option("INPUTS", a.inputs.inputs, "files, folders and glob patterns");
    addValueOption(cmd, "-o,--output", [&a](const std::string& v) { a.plan.outputDir = v; },
                   "output folder (created when missing)", "DIR");
    cmd.add_flag("-r,--recursive", a.inputs.recursive, "walk sub-folders and mirror their tree under DIR");
    addValueOption(cmd, "--include", [&a](const std::string& v) { a.inputs.include.push_back(v); },
                   "only files matching (repeatable; a pattern with '/' is matched against the\n"
                   "relative path, else the file name)", "PATTERN");
    addValueOption(cmd, "--exclude", [&a](const std::string& v) { a.inputs.exclude.push_back(v); },
                   "drop files matching (repeatable)", "PATTERN");
}

void addOutputOptions(CLI::App& cmd, BatchArgs& a) {
    addValueOption(cmd, "--format", [&a](const std::string& v) { a.plan.format = *parseOutputFormat(v); },
                   "output format (default keep: the input's)", "keep|png|tif|jpg|webp|npy")
        ->check(choiceValidator({"keep", "png", "tif", "jpg", "webp", "npy"}));
    addValueOption(cmd, "--suffix", [&a](const std::string& v) {
        if (v.find('/') != std::string::npos) throw ParameterError("--suffix: '" + v + "' must not contain '/'");
        a.plan.suffix = v;
    }, "appended to output file names (a.png -> aTEXT.png)", "TEXT");
    addValueOption(cmd, "--bit-depth", [&a](const std::string& v) { a.run.bitDepth = v == "keep" ? 0 : std::stoi(v); },
                   "output bit depth of images (default keep: the input's)", "keep|8|16")
        ->check(choiceValidator({"keep", "8", "16"}));
    addValueOption(cmd, "--png-compression", [&a](const std::string& v) {
        if (v == "fast") a.run.pngCompression = -1;
        else if (v.size() == 1 && v[0] >= '0' && v[0] <= '9') a.run.pngCompression = v[0] - '0';
        else throw ParameterError("--png-compression: expected fast or a level from 0 to 9, but got '" + v + "'");
    }, "zlib level of PNG outputs: fast (default) is OpenCV's speed setting (level 1, SUB\n"
       "filter, RLE); 0 stores, 9 is smallest and slowest. Pixels are identical at every level", "fast|0-9");
    addOrderedFlag(cmd, "--skip-existing", [&a] { a.plan.overwrite = false; },
                   "skip outputs that exist (default: a stopped batch resumes)");
    addOrderedFlag(cmd, "--overwrite", [&a] { a.plan.overwrite = true; },
                   "replace existing outputs (inputs are never overwritten)");
    addValueOption(cmd, "--report", [&a](const std::string& v) {
        if (!isSupportedReportPath(v)) throw ParameterError("--report: '" + v + "' must end in .csv or .json");
        a.report = v;
    }, "per-output report: paths, parameters, sizes, CV, R, time", "FILE.csv|.json");
}

void addRunOptions(CLI::App& cmd, BatchArgs& a) {
    addValueOption(cmd, "-j,--jobs", [&a](const std::string& v) { a.run.jobs = parsePositive("--jobs", v, 256); },
                   "images processed at once (default: the number of CPU threads)", "N");
    addValueOption(cmd, "--max-in-flight",
                   [&a](const std::string& v) { a.run.maxInFlight = parsePositive("--max-in-flight", v, 4096); },
                   "images decoded and not yet written (default 2 x jobs)", "N");
    cmd.add_flag("--dry-run", a.dryRun, "list what would be done, write nothing");
    cmd.add_flag("--list", a.list, "print this shard's plan, one 'action<TAB>input<TAB>output' line per\n"
                                   "output, write nothing (with --json: one JSON object)");
    cmd.add_flag("--json", a.json, "with --list or --dry-run: the plan as JSON on stdout");
    addTextOption(cmd, "--shard", a.shard,
                  "run shard I (0-based) of N: the inputs whose stable hash (FNV-1a 64 of the path\n"
                  "relative to its root) is I mod N; auto reads SLURM_ARRAY_TASK_ID/_MIN/_COUNT or\n"
                  "JOB_COMPLETION_INDEX+TCONV_SHARD_COUNT. --report R.csv becomes R.shard-I-of-N.csv\n"
                  "(written at the start with every output 'cancelled', then with the results); merge\n"
                  "them with 'tconv batch-report merge DIR -o report.csv'", "I/N|auto");
    addValueOption(cmd, "--shard-by", [&a](const std::string& v) { a.shardBy = parseShardBy(v); },
                   "balance shards by file count (default; adding files moves only the new ones) or by\n"
                   "bytes (largest first to the lightest shard)", "count|size");
    cmd.add_flag("--evaluate", a.run.evaluate,
                 "score each combination: the input is cropped to a multiple of the stride, downsampled\n"
                 "by it (--degrade), upsampled back, and compared with the original: report columns psnr\n"
                 "(dB, result clamped to [0,1], all channels) and ssim (Gaussian 11, sigma 1.5, luma); a\n"
                 "ranking of the combinations (mean and worst PSNR/SSIM) is printed and written to\n"
                 "R.ranking.csv/json");
    addValueOption(cmd, "--degrade", [&a](const std::string& v) { a.run.degrade = parseDegradeFilter(v); },
                   "the downsampling of --evaluate (default area)", "area|bicubic|nearest");
    cmd.add_flag("-q,--quiet", a.quiet, "no progress and no summary (failures are still listed)");
}

// Sweepable options take comma lists (one axis each; the last one given wins);
// the others are set on the base settings.
void addSweepOptions(CLI::App& cmd, BatchArgs& a) {
    addConvOptions(cmd, [&a](const std::string& name, const std::string& value) {
        if (!isSweepableOption(name)) {
            setConvOption(a.base, name, value);
            return;
        }
        SweepAxis axis{name, splitSweepList(name, value)};
        std::erase_if(a.axes, [&](const SweepAxis& x) { return x.option == name; });
        a.axes.push_back(std::move(axis));
    });
}

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
    struct sigaction oldInt_ {}, oldTerm_ {};
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
    std::printf("{\"shard\": {\"index\": %d, \"count\": %d, \"by\": \"%s\"}, \"process\": %zu, \"skip\": %zu, "
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
        const char* what = item.action == PlanAction::Process ? "process" : item.action == PlanAction::Skip ? "skip" : "refuse";
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

// Options, inputs and the plan; every failure here is a usage error (exit 2).
BatchPlan prepare(BatchArgs& a, ShardSpec& shard) {
    if (a.inputs.inputs.empty()) throw ParameterError("no INPUT given (usage: tconv batch INPUT... -o OUTPUT_DIR)");
    if (a.plan.outputDir.empty()) throw ParameterError("no output folder given (-o OUTPUT_DIR)");
    std::error_code ec;
    if (fs::exists(a.plan.outputDir, ec) && !fs::is_directory(a.plan.outputDir, ec))
        throw ParameterError("-o: '" + a.plan.outputDir.string() + "' exists and is not a folder");
    a.inputs.outputDir = a.plan.outputDir;
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

// --list, --dry-run and the refusal of outputs over inputs; returns the exit
// code when the batch ends here.
std::optional<int> showPlan(const BatchArgs& a, const BatchPlan& plan, const ShardSpec& shard) {
    if (plan.excludedInputs && !a.quiet)
        std::fprintf(stderr, "batch: %zu file%s found in the output folder not taken as input%s (written by this "
                             "batch or an earlier run of it)\n",
                     plan.excludedInputs, plan.excludedInputs == 1 ? "" : "s", plan.excludedInputs == 1 ? "" : "s");
    if (a.json && (a.list || a.dryRun))
        printPlanJson(plan, shard);
    else if (a.list)
        printList(plan);
    else if (a.dryRun)
        printDryRun(plan);
    if (plan.outputsOverInputs) {
        // Usage error: nothing is written when an input would be replaced.
        printErrorLine(std::to_string(plan.outputsOverInputs) + " output" + (plan.outputsOverInputs == 1 ? "" : "s") +
                       " would overwrite an input file (first: '" + firstOverInput(plan) +
                       "'); nothing was written (use --suffix, --format or another -o folder)");
        return 2;
    }
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
                     plan.count(PlanAction::Skip), plan.count(PlanAction::Fail), a.run.jobs,
                     a.run.jobs == 1 ? "" : "s", a.plan.outputDir.c_str());
    g_interrupted = false;
    InterruptGuard guard;
    // The image libraries' stderr goes to a private sink during the run, so
    // decodes need no per-image stderr redirection and run in parallel;
    // what the user sees meanwhile is written to quietLibraries.out().
    QuietStderr quietLibraries;
    BatchProgress progress(quietLibraries.out(), a.quiet);
    std::error_code ec;
    fs::create_directories(a.plan.outputDir, ec);
    if (ec) throw ProcessingError("cannot create the output folder '" + a.plan.outputDir.string() + "': " + ec.message());
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

int batch(BatchArgs& a) {
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
        cmd->description(std::string(cmd->get_description()) + "\n" + kDescription);
        cmd->footer(kFooter);
        a_.run.jobs = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
        addInputOptions(*cmd, a_);
        addOutputOptions(*cmd, a_);
        addRunOptions(*cmd, a_);
        addSweepOptions(*cmd, a_);
    }
    int run() override { return batch(a_); }

private:
    BatchArgs a_;
};

}  // namespace

std::unique_ptr<Command> addBatchCommand(CLI::App& tconv) { return std::make_unique<BatchCommand>(tconv); }

}  // namespace tconv::cli
