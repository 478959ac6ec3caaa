// SPDX-License-Identifier: MIT
// tconv analyze [conv options] [--input IMAGE | --size HxW] [--heatmap OUT.png]
// [--heatmap-kind gain|artifact|energy] [--spectrum OUT.png] [--json]:
// the checkerboard analysis of a kernel and its parameters (phase-gain table
// and scores, engine/analysis), optionally as pictures.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "analysis/ArtifactComponent.h"
#include "analysis/ChannelScores.h"
#include "analysis/GainMap.h"
#include "analysis/LayerStack.h"
#include "analysis/LayerKernels.h"
#include "analysis/PeriodicEnergy.h"
#include "analysis/PhaseGain.h"
#include "analysis/ResizeConv.h"
#include "analysis/Spectrum.h"
#include "backends/BackendFactory.h"
#include "cli/CliOptions.h"
#include "cli/Commands.h"
#include "common/ConvSettings.h"
#include "common/HeatmapImage.h"
#include "common/ImageIO.h"
#include "common/JobMemory.h"
#include "common/JsonText.h"
#include "common/KernelFile.h"
#include "common/NpyBias.h"
#include "common/SameFile.h"
#include "common/StackSpec.h"
#include "common/StackSpecReport.h"
#include "common/StaleTempFiles.h"
#include "core/ConvError.h"
#include "core/ConvTranspose.h"
#include "core/Validation.h"

namespace tconv::cli {
namespace {
// File-local names in a namespace of their own: the lead compiles tconv as one
// unity translation unit, where every command file's anonymous namespace is one.
namespace analyze_cmd {

using app::jsonNumber;
using app::jsonString;

constexpr Size2 kDefaultInput{64, 64};

struct AnalyzeArgs {
    app::ConvSettings settings;
    std::string ignoredBiasFile;  // --bias FILE.npy: for apply only (noted on stderr)
    std::string input;
    std::optional<Size2> size;
    std::string heatmap, heatmapKind = "gain", spectrum;
    int window = 4;
    bool json = false;
    std::optional<std::string> stack;  // --stack "k=3,s=2,p=1;kernel=bilinear,k=4,s=2" (common/StackSpec.h)
};

constexpr const char* kDescription =
    "Checkerboard-artifact analysis of a kernel with its stride, padding and dilation: the phase-gain\n"
    "table G (the gain of each output phase (o+p) mod s for a constant input), CV = std(G)/mean,\n"
    "R = max/min, PP = (max-min)/mean, holes (phases no tap reaches), the pattern and a verdict.\n"
    "A full weight (C_in, C_out/groups, kH, kW) .npy is analysed per output channel (its kernel summed over\n"
    "the group's inputs): the CV spread over the channels, how many ripple, and the worst channel in full.";

void addAnalysisOptions(CLI::App& cmd, AnalyzeArgs& a) {
    addTextOption(cmd, "--input", a.input, "analyse for this image (its size; needed by artifact/energy heatmaps)",
                  "IMAGE");
    addValueOption(
        cmd, "--size",
        [&a](const std::string& v) {
            a.size = app::parseSize2("--size", v);
            if (a.size->h <= 0 || a.size->w <= 0)
                throw ParameterError("--size: expected a positive HxW, but got '" + v + "'");
        },
        "input size without --input (default 64x64)", "HxW")
        ->check(size2Validator());
    addTextOption(cmd, "--heatmap", a.heatmap, "write a heatmap with a colour bar (see --heatmap-kind)", "OUT.png");
    addTextOption(cmd, "--heatmap-kind", a.heatmapKind,
                  "gain (default): ConvT of an all-ones image / mean gain - 1, borders included;\n"
                  "artifact: the part of the result the additive repair removes (needs --input);\n"
                  "energy: local spread of the per-phase means, result vs resize-conv (needs --input)",
                  "KIND")
        ->check(choiceValidator({"gain", "artifact", "energy"}));
    addValueOption(
        cmd, "--window", [&a](const std::string& v) { a.window = std::stoi(v); },
        "energy window of M x M stride blocks (default 4)", "M")
        ->check(positiveIntValidator());
    addTextOption(cmd, "--spectrum", a.spectrum,
                  "log-magnitude spectrum of the result (of a constant image without --input)\n"
                  "with its radial profile",
                  "OUT.png");
    cmd.add_flag("--json", a.json, "print one JSON object instead of the text report");
    addValueOption(
        cmd, "--stack", [&a](const std::string& v) { a.stack = v; },
        "analyse a stack of transposed convolutions, each layer's output feeding the next:\n"
        "layers separated by ';', each a list of key=value with keys kernel (preset or file),\n"
        "k, s, p, op, d (N or HxW); a key not given takes the option's value (--kernel, ...).\n"
        "cv, phase_gain and period are the whole stack's; layers: each layer alone",
        "SPEC");
}

// What the options cannot say one by one.
void checkArgs(const AnalyzeArgs& a) {
    if (a.stack && (!a.heatmap.empty() || !a.spectrum.empty()))
        throw ParameterError(std::string(a.heatmap.empty() ? "--spectrum" : "--heatmap") +
                             " is for one layer, not for --stack (analyse a layer alone for its pictures)");
    if (!a.input.empty() && a.size) throw ParameterError("give either --input or --size, not both");
    if (a.heatmapKind != "gain" && a.input.empty())
        throw ParameterError("--heatmap-kind " + a.heatmapKind + " needs an image (--input IMAGE)");
}

void noteIgnoredBias(const AnalyzeArgs& a) {
    if (a.ignoredBiasFile.empty()) return;
    std::fprintf(stderr,
                 "tconv: note: analyze ignores --bias '%s' (a bias adds one value to every pixel of an output channel, "
                 "so it neither causes nor hides a checkerboard; tconv apply uses it)\n",
                 a.ignoredBiasFile.c_str());
}

std::string num(double v) {
    if (!std::isfinite(v)) return v > 0 ? "inf" : (v < 0 ? "-inf" : "nan");
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string jsonPair(int64_t a, int64_t b) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "[%lld,%lld]", static_cast<long long>(a), static_cast<long long>(b));
    return buf;
}

// A ripple of 1% of the mean is where the verdict stops calling it faint.
constexpr double kVisibleCv = 0.01;

// "min a, median b, max c" of the channels' CVs.
std::string cvSpread(const ChannelScores& cs) {
    std::vector<double> cv;
    for (const ArtifactScores& s : cs.scores) cv.push_back(s.cv);
    std::sort(cv.begin(), cv.end());
    const double median = cv.size() % 2 ? cv[cv.size() / 2] : 0.5 * (cv[cv.size() / 2 - 1] + cv[cv.size() / 2]);
    return "min " + num(cv.front()) + ", median " + num(median) + ", max " + num(cv.back());
}

void printText(const AnalyzeArgs& a, const ConvLayer& layer, const Shape4& in, const Shape4& out,
               const ChannelScores& cs) {
    const PhaseGainTable& table = cs.tables[static_cast<size_t>(cs.worst)];
    const ArtifactScores& s = cs.scores[static_cast<size_t>(cs.worst)];
    const ConvParams& p = layer.params;
    std::printf("kernel: %s (%dx%d), %s\n", a.settings.kernel.text().c_str(), p.kernel.h, p.kernel.w,
                describe(p).c_str());
    std::printf("input size: %lldx%lld%s\n", static_cast<long long>(in.h), static_cast<long long>(in.w),
                a.input.empty() ? (a.size ? " (--size)" : " (default; use --input or --size)") : "");
    std::printf("output size: %lldx%lld\n", static_cast<long long>(out.h), static_cast<long long>(out.w));
    if (!cs.uniform) {
        std::printf("channels: %zu output channels, CV %s; %lld with a ripple of 1%% or more, %lld with holes\n",
                    cs.scores.size(), cvSpread(cs).c_str(), static_cast<long long>(cs.countAtLeast(kVisibleCv)),
                    static_cast<long long>(cs.countWithHoles()));
        std::printf("channels differ; showing the worst, output channel %lld\n", static_cast<long long>(cs.worst));
    }
    std::printf("phase gain G (%dx%d; row = output row phase (oy+p) mod s, column = (ox+p) mod s):\n", table.sh,
                table.sw);
    for (int ry = 0; ry < table.sh; ++ry) {
        std::printf(" ");
        for (int rx = 0; rx < table.sw; ++rx)
            std::printf(" %10s%s", num(table.at(ry, rx)).c_str(), table.count(ry, rx) ? "" : "*");
        std::printf("\n");
    }
    std::printf("mean gain: %s\n", num(s.mean).c_str());
    std::printf("CV: %s (%s dB)\n", cvText(s.cv).c_str(), cvDbText(s.cv).c_str());
    std::printf("R (max/min): %s\n", num(s.ratio).c_str());
    std::printf("PP ((max-min)/mean): %s\n", cvText(s.peakToPeak).c_str());
    std::printf("holes: %s\n", s.holes ? ("yes, " + std::to_string(s.holeCount) + " phase(s) marked *").c_str() : "no");
    std::printf("pattern: %s", patternName(s.pattern));
    if (s.pattern != ArtifactPattern::None)
        std::printf(" (period %dx%d; ripple energy: rows %.0f%%, columns %.0f%%, cross %.0f%%)", s.periodH, s.periodW,
                    100 * s.rowShare, 100 * s.colShare, 100 * s.crossShare);
    std::printf("\nseverity: %s\n", s.severity.c_str());
    std::printf("verdict: %s\n", s.verdict.c_str());
}

void printJson(const AnalyzeArgs& a, const ConvLayer& layer, const Shape4& in, const Shape4& out,
               const ChannelScores& cs) {
    const PhaseGainTable& table = cs.tables[static_cast<size_t>(cs.worst)];
    const ArtifactScores& s = cs.scores[static_cast<size_t>(cs.worst)];
    const ConvParams& p = layer.params;
    std::string g = "[", counts = "[";
    for (int ry = 0; ry < table.sh; ++ry) {
        g += ry ? ",[" : "[";
        counts += ry ? ",[" : "[";
        for (int rx = 0; rx < table.sw; ++rx) {
            if (rx) g += ',', counts += ',';
            g += jsonNumber(table.at(ry, rx));
            counts += std::to_string(table.count(ry, rx));
        }
        g += "]";
        counts += "]";
    }
    g += "]";
    counts += "]";
    std::string o = "{";
    o += "\"output_size\":" + jsonPair(out.h, out.w);
    o += ",\"input_size\":" + jsonPair(in.h, in.w);
    o += ",\"input_default\":" + std::string(a.input.empty() && !a.size ? "true" : "false");
    o += ",\"kernel\":" + jsonString(a.settings.kernel.text());
    o += ",\"kernel_size\":" + jsonPair(p.kernel.h, p.kernel.w);
    o += ",\"stride\":" + jsonPair(p.stride.h, p.stride.w);
    o += ",\"padding\":" + jsonPair(p.padding.h, p.padding.w);  // the begin pads: they set the phase
    {
        const Pads4 f = pads(p);  // ONNX order [T,L,B,R]
        o += ",\"pads\":[" + std::to_string(f.top) + "," + std::to_string(f.left) + "," + std::to_string(f.bottom) +
             "," + std::to_string(f.right) + "]";
    }
    o += ",\"output_padding\":" + jsonPair(p.outputPadding.h, p.outputPadding.w);
    o += ",\"dilation\":" + jsonPair(p.dilation.h, p.dilation.w);
    o += ",\"channels_uniform\":" + std::string(cs.uniform ? "true" : "false");
    std::string cvs = "[";
    for (size_t c = 0; c < cs.scores.size(); ++c) {
        if (c) cvs += ',';
        cvs += jsonNumber(cs.scores[c].cv);
    }
    o += ",\"channel_cv\":" + cvs + "]";
    o += ",\"channels_visible\":" + std::to_string(cs.countAtLeast(kVisibleCv));
    o += ",\"channels_with_holes\":" + std::to_string(cs.countWithHoles());
    o += ",\"channel\":" + std::to_string(cs.worst);
    o += ",\"phase_gain\":" + g;
    o += ",\"tap_count\":" + counts;
    o += ",\"mean\":" + jsonNumber(s.mean);
    o += ",\"cv\":" + jsonNumber(s.cv);
    o += ",\"cv_db\":" + jsonNumber(s.cvDb);
    o += ",\"ratio\":" + jsonNumber(s.ratio);
    o += ",\"peak_to_peak\":" + jsonNumber(s.peakToPeak);
    o += ",\"holes\":" + std::string(s.holes ? "true" : "false");
    o += ",\"hole_count\":" + std::to_string(s.holeCount);
    o += ",\"pattern\":" + jsonString(patternName(s.pattern));
    o += ",\"period\":" + jsonPair(s.periodH, s.periodW);
    o += ",\"ripple_shares\":{\"rows\":" + jsonNumber(s.rowShare) + ",\"columns\":" + jsonNumber(s.colShare) +
         ",\"cross\":" + jsonNumber(s.crossShare) + "}";
    o += ",\"severity\":" + jsonString(s.severity);
    o += ",\"verdict\":" + jsonString(s.verdict);
    if (!a.heatmap.empty()) o += ",\"heatmap\":" + jsonString(a.heatmap);
    if (!a.spectrum.empty()) o += ",\"spectrum\":" + jsonString(a.spectrum);
    std::printf("%s}\n", o.c_str());
}

#ifdef TCONV_HAVE_OPENCV
std::string channelName(int64_t c, int64_t channels) {
    static const char* rgba[] = {"R", "G", "B", "A"};
    if (channels == 3 || channels == 4) return rgba[c];
    return "channel " + std::to_string(c);
}

// One panel per channel, or a single one when every plane is the same.
std::vector<app::HeatmapPanel> channelPanels(const Tensor& t, bool collapse, const std::string& prefix) {
    std::vector<app::HeatmapPanel> panels;
    const Shape4 s = t.shape();
    for (int64_t c = 0; c < (collapse ? 1 : s.c); ++c)
        panels.push_back({prefix + (collapse ? "all channels" : channelName(c, s.c)), s.h, s.w, t.plane(0, c)});
    return panels;
}

void writeHeatmap(const AnalyzeArgs& a, const ConvLayer& layer, const Tensor* image, const Shape4& in, Backend& backend,
                  bool uniform) {
    app::HeatmapStyle style;
    const ConvParams& p = layer.params;
    const std::string params = describe(p);
    Tensor map, second;
    std::vector<app::HeatmapPanel> panels;
    if (a.heatmapKind == "gain") {
        map = gainMap(layer, in.h, in.w, backend);
        panels = channelPanels(map, uniform, "");
        style.title =
            "gain map A - 1 (all-ones input " + std::to_string(in.h) + "x" + std::to_string(in.w) + ", " + params + ")";
        style.label = "A - 1";
    } else if (a.heatmapKind == "artifact") {
        map = artifactComponent(*image, layer, backend);
        panels = channelPanels(map, false, "");
        style.title = "artifact component E = ConvT(x; dK) (" + params + ")";
        style.label = "E";
    } else {
        PeriodicEnergyOptions o;
        o.stride = p.stride;
        o.phaseOffset = p.padding;
        o.windowBlocks = a.window;
        map = periodicEnergy(convTranspose2d(*image, layer, backend), o);
        ResizeConvOptions r;
        r.resize = a.settings.resize;
        second = periodicEnergy(resizeConv2d(*image, layer, r, backend), o);
        panels = channelPanels(map, false, "transposed ");
        for (auto& panel : channelPanels(second, false, std::string("resize-conv ") + resizeModeName(r.resize) + " "))
            panels.push_back(panel);
        style.columns = static_cast<int>(map.shape().c);
        style.colormap = ColormapKind::Viridis;
        style.symmetric = false;
        style.lo = 0.0;
        style.title = "local periodic energy, " + std::to_string(a.window) + "x" + std::to_string(a.window) +
                      " blocks (" + params + ")";
        style.label = "spread";
    }
    app::saveImage(a.heatmap, app::renderHeatmap(panels, style), 8);
}

void writeSpectrum(const AnalyzeArgs& a, const ConvLayer& layer, const Tensor* image, const Shape4& in,
                   Backend& backend) {
    const Tensor ones = image ? Tensor() : Tensor(in, 1.0f);
    const Tensor& x = image ? *image : ones;
    Tensor result;
    if (a.settings.method == app::ConvMethod::ResizeConv) {
        ResizeConvOptions r;
        r.resize = a.settings.resize;
        result = resizeConv2d(x, layer, r, backend);
    } else {
        result = convTranspose2d(x, layer, backend);
    }
    const Spectrum s = computeSpectrum(result);
    const std::string title = std::string("spectrum of the ") + app::convMethodName(a.settings.method) + " result (" +
                              (image ? "input image" : "constant input") + ", " + describe(layer.params) + ")";
    app::saveImage(a.spectrum, app::renderSpectrum(s, layer.params.stride, title), 8);
}
#endif

// The pictures' paths: a known format, never an input, no stale temporaries.
void checkOutputs(const AnalyzeArgs& a) {
#ifndef TCONV_HAVE_OPENCV
    if (!a.heatmap.empty() || !a.spectrum.empty())
        throw ParameterError("--heatmap and --spectrum need image support, and this tconv was built without OpenCV");
#endif
    for (const std::string* out : {&a.heatmap, &a.spectrum}) {
        if (out->empty()) continue;
        app::checkOutputFormat(*out, Shape4{1, 3, 1, 1});
        app::refuseOutputOverInputs(*out, {a.input, a.settings.kernel.path()},
                                    out == &a.heatmap ? "--heatmap" : "--spectrum");
        app::cleanStaleTempFiles(app::folderOf(*out));
    }
}

// The input's shape: the image's, or --size with the channels a full weight file expects.
Shape4 inputShape(const AnalyzeArgs& a, std::optional<app::LoadedImage>& image) {
    Shape4 in{1, 1, a.size.value_or(kDefaultInput).h, a.size.value_or(kDefaultInput).w};
    if (!a.input.empty()) {
        image = app::loadImage(a.input);
        return image->tensor.shape();
    }
    if (!a.settings.kernel.isPreset()) {
        const app::KernelFile file = app::loadKernelFile(a.settings.kernel.path());
        if (file.isFullWeight()) in.c = file.weight.shape().n;
    }
    return in;
}

// --stack: the whole stack's analysis (analysis/LayerStack.h), exact and border-free; nothing is run.
int analyzeStack(const AnalyzeArgs& a) {
    app::StackReport r;
    r.settings = app::parseStackSpec(*a.stack, a.settings);
    r.input = Shape4{1, 1, a.size.value_or(kDefaultInput).h, a.size.value_or(kDefaultInput).w};
    r.inputDefault = a.input.empty() && !a.size;
    r.inputNote = a.input.empty() ? (a.size ? " (--size)" : " (default; use --input or --size)") : "";
    if (!a.input.empty()) r.input = app::loadImage(a.input).tensor.shape();
    else r.input.c = app::stackInputChannels(r.settings, 1);
    r.layers = app::buildStackLayers(r.settings, static_cast<int>(r.input.c));
    r.outputs = layerStackShapes(r.input, r.layers, ResourceLimits{});  // sizes only: nothing is allocated
    r.analysis = analyzeLayerStack(r.layers);
    std::printf("%s%s", a.json ? app::stackReportJson(r).c_str() : app::stackReportText(r).c_str(), a.json ? "\n" : "");
    noteIgnoredBias(a);
    return 0;
}

int analyze(const AnalyzeArgs& a) {
    checkArgs(a);
    if (a.stack) return analyzeStack(a);
    app::checkSettings(a.settings);
    checkOutputs(a);
    std::unique_ptr<Backend> backend = createBackend(a.settings.backend);
    std::optional<app::LoadedImage> image;
    const Shape4 in = inputShape(a, image);
    const ConvLayer layer = app::buildLayer(a.settings, static_cast<int>(in.c));
    const Shape4 out = validateProblem(layer.problemFor(in), ResourceLimits{});  // memory: below, the whole job
    PeakMemory peak;
    if (image) peak.add("input " + shapeText(in), tensorBytes(in));
    app::addAnalysisMemory(peak, in, layer, a.settings, a.heatmap.empty() ? "" : a.heatmapKind, !a.spectrum.empty());
    peak.check(defaultResourceLimits(), "analyze");
    const ChannelScores analysis = channelScores(layer);
#ifdef TCONV_HAVE_OPENCV
    const Tensor* x = image ? &image->tensor : nullptr;
    if (!a.heatmap.empty()) writeHeatmap(a, layer, x, in, *backend, analysis.uniform);
    if (!a.spectrum.empty()) writeSpectrum(a, layer, x, in, *backend);
#endif
    if (a.json) {
        printJson(a, layer, in, out, analysis);
        noteIgnoredBias(a);
        return 0;
    }
    printText(a, layer, in, out, analysis);
    if (!a.heatmap.empty()) std::printf("heatmap (%s): %s\n", a.heatmapKind.c_str(), a.heatmap.c_str());
    if (!a.spectrum.empty()) std::printf("spectrum: %s\n", a.spectrum.c_str());
    noteIgnoredBias(a);
    return 0;
}

class AnalyzeCommand : public Command {
public:
    explicit AnalyzeCommand(CLI::App& tconv) {
        CLI::App* cmd = addCommand(tconv, "analyze", "checkerboard-artifact analysis of a kernel and parameters");
        cmd->description(std::string(cmd->get_description()) + "\n" + kDescription);
        cmd->footer("exit status: 0 ok, 1 processing error, 2 usage or parameter error");
        const std::vector<CLI::Option*> conv = addConvOptions(*cmd, a_.settings, {"--bias"});
        addBiasOrIgnoredFileOption(*cmd, a_.settings, a_.ignoredBiasFile, conv.front()->get_group());
        addAnalysisOptions(*cmd, a_);
    }
    int run() override { return analyze(a_); }

private:
    AnalyzeArgs a_;
};

}  // namespace analyze_cmd
}  // namespace

std::unique_ptr<Command> addAnalyzeCommand(CLI::App& tconv) {
    return std::make_unique<analyze_cmd::AnalyzeCommand>(tconv);
}

}  // namespace tconv::cli
