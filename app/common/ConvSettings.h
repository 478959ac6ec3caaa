#pragma once
// Everything `tconv apply` (and batch, analyze, the studio's screenshot mode)
// takes on the command line, and how it becomes a ConvLayer for an image.
#include <optional>
#include <string>
#include <vector>

#include "analysis/ResizeConv.h"
#include "core/Backend.h"
#include "core/ConvLayer.h"
#include "core/ConvParams.h"

namespace tconv::app {

struct ConvSettings {
    std::optional<Size2> kernelSize;  // --kernel-size; absent: the preset's natural size
    Size2 stride{2, 2};               // --stride (default 2: this is an upsampling tool)
    Size2 padding{0, 0};              // --padding
    Size2 outputPadding{0, 0};        // --output-padding
    std::optional<Size2> outputSize;  // --output-size (apply): output_padding as PyTorch's output_size picks it
    Size2 dilation{1, 1};             // --dilation
    int groups = 0;                   // --groups; 0: depthwise for 2-D kernels, 1 for full weights
    std::string kernel = "bilinear";  // --kernel PRESET|FILE
    double sigma = 1.0;               // --sigma
    uint64_t seed = 0;                // --seed
    std::vector<float> bias;          // --bias V[,V...]
    BackendKind backend = BackendKind::Auto;  // --backend
    std::string method = "transposed";        // --method transposed|resize-conv
    ResizeMode resize = ResizeMode::Nearest;  // --resize nearest|bilinear
};

// "3" or "3x2" (height first). Throws ParameterError naming the option and value.
Size2 parseSize2(const std::string& option, const std::string& value);

// Tries to consume argv[i] (and its value argv[i+1]) as one of the options
// above; returns false when argv[i] is not one of them. Throws ParameterError
// for a bad or missing value. Advances i past what it consumed.
bool parseConvOption(int argc, char** argv, int& i, ConvSettings& s);

// One help block listing the options above, for the commands' --help.
const char* convOptionsHelp();

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
