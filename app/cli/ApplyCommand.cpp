// SPDX-License-Identifier: MIT
// tconv apply INPUT OUTPUT [options]: one image or .npy (or a batch in one
// .npy) through one layer.
// Everything that can be refused is refused before the input is read or the
// output computed, and the output is written atomically, so a failed run
// leaves nothing at OUTPUT.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "analysis/ResizeConv.h"
#include "backends/BackendFactory.h"
#include "cli/CliOptions.h"
#include "cli/Commands.h"
#include "common/ConvSettings.h"
#include "common/ImageIO.h"
#include "common/JobMemory.h"
#include "common/NpyBias.h"
#include "common/SameFile.h"
#include "common/StaleTempFiles.h"
#include "common/TensorLayout.h"
#include "core/ConvError.h"
#include "core/ConvTranspose.h"
#include "core/MemoryEstimate.h"
#include "core/Validation.h"

namespace tconv::cli {
namespace {
// File-local names in a namespace of their own: the lead compiles tconv as one
// unity translation unit, where every command file's anonymous namespace is one.
namespace apply_cmd {

struct ApplyArgs {
    std::vector<std::string> files;  // INPUT OUTPUT
    std::string input;
    std::string output;
    app::ConvSettings settings;
    std::string biasFile;  // --bias FILE.npy (settings.bias holds --bias V[,V...])
    app::TensorLayout layout = app::TensorLayout::Nhwc;
    bool strideGiven = false;  // --stride on the command line (else tconv's default 2)
    bool quiet = false;
};

constexpr const char* kDescription =
    "Upsamples one image, or a batch of them in one .npy, by a PyTorch-exact ConvTranspose2d, each channel on\n"
    "its own (depthwise) unless a full weight file is given.\n"
    "  INPUT   an image (png, jpg, tif, bmp, webp, pnm; 8 or 16-bit; gray, RGB or RGBA, alpha processed\n"
    "          as its own channel; read as value/255 or value/65535) or .npy (float32, float64, uint8,\n"
    "          uint16; C order; shape (H,W), (H,W,C) or a batch (N,H,W,C), N = 0 included; with\n"
    "          --layout nchw PyTorch's (C,H,W) or (N,C,H,W)); JPEG EXIF orientation is applied on read\n"
    "          (as viewers show it); NaN and infinity pass through as in PyTorch, with one warning on stderr\n"
    "  OUTPUT  .npy: the raw float32 result with the input's axes and layout ((H,W) when one channel\n"
    "          comes from (H,W) or (H,W,C)); .png .tif .tiff .jpg .jpeg .bmp .webp: one picture, clamped to\n"
    "          [0,1] and quantized to the input's bit depth (8-bit for .npy inputs and for formats without\n"
    "          16-bit); written atomically. An existing OUTPUT is replaced (its permission bits kept);\n"
    "          OUTPUT may not be INPUT, the --kernel or the --bias file (exit 2)\n"
    "On success one line on stderr gives the effective parameters, the bias, the shapes (N x C x H x W)\n"
    "and the backend, e.g. 'tconv: applied k=4 s=2 p=1 op=0 d=1 g=3 bias=no (stride 2 is tconv's image\n"
    "default; PyTorch's and ONNX's default is 1) 1x3x512x512 -> 1x3x1024x1024 on cpu'; stdout keeps\n"
    "the 'wrote ...' line (none with --quiet)";

constexpr const char* kBiasHelp =
    "one value for all output channels, one per output channel, or an .npy of shape (C_out,)\n"
    "(PyTorch's layer.bias; float32, float64 rounded to float32)";

constexpr const char* kLayoutHelp =
    ".npy axes of INPUT and OUTPUT: nhwc (default): (H,W), (H,W,C), (N,H,W,C); nchw: PyTorch's\n"
    "(C,H,W), (N,C,H,W), as np.save(t.numpy()) writes them; (H,W) is one channel in both.\n"
    "The output keeps the input's axes; an image input written to .npy follows the layout";

constexpr const char* kFooter =
    "  --                        end of options (for file names starting with '-')\n"
    "exit status: 0 ok, 1 processing error (unreadable input, write failure, device error),\n"
    "2 usage or parameter error";

// INPUT and OUTPUT from the file arguments.
void takeFiles(ApplyArgs& a) {
    const size_t n = a.files.size();
    if (n < 2) throw ParameterError("apply needs INPUT and OUTPUT (see tconv apply --help)");
    if (n > 2)
        throw ParameterError("apply takes one INPUT and one OUTPUT, but got " + std::to_string(n) + " file arguments");
    a.input = a.files[0];
    a.output = a.files[1];
}

// HxWxC for the stdout line, as it always was; "N items of HxWxC" for a batch.
std::string dims(const Shape4& s) {
    const std::string item = std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c);
    return s.n == 1 ? item : std::to_string(s.n) + " items of " + item;
}

// NxCxHxW, PyTorch's order, for the stderr line.
std::string nchwDims(const Shape4& s) {
    return std::to_string(s.n) + "x" + std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

// The one stderr line after a successful apply: what was computed, so that a
// default (stride 2) that differs from PyTorch's and ONNX's is never silent.
std::string appliedLine(const ApplyArgs& a, const ConvLayer& layer, const Shape4& in, const Shape4& out,
                        const Backend& backend) {
    std::string line = "tconv: applied " + describe(layer.params) + " bias=" + (layer.bias.empty() ? "no" : "yes");
    if (a.settings.method == app::ConvMethod::ResizeConv)
        line += std::string(" method=resize-conv resize=") + resizeModeName(a.settings.resize);
    if (!a.strideGiven)
        line += " (stride " + sizeText(layer.params.stride) +
                " is tconv's image default; PyTorch's and ONNX's default is 1)";
    return line + " " + nchwDims(in) + " -> " + nchwDims(out) + " on " + backendName(backend.kind()) + "\n";
}

// The layer for an input: the settings' layer and the --bias file's values.
ConvLayer layerFor(const ApplyArgs& a, const Shape4& input) {
    ConvLayer layer = app::buildLayerFor(a.settings, input);
    if (!a.biasFile.empty()) layer.bias = app::readBiasFile(a.biasFile, layer.outChannels());
    return layer;
}

// F + D + I + K + X + O + E (MemoryEstimate.h) against the limit.
void checkJobMemory(const ApplyArgs& a, const app::InputProbe& probe, const ConvLayer& layer, const Shape4& outShape,
                    const ResourceLimits& limits) {
    PeakMemory peak;
    app::addInputMemory(peak, probe);
    app::addLayerMemory(peak, probe.shape, layer, a.settings);
    peak.add("encoding '" + a.output + "'", app::encodeBytes(a.output, outShape, probe.bitDepth));
    peak.check(limits, "apply with output " + shapeText(outShape));
}

// The probe without the file's bytes, for a second check after decoding.
app::InputProbe headerOnly(const app::InputProbe& p) {
    app::InputProbe h;
    h.path = p.path;
    h.isNpy = p.isNpy;
    h.shape = p.shape;
    h.fileBytes = p.fileBytes;
    h.decodedBytes = p.decodedBytes;
    h.orientation = p.orientation;
    h.bitDepth = p.bitDepth;
    h.npyAxes = p.npyAxes;
    return h;
}

// ", resize-conv bilinear" for the status line; "" for transposed.
const char* methodNote(const app::ConvSettings& s) {
    if (s.method != app::ConvMethod::ResizeConv) return "";
    return s.resize == ResizeMode::Bilinear ? ", resize-conv bilinear" : ", resize-conv nearest";
}

// The whole job; throws ParameterError (exit 2) or anything else (exit 1).
int apply(ApplyArgs& a) {
    takeFiles(a);
    const app::ConvSettings& s = a.settings;
    app::checkSettings(s);
    app::checkOutputFormat(a.output, Shape4{1, 1, 1, 1});  // the extension, before any work
    app::refuseOutputOverInputs(a.output, {a.input, s.kernel.path(), a.biasFile});
    app::cleanStaleTempFiles(app::folderOf(a.output));
    std::unique_ptr<Backend> backend = createBackend(s.backend);

    // The whole job's peak is checked from the input's header, before
    // anything large is decoded or allocated.
    const ResourceLimits limits = defaultResourceLimits();
    app::InputProbe probe = app::probeInput(a.input, limits, app::NpyAxesRules{a.layout, true});
    ConvLayer layer;
    Shape4 outShape;
    // The layer and the shapes for an input; the memory check is for the
    // whole job at once (the shapes' own check is left to it).
    const auto plan = [&](const app::InputProbe& input) {
        layer = layerFor(a, input.shape);
        outShape = validateProblem(layer.problemFor(input.shape), ResourceLimits{});
        app::checkOutputFormat(a.output, outShape);
        checkJobMemory(a, input, layer, outShape, limits);
    };
    plan(probe);
    const Shape4 announced = probe.shape;
    const app::InputProbe header = headerOnly(probe);
    const app::LoadedImage image = app::decodeInput(std::move(probe));
    if (image.tensor.shape() != announced) {  // a header that undersold its channels
        app::InputProbe actual = header;
        actual.shape = image.tensor.shape();
        plan(actual);
    }

    Tensor output;
    const auto start = std::chrono::steady_clock::now();
    if (image.tensor.shape().n == 0) {
        output = Tensor(outShape);  // an empty batch: nothing to compute, as in PyTorch
    } else if (s.method == app::ConvMethod::ResizeConv) {
        ResizeConvOptions options;
        options.resize = s.resize;
        resizeConv2d(image.tensor, layer, options, *backend, output);
    } else {
        convTranspose2d(image.tensor, layer, *backend, output);
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    app::saveImage(a.output, output, image.bitDepth, image.npyAxes);
    if (!a.quiet)
        std::printf("wrote %s (%s) in %.1f ms on %s%s\n", a.output.c_str(), dims(output.shape()).c_str(), ms,
                    backend->description().c_str(), methodNote(s));
    std::fflush(stdout);
    std::fputs(appliedLine(a, layer, image.tensor.shape(), output.shape(), *backend).c_str(), stderr);
    return 0;
}

class ApplyCommand : public Command {
public:
    explicit ApplyCommand(CLI::App& tconv) {
        CLI::App* cmd = addCommand(tconv, "apply", "upsample one image or .npy by transposed convolution");
        cmd->description(std::string(cmd->get_description()) + "\n" + kDescription);
        cmd->footer(kFooter);
        cmd->add_option("FILES", a_.files, "INPUT OUTPUT: the image or .npy to read, and the file to write");
        const std::vector<CLI::Option*> conv = addConvOptions(*cmd, a_.settings, {"--bias"});
        // --bias here also takes a file (NpyBias.h); in the convolution options' group.
        addValueOption(
            *cmd, "--bias",
            [this](const std::string& v) {
                a_.biasFile = app::isBiasFile(v) ? v : std::string();
                if (a_.biasFile.empty()) app::setConvOption(a_.settings, "--bias", v);
                else a_.settings.bias.clear();
            },
            kBiasHelp, "V[,V...]|FILE.npy")
            ->group(conv.front()->get_group());
        addValueOption(
            *cmd, "--layout",
            [this](const std::string& v) {
                const auto layout = app::parseTensorLayout(v);
                if (!layout) throw ParameterError("--layout: expected nhwc or nchw, but got '" + v + "'");
                a_.layout = *layout;
            },
            kLayoutHelp, "nhwc|nchw");
        cmd->add_flag("-q,--quiet", a_.quiet, "no 'wrote ...' line on stdout (the parameters line on stderr stays)");
        stride_ = cmd->get_option("--stride");
    }
    int run() override {
        a_.strideGiven = stride_->count() > 0;
        return apply(a_);
    }

private:
    ApplyArgs a_;
    CLI::Option* stride_ = nullptr;
};

}  // namespace apply_cmd
}  // namespace

std::unique_ptr<Command> addApplyCommand(CLI::App& tconv) { return std::make_unique<apply_cmd::ApplyCommand>(tconv); }

}  // namespace tconv::cli
