// SPDX-License-Identifier: MIT
// tconv apply INPUT OUTPUT [options]: one image or .npy through one layer.
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
#include "common/SameFile.h"
#include "common/StaleTempFiles.h"
#include "core/ConvError.h"
#include "core/ConvTranspose.h"
#include "core/MemoryEstimate.h"
#include "core/Validation.h"

namespace tconv::cli {
namespace {

struct ApplyArgs {
    std::vector<std::string> files;  // INPUT OUTPUT
    std::string input;
    std::string output;
    app::ConvSettings settings;
    bool quiet = false;
};

constexpr const char* kDescription =
    "Upsamples one image by a PyTorch-exact ConvTranspose2d, each channel on its own (depthwise) unless a\n"
    "full weight file is given.\n"
    "  INPUT   an image (png, jpg, tif, bmp, webp, pnm; 8 or 16-bit; gray, RGB or RGBA, alpha processed\n"
    "          as its own channel; read as value/255 or value/65535) or .npy (float32, float64, uint8,\n"
    "          uint16; shape (H,W) or (H,W,C)); JPEG EXIF orientation is applied on read (as viewers show it);\n"
    "          NaN and infinity pass through as in PyTorch, with one warning on stderr\n"
    "  OUTPUT  .npy: the raw float32 result, (H,W) or (H,W,C); .png .tif .tiff .jpg .jpeg .bmp .webp:\n"
    "          clamped to [0,1] and quantized to the input's bit depth (8-bit for .npy inputs and for\n"
    "          formats without 16-bit); written atomically. An existing OUTPUT is replaced (its permission\n"
    "          bits kept); OUTPUT may not be INPUT or the --kernel file (exit 2)";

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

std::string dims(const Shape4& s) {
    return std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c);
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
    app::refuseOutputOverInputs(a.output, {a.input, s.kernel.path()});
    app::cleanStaleTempFiles(app::folderOf(a.output));
    std::unique_ptr<Backend> backend = createBackend(s.backend);

    // The whole job's peak is checked from the input's header, before
    // anything large is decoded or allocated.
    const ResourceLimits limits = defaultResourceLimits();
    app::InputProbe probe = app::probeInput(a.input, limits);
    ConvLayer layer;
    // The layer and the shapes for an input; the memory check is for the
    // whole job at once (the shapes' own check is left to it).
    const auto plan = [&](const app::InputProbe& input) {
        layer = app::buildLayerFor(s, input.shape);
        const Shape4 outShape = validateProblem(layer.problemFor(input.shape), ResourceLimits{});
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
    if (s.method == app::ConvMethod::ResizeConv) {
        ResizeConvOptions options;
        options.resize = s.resize;
        resizeConv2d(image.tensor, layer, options, *backend, output);
    } else {
        convTranspose2d(image.tensor, layer, *backend, output);
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    app::saveImage(a.output, output, image.bitDepth);
    if (!a.quiet)
        std::printf("wrote %s (%s) in %.1f ms on %s%s\n", a.output.c_str(), dims(output.shape()).c_str(), ms,
                    backend->description().c_str(), methodNote(s));
    return 0;
}

class ApplyCommand : public Command {
public:
    explicit ApplyCommand(CLI::App& tconv) {
        CLI::App* cmd = addCommand(tconv, "apply", "upsample one image or .npy by transposed convolution");
        cmd->description(std::string(cmd->get_description()) + "\n" + kDescription);
        cmd->footer(kFooter);
        cmd->add_option("FILES", a_.files, "INPUT OUTPUT: the image or .npy to read, and the file to write");
        addConvOptions(*cmd, a_.settings);
        cmd->add_flag("-q,--quiet", a_.quiet, "no status line on success");
    }
    int run() override { return apply(a_); }

private:
    ApplyArgs a_;
};

}  // namespace

std::unique_ptr<Command> addApplyCommand(CLI::App& tconv) { return std::make_unique<ApplyCommand>(tconv); }

}  // namespace tconv::cli
