// SPDX-License-Identifier: MIT
// tconv matrix --size HxW [convolution options] --out C.npy [--print]: the
// transposed convolution of one channel as a matrix (analysis/ConvMatrix.h),
// shape (H_out*W_out, H_in*W_in), pixels flattened row-major, so that in NumPy
// C @ x.ravel() == the output .ravel(). The forward convolution with the same
// kernel, stride, padding and dilation is C.T: it maps the output size back to
// the input size, which is why output_padding exists (several output sizes map
// to the same input size).
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "analysis/ConvMatrix.h"
#include "analysis/LayerKernels.h"
#include "cli/CliOptions.h"
#include "cli/Commands.h"
#include "common/AtomicFile.h"
#include "common/ConvSettings.h"
#include "common/KernelFile.h"
#include "common/SameFile.h"
#include "common/StaleTempFiles.h"
#include "core/ConvError.h"
#include "core/NpyFile.h"

namespace tconv::cli {
namespace {
namespace matrix_cmd {

struct MatrixArgs {
    app::ConvSettings settings;
    std::optional<Size2> size;  // the input, H x W
    int64_t inChannel = 0;      // a full weight's (C_in, C_out/groups) slice
    int64_t outChannel = 0;
    std::string out;
    bool print = false;
};

constexpr const char* kMatrixDescription =
    "The transposed convolution of one channel as a matrix C of shape (H_out*W_out, H_in*W_in),\n"
    "pixels flattened row-major: C @ x.ravel() == conv_transpose2d(x).ravel(). Its transpose is the\n"
    "forward convolution with the same kernel, stride, padding and dilation (tutorial 000's conv_matrix).";

void addMatrixOptions(CLI::App& cmd, MatrixArgs& a) {
    addValueOption(
        cmd, "--size",
        [&a](const std::string& v) {
            a.size = app::parseSize2("--size", v);
            if (a.size->h < 1 || a.size->w < 1)
                throw ParameterError("--size: expected a height and width of at least 1, but got '" + v + "'");
        },
        "the input's height and width (N or HxW); the matrix has H_out*W_out*H*W entries", "HxW")
        ->required();
    cmd.add_option("--in-channel", a.inChannel,
                   "for a full weight file (C_in, C_out/groups, kH, kW): the input channel")
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("--out-channel", a.outChannel, "for a full weight file: the column of the weight (C_out/groups)")
        ->check(CLI::NonNegativeNumber);
    addTextOption(cmd, "--out", a.out, "the matrix as a 2-D float32 .npy, written atomically", "C.npy");
    cmd.add_flag("--print", a.print, "print the matrix as text (taps, '.' for 0), for inputs up to 8x8");
}

// The 2-D kernel of the chosen channel pair: a preset's, a kernel file's, or a slice of a full weight.
Kernel2D chosenKernel(const MatrixArgs& a, ConvLayer& layer) {
    int channels = 1;
    if (!a.settings.kernel.isPreset()) {
        const app::KernelFile file = app::loadKernelFile(a.settings.kernel.path());
        if (file.isFullWeight()) channels = static_cast<int>(file.weight.shape().n);
    }
    layer = app::buildLayer(a.settings, channels);
    const Shape4 w = layer.weight.shape();
    if (a.inChannel >= w.n || a.outChannel >= w.c)
        throw ParameterError("--in-channel " + std::to_string(a.inChannel) + " / --out-channel " +
                             std::to_string(a.outChannel) + ": the weight has " + std::to_string(w.n) +
                             " input channel(s) and " + std::to_string(w.c) + " column(s) (0-based)");
    return weightSlice(layer, a.inChannel, a.outChannel);
}

void printMatrix(const ConvMatrix& m) {
    if (m.inH * m.inW > 64) {
        std::printf("(--print: the input has more than 64 pixels; load the .npy instead)\n");
        return;
    }
    for (int64_t r = 0; r < m.rows(); ++r) {
        std::printf("out(%lld,%lld) |", static_cast<long long>(r / m.outW), static_cast<long long>(r % m.outW));
        for (int64_t c = 0; c < m.cols(); ++c) {
            const float v = m.at(r, c);
            if (v == 0.0f) std::printf("     .");
            else std::printf(" %5.3g", static_cast<double>(v));
        }
        std::printf("\n");
    }
}

int runMatrix(const MatrixArgs& a) {
    if (a.out.empty() && !a.print) throw ParameterError("matrix needs --out C.npy (or --print)");
    app::checkSettings(a.settings);
    if (!a.out.empty()) {
        if (!a.settings.kernel.isPreset()) app::refuseOutputOverInputs(a.out, {a.settings.kernel.path()}, "--out");
        app::cleanStaleTempFiles(app::folderOf(a.out));
    }
    ConvLayer layer;
    const Kernel2D kernel = chosenKernel(a, layer);
    const ConvMatrix m = transposedConvMatrix(layer.params, kernel, a.size->h, a.size->w);
    if (!a.out.empty())
        app::writeFileAtomically(a.out, [&](const std::string& temp) {
            writeNpy(temp, {m.rows(), m.cols()}, m.values.data());
        });
    int64_t nonZero = 0;
    for (float v : m.values) nonZero += v != 0.0f;
    std::printf("C: (%lld, %lld) = (%lldx%lld output pixels, %lldx%lld input pixels), %s, %lld non-zero%s%s\n",
                static_cast<long long>(m.rows()), static_cast<long long>(m.cols()), static_cast<long long>(m.outH),
                static_cast<long long>(m.outW), static_cast<long long>(m.inH), static_cast<long long>(m.inW),
                describe(layer.params).c_str(), static_cast<long long>(nonZero), a.out.empty() ? "" : ", wrote ",
                a.out.c_str());
    if (a.print) printMatrix(m);
    return 0;
}

class MatrixCommand : public Command {
public:
    explicit MatrixCommand(CLI::App& tconv) {
        CLI::App* cmd =
            addCommand(tconv, "matrix", "a transposed convolution as a matrix (--size HxW ... --out C.npy)");
        cmd->description(std::string(cmd->get_description()) + "\n" + kMatrixDescription);
        cmd->footer("exit status: 0 ok, 1 processing error, 2 usage or parameter error");
        addConvOptions(*cmd, a_.settings, {"--method", "--resize", "--bias", "--backend", "--output-size"});
        addMatrixOptions(*cmd, a_);
    }
    int run() override { return runMatrix(a_); }

private:
    MatrixArgs a_;
};

}  // namespace matrix_cmd
}  // namespace

std::unique_ptr<Command> addMatrixCommand(CLI::App& tconv) {
    return std::make_unique<matrix_cmd::MatrixCommand>(tconv);
}

}  // namespace tconv::cli
