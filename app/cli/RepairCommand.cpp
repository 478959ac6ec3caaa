// SPDX-License-Identifier: MIT
// tconv repair --kernel K --stride S [--dilation D] [--padding P]
// [--output-padding Q] --method additive|zoh --out K.npy: makes a kernel
// artifact-free (engine/analysis/KernelRepair.h), prints the scores before and
// after, and writes the repaired kernel atomically.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "analysis/ChannelScores.h"
#include "analysis/KernelRepair.h"
#include "analysis/LayerKernels.h"
#include "analysis/PhaseGain.h"
#include "cli/CliOptions.h"
#include "cli/Commands.h"
#include "common/ConvSettings.h"
#include "common/KernelFile.h"
#include "common/NpyBias.h"
#include "common/SameFile.h"
#include "common/StaleTempFiles.h"
#include "core/ConvError.h"

namespace tconv::cli {
namespace {
// File-local names in a namespace of their own: the lead compiles tconv as one
// unity translation unit, where every command file's anonymous namespace is one.
namespace repair_cmd {

struct RepairArgs {
    app::ConvSettings settings;
    std::string ignoredBiasFile;  // --bias FILE.npy: for apply only (noted on stderr)
    std::optional<RepairMethod> method;
    std::string out;
};

constexpr const char* kDescription = "Makes a kernel artifact-free: every output phase gets the same gain (CV = 0).";

constexpr const char* kMethodHelp =
    "additive: K'[j] = K[j] - (G[r(j)] - mean)/n_r(j): same size, same parameters, same sum;\n"
    "refused when some phase has no tap (k < s or gcd(d, s) > 1).\n"
    "zoh: zero-order hold: box_s * dilate_d(K) / (sH*sW), a d(k-1)+s kernel at dilation 1;\n"
    "padding and output_padding change so the output size stays the same (printed)";

// --method here is the repair, not apply's transposed|resize-conv.
void addRepairOptions(CLI::App& cmd, RepairArgs& a) {
    addValueOption(
        cmd, "--method",
        [&a](const std::string& v) {
            a.method = parseRepairMethod(v);
            if (!a.method) throw ParameterError("--method: expected additive or zoh, but got '" + v + "'");
        },
        kMethodHelp, "additive|zoh");
    addTextOption(cmd, "--out", a.out,
                  ".npy (float32) or a text matrix; a full (C_in, C_out/groups, kH, kW) weight is\n"
                  "repaired slice by slice and written as .npy; written atomically",
                  "FILE");
}

void checkArgs(const RepairArgs& a) {
    if (!a.method) throw ParameterError("repair needs --method additive|zoh (see tconv repair --help)");
    if (a.out.empty()) throw ParameterError("repair needs --out FILE for the repaired kernel");
}

void noteIgnoredBias(const RepairArgs& a) {
    if (a.ignoredBiasFile.empty()) return;
    std::fprintf(stderr,
                 "tconv: note: repair ignores --bias '%s' (the repaired weight is written without a bias; give the "
                 "same --bias to tconv apply)\n",
                 a.ignoredBiasFile.c_str());
}

std::string num(double v) {
    if (!std::isfinite(v)) return v > 0 ? "inf" : "-inf";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

void printScores(const char* when, const ConvLayer& layer) {
    const ChannelScores cs = channelScores(layer);
    double ratio = 1, pp = 0;
    for (const ArtifactScores& s : cs.scores) {
        ratio = std::max(ratio, s.ratio);
        pp = std::max(pp, s.peakToPeak);
    }
    const double cv = cs.maxCv();
    const bool holes = cs.countWithHoles() > 0;
    std::printf("%-7s kernel %dx%d, %s: CV %s, R %s, PP %s, holes %s\n", when, layer.params.kernel.h,
                layer.params.kernel.w, describe(layer.params).c_str(), num(cv).c_str(), num(ratio).c_str(),
                num(pp).c_str(), holes ? "yes" : "no");
}

void writeWeight(const std::string& path, const ConvLayer& layer, bool fullWeight) {
    if (!fullWeight) {
        app::saveKernelFile(path, weightSlice(layer, 0, 0));
        return;
    }
    try {
        app::saveWeightFile(path, layer.weight);
    } catch (const ParameterError& e) {
        throw ParameterError(std::string("--out: ") + e.what());
    }
}

// The layer to repair: a preset's or a kernel file's (a full weight sets the channels).
ConvLayer layerToRepair(const app::ConvSettings& s, bool& fullWeight) {
    int channels = 1;
    fullWeight = false;
    if (!s.kernel.isPreset()) {
        const app::KernelFile file = app::loadKernelFile(s.kernel.path());
        fullWeight = file.isFullWeight();
        if (fullWeight) channels = static_cast<int>(file.weight.shape().n);
    }
    return app::buildLayer(s, channels);
}

int repair(const RepairArgs& a) {
    checkArgs(a);
    app::checkSettings(a.settings);
    if (!a.settings.kernel.isPreset()) app::refuseOutputOverInputs(a.out, {a.settings.kernel.path()}, "--out");
    app::cleanStaleTempFiles(app::folderOf(a.out));
    bool fullWeight = false;
    const ConvLayer layer = layerToRepair(a.settings, fullWeight);
    const LayerRepair r = repairLayer(layer, *a.method);
    if (!r.ok) throw ParameterError(r.reason);
    writeWeight(a.out, r.layer, fullWeight);
    printScores("before:", layer);
    printScores("after:", r.layer);
    const ConvParams& p = r.layer.params;
    std::printf("wrote %s (%s repair)\n", a.out.c_str(), repairMethodName(*a.method));
    // "--padding P", or "--pads T,L,B,R" for a layer with per-side padding.
    std::printf("use with: --kernel %s --stride %s %s --output-padding %s --dilation %s\n", a.out.c_str(),
                sizeText(p.stride).c_str(), app::paddingOptionFor(p).c_str(), sizeText(p.outputPadding).c_str(),
                sizeText(p.dilation).c_str());
    noteIgnoredBias(a);
    return 0;
}

class RepairCommand : public Command {
public:
    explicit RepairCommand(CLI::App& tconv) {
        CLI::App* cmd = addCommand(tconv, "repair", "make a kernel artifact-free (--kernel K ... --method M --out F)");
        cmd->description(std::string(cmd->get_description()) + "\n" + kDescription);
        cmd->footer("exit status: 0 ok, 1 processing error, 2 usage or parameter error (including a refused repair)");
        const std::vector<CLI::Option*> conv = addConvOptions(*cmd, a_.settings, {"--method", "--bias"});
        addBiasOrIgnoredFileOption(*cmd, a_.settings, a_.ignoredBiasFile, conv.front()->get_group());
        addRepairOptions(*cmd, a_);
    }
    int run() override { return repair(a_); }

private:
    RepairArgs a_;
};

}  // namespace repair_cmd
}  // namespace

std::unique_ptr<Command> addRepairCommand(CLI::App& tconv) {
    return std::make_unique<repair_cmd::RepairCommand>(tconv);
}

}  // namespace tconv::cli
