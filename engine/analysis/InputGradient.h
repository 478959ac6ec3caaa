// SPDX-License-Identifier: MIT
#pragma once
// The gradient of a strided convolution with respect to its input (the
// checkerboard article's last section): for y = conv2d(x, W) (PyTorch's
// F.conv2d, core/Conv2d.h) and an upstream gradient g = dL/dy,
//   dL/dx = conv_transpose2d(g, W, stride, padding, dilation, groups, output_padding)
// with the SAME weight tensor: conv2d's weight (C_out, C_in/groups, kH, kW) is
// read as ConvTranspose2d's (C_in', C_out'/groups, kH, kW) with C_in' = C_out,
// C_out' = C_in: the same numbers in the same order, no flip (the transposed
// convolution is the adjoint: each output of the convolution scatters its
// gradient back over the window it read). So a network without a single
// transposed convolution still paints checkerboards in its gradients, and the
// phase-gain analysis applies to them unchanged: channelScores(inputGradientLayer(...)).
#include "core/Backend.h"
#include "core/Conv2d.h"
#include "core/ConvLayer.h"
#include "core/ResourceLimits.h"
#include "core/Tensor.h"

namespace tconv {

// The output_padding (per axis, in [0, stride-1]) that makes the transposed
// convolution of conv2d's output size give back `inputSize`. Throws
// ParameterError when the convolution is invalid for that input (conv2d's
// validation: its output would be empty).
Size2 inputGradientOutputPadding(const Conv2dParams& conv, Size2 inputSize);

// The transposed-convolution layer computing dL/dx for an input of
// `inputSize`: the convolution's weight reinterpreted as above, its stride,
// padding, dilation and groups, the output padding above, no bias (a bias adds
// nothing to the input gradient). Throws ParameterError as above.
ConvLayer inputGradientLayer(const Conv2dLayer& conv, Size2 inputSize);

// dL/dx (N, C_in, H, W) for `upstream` = dL/dy, whose shape must be conv2d's
// output shape for an input (N, C_in, inputSize.h, inputSize.w); computed by the
// engine's convTranspose2d on `backend`. Throws ParameterError naming the
// expected and the given shape.
Tensor conv2dInputGradient(const Tensor& upstream, const Conv2dLayer& conv, Size2 inputSize, Backend& backend,
                           const ResourceLimits& limits = defaultResourceLimits());

}  // namespace tconv
