// tconv repair --kernel K --stride S [--dilation D] [--padding P]
// [--output-padding Q] --method additive|zoh --out K.npy: makes a kernel
// artifact-free (engine/analysis/KernelRepair.h), prints the scores before and
// after, and writes the repaired kernel atomically.
#include <cmath>
#include <cstdio>
#include <string>

#include "analysis/ChannelScores.h"
#include "analysis/KernelRepair.h"
#include "analysis/LayerKernels.h"
#include "analysis/PhaseGain.h"
#include "cli/Commands.h"
#include "common/ConvSettings.h"
#include "common/ErrorReport.h"
#include "common/KernelFile.h"
#include "common/SameFile.h"
#include "common/StaleTempFiles.h"
#include "core/ConvError.h"
#include "core/KernelPresets.h"

namespace tconv::cli {
namespace {

struct RepairArgs {
    app::ConvSettings settings;
    std::optional<RepairMethod> method;
    std::string out;
    bool help = false;
};

void printHelp() {
    std::printf(
        "usage: tconv repair --kernel PRESET|FILE --stride S [--dilation D] [--padding P] [--output-padding Q]\n"
        "                    --method additive|zoh --out FILE\n"
        "Makes a kernel artifact-free: every output phase gets the same gain (CV = 0).\n"
        "  --method additive   K'[j] = K[j] - (G[r(j)] - mean)/n_r(j): same size, same parameters, same sum;\n"
        "                      refused when some phase has no tap (k < s or gcd(d, s) > 1)\n"
        "  --method zoh        zero-order hold: box_s * dilate_d(K) / (sH*sW), a d(k-1)+s kernel at dilation 1;\n"
        "                      padding and output_padding change so the output size stays the same (printed)\n"
        "  --out FILE          .npy (float32) or a text matrix; a full (C_in, C_out/groups, kH, kW) weight is\n"
        "                      repaired slice by slice and written as .npy; written atomically\n"
        "%s"
        "exit status: 0 ok, 1 processing error, 2 usage or parameter error (including a refused repair)\n",
        app::convOptionsHelp());
}

RepairArgs parseArgs(int argc, char** argv) {
    RepairArgs a;
    for (int i = 1; i < argc;) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            a.help = true;
            return a;
        }
        if (arg == "--") {  // the end of options; repair has no file arguments
            if (i + 1 < argc)
                throw ParameterError("repair takes no file arguments, but got '" + std::string(argv[i + 1]) +
                                     "' after '--' (use --kernel FILE and --out FILE)");
            break;
        }
        // --method means the repair here, not apply's transposed|resize-conv.
        if (arg == "--method" || arg == "--out") {
            if (i + 1 >= argc) throw ParameterError(arg + " needs a value (see tconv repair --help)");
            const std::string v = argv[i + 1];
            if (arg == "--out") {
                a.out = v;
            } else {
                a.method = parseRepairMethod(v);
                if (!a.method) throw ParameterError("--method: expected additive or zoh, but got '" + v + "'");
            }
            i += 2;
        } else if (!app::parseConvOption(argc, argv, i, a.settings)) {
            throw ParameterError("unknown argument '" + arg + "' (see tconv repair --help)");
        }
    }
    if (!a.method) throw ParameterError("repair needs --method additive|zoh (see tconv repair --help)");
    if (a.out.empty()) throw ParameterError("repair needs --out FILE for the repaired kernel");
    return a;
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

}  // namespace

int runRepair(int argc, char** argv) {
    try {
        const RepairArgs a = parseArgs(argc, argv);
        if (a.help) {
            printHelp();
            return 0;
        }
        app::checkSettings(a.settings);
        if (!parseKernelPreset(a.settings.kernel)) app::refuseOutputOverInputs(a.out, {a.settings.kernel}, "--out");
        app::cleanStaleTempFiles(app::folderOf(a.out));
        int channels = 1;
        bool fullWeight = false;
        if (!parseKernelPreset(a.settings.kernel)) {
            const app::KernelFile file = app::loadKernelFile(a.settings.kernel);
            fullWeight = file.isFullWeight();
            if (fullWeight) channels = static_cast<int>(file.weight.shape().n);
        }
        const ConvLayer layer = app::buildLayer(a.settings, channels);
        const LayerRepair r = repairLayer(layer, *a.method);
        if (!r.ok) throw ParameterError(r.reason);
        writeWeight(a.out, r.layer, fullWeight);
        printScores("before:", layer);
        printScores("after:", r.layer);
        const ConvParams& p = r.layer.params;
        std::printf("wrote %s (%s repair)\n", a.out.c_str(), repairMethodName(*a.method));
        std::printf("use with: --kernel %s --stride %s --padding %s --output-padding %s --dilation %s\n", a.out.c_str(),
                    sizeText(p.stride).c_str(), sizeText(p.padding).c_str(), sizeText(p.outputPadding).c_str(),
                    sizeText(p.dilation).c_str());
        return 0;
    } catch (...) {
        return app::reportCurrentException();
    }
}

}  // namespace tconv::cli
