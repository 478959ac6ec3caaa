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
#include <set>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

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
#include "common/JsonText.h"
#include "common/StaleTempFiles.h"
#include "common/StderrCapture.h"
#include "common/TempFileRegistry.h"
#include "core/ConvError.h"

namespace fs = std::filesystem;

namespace tconv::cli {

namespace {

using namespace tconv::app;

void printHelp() {
    std::printf(
        "usage: tconv batch INPUT... -o OUTPUT_DIR [options]\n"
        "Upsamples every image of the inputs (files, folders, glob patterns such as 'shots/*.png').\n"
        "batch options:\n"
        "  -o, --output DIR          output folder (created when missing)\n"
        "  -r, --recursive           walk sub-folders and mirror their tree under DIR\n"
        "  --include PATTERN         only files matching (repeatable; a pattern with '/' is\n"
        "                            matched against the relative path, else the file name)\n"
        "  --exclude PATTERN         drop files matching (repeatable)\n"
        "  --format keep|png|tif|jpg|webp|npy   output format (default keep: the input's)\n"
        "  --suffix TEXT             appended to output file names (a.png -> aTEXT.png)\n"
        "  --bit-depth keep|8|16     output bit depth of images (default keep: the input's)\n"
        "  --png-compression fast|0-9  zlib level of PNG outputs: fast (default) is OpenCV's speed setting\n"
        "                            (level 1, SUB filter, RLE); 0 stores, 9 is smallest and slowest.\n"
        "                            Pixels are identical at every level\n"
        "  --skip-existing           skip outputs that exist (default: a stopped batch resumes)\n"
        "  --overwrite               replace existing outputs (inputs are never overwritten)\n"
        "  -j, --jobs N              images processed at once (default: the number of CPU threads)\n"
        "  --max-in-flight N         images decoded and not yet written (default 2 x jobs)\n"
        "  --report FILE.csv|.json   per-output report: paths, parameters, sizes, CV, R, time\n"
        "  --dry-run                 list what would be done, write nothing\n"
        "  --list                    print this shard's plan, one 'action<TAB>input<TAB>output' line per\n"
        "                            output, write nothing (with --json: one JSON object)\n"
        "  --json                    with --list or --dry-run: the plan as JSON on stdout\n"
        "  --shard I/N|auto          run shard I (0-based) of N: the inputs whose stable hash (FNV-1a 64 of\n"
        "                            the path relative to its root) is I mod N; auto reads\n"
        "                            SLURM_ARRAY_TASK_ID/_MIN/_COUNT or JOB_COMPLETION_INDEX+TCONV_SHARD_COUNT.\n"
        "                            --report R.csv becomes R.shard-I-of-N.csv (written at the start with\n"
        "                            every output 'cancelled', then with the results); merge them with\n"
        "                            'tconv batch-report merge DIR -o report.csv'\n"
        "  --evaluate                score each combination: the input is cropped to a multiple of the stride,\n"
        "                            downsampled by it (--degrade), upsampled back, and compared with the\n"
        "                            original: report columns psnr (dB, result clamped to [0,1], all channels)\n"
        "                            and ssim (Gaussian 11, sigma 1.5, luma); a ranking of the combinations\n"
        "                            (mean and worst PSNR/SSIM) is printed and written to R.ranking.csv/json\n"
        "  --degrade area|bicubic|nearest  the downsampling of --evaluate (default area)\n"
        "  --shard-by count|size     balance shards by file count (default; adding files moves only the\n"
        "                            new ones) or by bytes (largest first to the lightest shard)\n"
        "  -q, --quiet               no progress and no summary (failures are still listed)\n"
        "  --                        end of options: what follows is an INPUT even if it starts with '-'\n"
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
        "%s"
        "exit status: 0 all succeeded, 1 some failed (listed) or interrupted, 2 usage error\n"
        "(Ctrl-C stops after the images in flight; run the same command again to resume).\n",
        convOptionsHelp());
}

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
    bool help = false;
};

int parsePositive(const std::string& option, const std::string& value, int max) {
    char* end = nullptr;
    const long v = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end || v < 1 || v > max)
        throw ParameterError(option + ": expected an integer from 1 to " + std::to_string(max) + ", but got '" +
                             value + "'");
    return static_cast<int>(v);
}

BatchArgs parseArgs(int argc, char** argv) {
    BatchArgs a;
    a.run.jobs = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    for (int i = 1; i < argc;) {
        const std::string arg = argv[i];
        if (arg == "--") {  // the end of options: the rest are inputs, '-x.png' included
            for (++i; i < argc; ++i) a.inputs.inputs.push_back(argv[i]);
            break;
        }
        const size_t eq = arg.find('=');
        const std::string name = arg.rfind("--", 0) == 0 ? arg.substr(0, eq) : arg;
        // The value of an option: "--opt=value" or the next argument.
        auto value = [&]() -> std::string {
            if (name.size() < arg.size()) return arg.substr(eq + 1);
            if (i + 1 >= argc) throw ParameterError(name + " needs a value (see tconv batch --help)");
            return argv[++i];
        };
        if (name == "-h" || name == "--help") {
            a.help = true;
        } else if (name == "-o" || name == "--output") {
            a.plan.outputDir = value();
        } else if (name == "-r" || name == "--recursive") {
            a.inputs.recursive = true;
        } else if (name == "--include") {
            a.inputs.include.push_back(value());
        } else if (name == "--exclude") {
            a.inputs.exclude.push_back(value());
        } else if (name == "--format") {
            const std::string v = value();
            const auto f = parseOutputFormat(v);
            if (!f) throw ParameterError("--format: expected keep, png, tif, jpg, webp or npy, but got '" + v + "'");
            a.plan.format = *f;
        } else if (name == "--suffix") {
            a.plan.suffix = value();
            if (a.plan.suffix.find('/') != std::string::npos)
                throw ParameterError("--suffix: '" + a.plan.suffix + "' must not contain '/'");
        } else if (name == "--bit-depth") {
            const std::string v = value();
            if (v == "keep") a.run.bitDepth = 0;
            else if (v == "8" || v == "16") a.run.bitDepth = std::stoi(v);
            else throw ParameterError("--bit-depth: expected keep, 8 or 16, but got '" + v + "'");
        } else if (name == "--png-compression") {
            const std::string v = value();
            if (v == "fast") a.run.pngCompression = -1;
            else if (v.size() == 1 && v[0] >= '0' && v[0] <= '9') a.run.pngCompression = v[0] - '0';
            else throw ParameterError("--png-compression: expected fast or a level from 0 to 9, but got '" + v + "'");
        } else if (name == "--overwrite") {
            a.plan.overwrite = true;
        } else if (name == "--skip-existing") {
            a.plan.overwrite = false;
        } else if (name == "-j" || name == "--jobs") {
            a.run.jobs = parsePositive(name, value(), 256);
        } else if (name == "--max-in-flight") {
            a.run.maxInFlight = parsePositive(name, value(), 4096);
        } else if (name == "--report") {
            a.report = value();
            if (!isSupportedReportPath(a.report))
                throw ParameterError("--report: '" + a.report + "' must end in .csv or .json");
        } else if (name == "--dry-run") {
            a.dryRun = true;
        } else if (name == "--evaluate") {
            a.run.evaluate = true;
        } else if (name == "--degrade") {
            a.run.degrade = parseDegradeFilter(value());
        } else if (name == "--list") {
            a.list = true;
        } else if (name == "--json") {
            a.json = true;
        } else if (name == "--shard") {
            a.shard = value();
        } else if (name == "--shard-by") {
            a.shardBy = parseShardBy(value());
        } else if (name == "-q" || name == "--quiet") {
            a.quiet = true;
        } else if (isSweepableOption(name)) {
            SweepAxis axis{name, splitSweepList(name, value())};
            std::erase_if(a.axes, [&](const SweepAxis& x) { return x.option == name; });  // the last one wins
            a.axes.push_back(std::move(axis));
        } else if (parseConvOption(argc, argv, i, a.base)) {
            continue;  // it advanced i
        } else if (arg.size() > 1 && arg[0] == '-') {
            throw ParameterError("unknown option '" + arg + "' (see tconv batch --help)");
        } else {
            a.inputs.inputs.push_back(arg);
        }
        ++i;
    }
    return a;
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

}  // namespace

int runBatch(int argc, char** argv) {
    BatchArgs a;
    BatchPlan plan;
    ShardSpec shard;
    try {
        a = parseArgs(argc, argv);
        if (a.help) {
            printHelp();
            return 0;
        }
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
        plan = selectShard(makeBatchPlan(inputs, std::move(combos), a.plan), inputs, shard);
        a.report = shardReportPath(a.report, shard);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tconv batch: error: %s\n", e.what());
        return 2;
    }

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
        std::fprintf(stderr,
                     "tconv batch: error: %zu output%s would overwrite an input file (first: '%s'); nothing was "
                     "written (use --suffix, --format or another -o folder)\n",
                     plan.outputsOverInputs, plan.outputsOverInputs == 1 ? "" : "s", firstOverInput(plan).c_str());
        return 2;
    }
    if (a.dryRun || a.list) return 0;
    if (plan.items.empty()) {
        if (!a.quiet) std::fprintf(stderr, "tconv batch: no input images found; nothing to do\n");
        return 0;
    }

    removeStaleTempFilesOfPlan(plan);
    if (shard.enabled && !a.report.empty()) {
        // A shard that is killed leaves this report behind: 'batch-report
        // merge' then names its unfinished outputs instead of missing them.
        try {
            writeBatchReport(a.report, plan, plannedSummary(plan));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "tconv batch: error: %s\n", e.what());
            return 1;
        }
    }
    a.run.backend = a.base.backend;
    a.run.cancel = &g_interrupted;
    installTestHooks(a.run);
    if (!a.quiet)
        std::fprintf(stderr, "batch: %zu output%s (%zu to process, %zu skipped, %zu refused), %d job%s -> %s\n",
                     plan.items.size(), plan.items.size() == 1 ? "" : "s", plan.count(PlanAction::Process),
                     plan.count(PlanAction::Skip), plan.count(PlanAction::Fail), a.run.jobs,
                     a.run.jobs == 1 ? "" : "s", a.plan.outputDir.c_str());

    BatchSummary summary;
    {
        g_interrupted = false;
        InterruptGuard guard;
        // The image libraries' stderr goes to a private sink during the run, so
        // decodes need no per-image stderr redirection and run in parallel;
        // what the user sees meanwhile is written to quietLibraries.out().
        QuietStderr quietLibraries;
        BatchProgress progress(quietLibraries.out(), a.quiet);
        try {
            std::error_code ec;
            fs::create_directories(a.plan.outputDir, ec);
            if (ec)
                throw ProcessingError("cannot create the output folder '" + a.plan.outputDir.string() +
                                      "': " + ec.message());
            BatchRunner runner(plan, a.run);
            summary = runner.run([&](const ItemResult&, const BatchCounts& c) { progress.update(c); });
        } catch (const std::exception& e) {
            std::fprintf(quietLibraries.out(), "tconv batch: error: %s\n", e.what());
            return 1;
        }
        progress.finish(summary.counts);
    }

    int status = summary.counts.failed ? 1 : 0;
    if (!a.report.empty()) {
        try {
            writeBatchReport(a.report, plan, summary);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "tconv batch: error: %s\n", e.what());
            status = 1;
        }
    }
    if (summary.counts.failed) {
        std::fprintf(stderr, "tconv batch: %zu failed:\n", summary.counts.failed);
        for (const ItemResult& r : summary.results)
            if (r.status == ItemStatus::Failed) std::fprintf(stderr, "  %s\n", failureText(plan, r).c_str());
    }
    if (a.run.evaluate) {
        const auto ranking = rankConfigurations(plan, summary);
        if (!a.quiet) std::printf("%s", rankingText(ranking).c_str());
        if (!a.report.empty()) {
            const std::string path = rankingPathFor(a.report);
            const std::string text = path.size() > 5 && path.substr(path.size() - 5) == ".json" ? rankingJson(ranking)
                                                                                                  : rankingCsv(ranking);
            try {
                writeFileAtomically(path, text.data(), text.size());
            } catch (const std::exception& e) {
                std::fprintf(stderr, "tconv batch: error: %s\n", e.what());
                status = 1;
            }
        }
    }
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

}  // namespace tconv::cli
