#pragma once
// The resize-then-convolution alternative (Distill 2016): resize the input by
// the stride, then a stride-1 correlation with the flipped kernel / (sH * sW),
// padded so the output has exactly the transposed convolution's size.
#include <string>

#include "core/Backend.h"
#include "core/ConvLayer.h"
#include "core/Tensor.h"

namespace tconv {

enum class ResizeMode { Nearest, Bilinear };
enum class BorderMode { Zeros, Replicate, Reflect };

struct ResizeConvOptions {
    ResizeMode resize = ResizeMode::Nearest;
    BorderMode border = BorderMode::Zeros;
};

// Same layer (kernel, stride, padding, output_padding, dilation, groups, bias)
// as the transposed convolution; output shape identical to it. Validates with
// the same rules. Runs the correlation on `backend` when it can, else on the CPU.
void resizeConv2d(const Tensor& input, const ConvLayer& layer, const ResizeConvOptions& options, Backend& backend,
                  Tensor& output);

}  // namespace tconv
