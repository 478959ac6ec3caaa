// SPDX-License-Identifier: MIT
#pragma once
// Everything `tconv apply` (and batch, analyze, the studio's screenshot mode)
// takes on the command line, and how it becomes a ConvLayer for an image.
#include <optional>
#include <string>
#include <vector>

#include "analysis/ResizeConv.h"
#include "common/ConvMethod.h"
#include "common/KernelSpec.h"
#include "core/AutoPad.h"
#include "core/Backend.h"
#include "core/ConvLayer.h"
#include "core/ConvParams.h"

namespace tconv::app {

struct ConvSettings {
    std::optional<Size2> kernelSize;          // --kernel-size; absent: the preset's natural size
    Size2 stride{2, 2};                       // --stride (default 2: this is an upsampling tool)
    Size2 padding{0, 0};                      // --padding (symmetric, PyTorch's)
    bool paddingGiven = false;                // --padding was given (it and --pads/--auto-pad exclude each other)
    std::optional<Pads4> pads;                // --pads T,L,B,R (per side, ONNX order)
    std::optional<AutoPad> autoPad;           // --auto-pad same-upper|same-lower|valid (ONNX auto_pad)
    Size2 outputPadding{0, 0};                // --output-padding
    std::optional<Size2> outputSize;          // --output-size (apply): output_padding as PyTorch's output_size picks it
    Size2 dilation{1, 1};                     // --dilation
    int groups = 0;                           // --groups; 0: depthwise for 2-D kernels, 1 for full weights
    KernelSpec kernel;                        // --kernel PRESET|FILE (default bilinear)
    double sigma = 1.0;                       // --sigma
    uint64_t seed = 0;                        // --seed
    std::vector<float> bias;                  // --bias V[,V...]
    BackendKind backend = BackendKind::Auto;  // --backend
    ConvMethod method = ConvMethod::Transposed;  // --method transposed|resize-conv
    ResizeMode resize = ResizeMode::Nearest;     // --resize nearest|bilinear
};

// "3" or "3x2" (height first). Throws ParameterError naming the option and value.
Size2 parseSize2(const std::string& option, const std::string& value);

// "T,L,B,R": four whole numbers >= 0 (ONNX pads order: top, left, bottom,
// right). Throws ParameterError naming the option and value.
Pads4 parsePads(const std::string& option, const std::string& value);

// The options above ("--stride", ...), in the order --help lists them.
const std::vector<std::string>& convOptionNames();

// Sets one option above from its text value. Returns false when `option` is
// not one of them; throws ParameterError naming the option and the value for
// a bad value. The one place a value's syntax is checked: the command line,
// batch sweeps and the studio's screenshot mode all go through it.
bool setConvOption(ConvSettings& s, const std::string& option, const std::string& value);

// For hand-written loops (the studio's screenshot mode): consumes argv[i]
// ("--opt value" or "--opt=value") when it is one of the options above and
// advances i past it; returns false otherwise. Throws ParameterError for a bad
// or missing value.
bool parseConvOption(int argc, char** argv, int& i, ConvSettings& s);

// The parameters as a ConvParams (kernel = --kernel-size or 1, groups = --groups
// or 1), for early validation and display. --pads and --auto-pad are applied
// (auto-pad with that kernel size: see convParamsFor).
ConvParams convParams(const ConvSettings& s);

// The parameters for a kernel of `kernel` taps (groups = --groups or 1): the
// padding from --padding, --pads or --auto-pad (core/AutoPad.h; it needs the
// kernel size, not the input). What buildLayer uses; for callers that bring
// their own kernel (batch's custom kernel, the studio).
ConvParams convParamsFor(const ConvSettings& s, Size2 kernel);

// How the padding was asked for, for messages and summaries: "--padding 1",
// "--pads 1,2,3,4" or "--auto-pad same-upper".
std::string paddingOptionText(const ConvSettings& s);

// The options that reproduce `p`'s padding: "--padding 1" (symmetric) or
// "--pads 1,2,3,4" (e.g. in `tconv repair`'s "use with:" line).
std::string paddingOptionFor(const ConvParams& p);

// Checks what can be checked before any input is read: the parameters
// (Validation.h's rules), sigma, and a preset's size rules; a --kernel that is
// neither a preset nor an existing file; --padding, --pads and --auto-pad
// given together. Throws ParameterError.
void checkSettings(const ConvSettings& s);

// Builds the layer for an input with `channels` channels: a preset or a 2-D
// kernel file becomes a depthwise layer (groups = channels; --bias 1 value or
// one per channel); a 4-D .npy is the full PyTorch weight (groups = --groups
// or 1; its C_in must equal `channels`). File kernels are used raw, presets
// are scaled to sum sH*sW. Throws ParameterError for bad settings or a kernel
// that does not fit them (exit 2), ProcessingError when the kernel file cannot
// be read or parsed (exit 1). The final shape check against the input is
// validateProblem's (ConvTranspose2d does it).
// buildLayer refuses --output-size: it needs one input's size (buildLayerFor).
ConvLayer buildLayer(const ConvSettings& s, int channels);

// buildLayer for this input, with --output-size applied as PyTorch's
// output_size is: the padding kept, output_padding = size − minimum
// (OutputSizeSolver.h); a size outside [minimum, minimum + stride − 1] is a
// ParameterError with PyTorch's message. With --auto-pad same-upper|same-lower
// it is ONNX's output_shape instead: the pads are solved for that size and
// split as auto_pad says (core/AutoPad.h).
ConvLayer buildLayerFor(const ConvSettings& s, const Shape4& input);

}  // namespace tconv::app
