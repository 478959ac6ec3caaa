// SPDX-License-Identifier: MIT
#include "cli/BatchOptions.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "cli/CliOptions.h"
#include "common/BatchQuality.h"
#include "common/BatchReport.h"
#include "common/ImageCodec.h"
#include "core/ConvError.h"

namespace tconv::cli {
namespace {

using namespace tconv::app;

constexpr const char* kBatchDescription =
    "Upsamples every image of the inputs (files, folders, glob patterns such as 'shots/*.png').";

constexpr const char* kBatchFooter =
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

int parsePositive(const std::string& option, const std::string& value, int max) {
    char* end = nullptr;
    const long v = std::strtol(value.c_str(), &end, 10);
    if (value.empty() || *end || v < 1 || v > max)
        throw ParameterError(option + ": expected an integer from 1 to " + std::to_string(max) + ", but got '" + value +
                             "'");
    return static_cast<int>(v);
}

// A flag whose effect depends on its place among others (--overwrite / --skip-existing: the last wins).
void addOrderedFlag(CLI::App& cmd, const std::string& names, std::function<void()> set, const std::string& help) {
    cmd.add_flag_callback(names, std::move(set), help)->trigger_on_parse();
}

void addInputOptions(CLI::App& cmd, BatchArgs& a) {
    cmd.add_option("INPUTS", a.inputs.inputs, "files, folders and glob patterns");
    addValueOption(
        cmd, "-o,--output", [&a](const std::string& v) { a.plan.outputDir = v; },
        "output folder (created when missing)", "DIR");
    cmd.add_flag("-r,--recursive", a.inputs.recursive, "walk sub-folders and mirror their tree under DIR");
    addValueOption(
        cmd, "--include", [&a](const std::string& v) { a.inputs.include.push_back(v); },
        "only files matching (repeatable; a pattern with '/' is matched against the\n"
        "relative path, else the file name)",
        "PATTERN");
    addValueOption(
        cmd, "--exclude", [&a](const std::string& v) { a.inputs.exclude.push_back(v); },
        "drop files matching (repeatable)", "PATTERN");
}

void addOutputOptions(CLI::App& cmd, BatchArgs& a) {
    addValueOption(
        cmd, "--format", [&a](const std::string& v) { a.plan.format = *parseOutputFormat(v); },
        "output format (default keep: the input's)", "keep|png|tif|jpg|webp|npy")
        ->check(choiceValidator({"keep", "png", "tif", "jpg", "webp", "npy"}));
    addValueOption(
        cmd, "--suffix",
        [&a](const std::string& v) {
            if (v.find('/') != std::string::npos) throw ParameterError("--suffix: '" + v + "' must not contain '/'");
            a.plan.suffix = v;
        },
        "appended to output file names (a.png -> aTEXT.png)", "TEXT");
    addValueOption(
        cmd, "--bit-depth", [&a](const std::string& v) { a.run.bitDepth = v == "keep" ? 0 : std::stoi(v); },
        "output bit depth of images (default keep: the input's)", "keep|8|16")
        ->check(choiceValidator({"keep", "8", "16"}));
    addValueOption(
        cmd, "--png-compression",
        [&a](const std::string& v) {
            if (v == "fast") a.run.pngCompression = -1;
            else if (v.size() == 1 && v[0] >= '0' && v[0] <= '9') a.run.pngCompression = v[0] - '0';
            else throw ParameterError("--png-compression: expected fast or a level from 0 to 9, but got '" + v + "'");
        },
        "deflate level of PNG outputs (encoder: " + pngEncoderName() +
            "): fast (default) is level 1\n(with libdeflate: the Paeth filter; with OpenCV: the SUB filter, RLE); "
            "0 stores, 9 is smallest\nand slowest. Pixels are identical at every level",
        "fast|0-9");
    addOrderedFlag(
        cmd, "--skip-existing", [&a] { a.plan.overwrite = false; },
        "skip outputs that exist (default: a stopped batch resumes)");
    addOrderedFlag(
        cmd, "--overwrite", [&a] { a.plan.overwrite = true; },
        "replace existing outputs (inputs are never overwritten)");
    addValueOption(
        cmd, "--report",
        [&a](const std::string& v) {
            if (!isSupportedReportPath(v)) throw ParameterError("--report: '" + v + "' must end in .csv or .json");
            a.report = v;
        },
        "per-output report: paths, parameters, sizes, CV, R, time", "FILE.csv|.json");
}

void addRunOptions(CLI::App& cmd, BatchArgs& a) {
    addValueOption(
        cmd, "-j,--jobs", [&a](const std::string& v) { a.run.jobs = parsePositive("--jobs", v, 256); },
        "images processed at once (default: the number of CPU threads)", "N");
    addValueOption(
        cmd, "--max-in-flight",
        [&a](const std::string& v) { a.run.maxInFlight = parsePositive("--max-in-flight", v, 4096); },
        "images decoded and not yet written (default 2 x jobs)", "N");
    cmd.add_flag("--dry-run", a.dryRun, "list what would be done, write nothing");
    cmd.add_flag("--list", a.list,
                 "print this shard's plan, one 'action<TAB>input<TAB>output' line per\n"
                 "output, write nothing (with --json: one JSON object)");
    cmd.add_flag("--json", a.json, "with --list or --dry-run: the plan as JSON on stdout");
    addTextOption(cmd, "--shard", a.shard,
                  "run shard I (0-based) of N: the inputs whose stable hash (FNV-1a 64 of the path\n"
                  "relative to its root) is I mod N; auto reads SLURM_ARRAY_TASK_ID/_MIN/_COUNT or\n"
                  "JOB_COMPLETION_INDEX+TCONV_SHARD_COUNT. --report R.csv becomes R.shard-I-of-N.csv\n"
                  "(written at the start with every output 'cancelled', then with the results); merge\n"
                  "them with 'tconv batch-report merge DIR -o report.csv'",
                  "I/N|auto");
    addValueOption(
        cmd, "--shard-by", [&a](const std::string& v) { a.shardBy = parseShardBy(v); },
        "balance shards by file count (default; adding files moves only the new ones) or by\n"
        "bytes (largest first to the lightest shard)",
        "count|size");
    cmd.add_flag("--evaluate", a.run.evaluate,
                 "score each combination: the input is cropped to a multiple of the stride, downsampled\n"
                 "by it (--degrade), upsampled back, and compared with the original: report columns psnr\n"
                 "(dB, result clamped to [0,1], all channels) and ssim (Gaussian 11, sigma 1.5, luma); a\n"
                 "ranking of the combinations (mean and worst PSNR/SSIM) is printed and written to\n"
                 "R.ranking.csv/json");
    addValueOption(
        cmd, "--degrade",
        [&a](const std::string& v) {
            a.run.degrade = parseDegradeFilter(v);
            a.degradeGiven = true;
        },
        "the downsampling of --evaluate (default area)", "area|bicubic|nearest");
    addValueOption(
        cmd, "--reference",
        [&a](const std::string& v) {
            if (v.empty()) throw ParameterError("--reference: the folder name is empty");
            a.run.reference = v;
            a.run.evaluate = true;
        },
        "--evaluate against existing high-resolution images instead of degrading: an input's\n"
        "reference is DIR/<its relative path>, else the one image of the same stem in that\n"
        "sub-folder (a.jpg -> a.png); no reference, or another size than the result, fails\n"
        "that image (the batch goes on). Implies --evaluate; report column 'reference'",
        "DIR");
    cmd.add_flag("--watch", a.watch,
                 "process the images there, then new ones as they arrive in the INPUT folders\n"
                 "(inotify; sub-folders too with -r) until Ctrl-C or SIGTERM; a file counts once\n"
                 "its size and time stay unchanged for --settle; names ending in .part,\n"
                 ".crdownload, .tmp, .partial, .download or ~ and hidden files are ignored");
    addValueOption(
        cmd, "--settle",
        [&a](const std::string& v) {
            char* end = nullptr;
            const double s = std::strtod(v.c_str(), &end);
            if (v.empty() || *end || !(s >= 0.05 && s <= 3600))
                throw ParameterError("--settle: expected seconds from 0.05 to 3600, but got '" + v + "'");
            a.settleSeconds = s;
        },
        "with --watch: seconds a new file must stay unchanged before it is read (default 1)", "SECONDS");
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

}  // namespace

void addBatchOptions(CLI::App& cmd, BatchArgs& a) {
    cmd.description(std::string(cmd.get_description()) + "\n" + kBatchDescription);
    cmd.footer(kBatchFooter);
    addInputOptions(cmd, a);
    addOutputOptions(cmd, a);
    addRunOptions(cmd, a);
    addSweepOptions(cmd, a);
}

}  // namespace tconv::cli
