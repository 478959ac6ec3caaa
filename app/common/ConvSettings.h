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
#include "core/Backend.h"
#include "core/ConvLayer.h"
#include "core/ConvParams.h"

namespace tconv::app {

struct ConvSettings {
    std::optional<Size2> kernelSize;          // --kernel-size; absent: the preset's natural size
    Size2 stride{2, 2};                       // --stride (default 2: this is an upsampling tool)
    Size2 padding{0, 0};                      // --padding
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
// or 1), for early validation and display.
ConvParams convParams(const ConvSettings& s);

// Checks what can be checked before any input is read: the parameters
// (Validation.h's rules), sigma, and a preset's size rules; a --kernel that is
// neither a preset nor an existing file. Throws ParameterError.
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
// ParameterError with PyTorch's message.
ConvLayer buildLayerFor(const ConvSettings& s, const Shape4& input);

}  // namespace tconv::app
