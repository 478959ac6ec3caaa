// SPDX-License-Identifier: MIT
#pragma once
// Parameter and shape validation for ConvTranspose2d: the one place that decides
// what is allowed. It refuses what PyTorch refuses, with messages that name the
// offending values, and it runs before any allocation.
#include <cstdint>

#include "core/ConvParams.h"
#include "core/OutputGeometry.h"
#include "core/ResourceLimits.h"
#include "core/Tensor.h"

namespace tconv {

// The largest kernel extent per axis that is accepted (kernel_size, a kernel
// file's kH and kW, a repaired kernel): far beyond any upsampling layer, and
// small enough that no kernel makes a job take minutes. The studio's kernel
// editor caps its spin boxes at the same value.
inline constexpr int kMaxKernelSize = 255;

// A complete request, at the level of shapes.
struct ConvProblem {
    Shape4 input;           // (N, C_in, H, W)
    Shape4 weight;          // (C_in, C_out / groups, kH, kW)
    int64_t biasSize = -1;  // -1: no bias; else must equal C_out
    ConvParams params;
};

// Checks the parameters alone (kernel in [1, kMaxKernelSize], stride/dilation > 0, padding (all
// four sides) and output_padding >= 0, output_padding < stride or < dilation per axis,
// groups > 0). Throws ParameterError.
void validateParams(const ConvParams& p);

// The weight against the parameters (validated already): non-empty, its
// kH x kW equal to the kernel size, C_in divisible by groups. Throws
// ParameterError. Lets a viewer check a layer before it has an input.
void validateWeight(const Shape4& weight, const ConvParams& p);

// Everything: the parameters, the shapes against each other, a positive output
// size and the memory limit. Returns the output shape (N, C_out, H_out, W_out).
// Throws ParameterError.
Shape4 validateProblem(const ConvProblem& problem, const ResourceLimits& limits = defaultResourceLimits());

}  // namespace tconv
