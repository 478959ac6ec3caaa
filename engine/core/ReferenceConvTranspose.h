// SPDX-License-Identifier: MIT
#pragma once
// The plain reference: every output pixel summed over exactly the (input
// pixel, tap) pairs the definition sends to it (core/ScatterDefinition.h),
// accumulated in double. Slow and obviously right; used by the tests as the
// oracle only.
#include "core/ConvLayer.h"
#include "core/Tensor.h"

namespace tconv {

// Validates, then returns the (N, C_out, H_out, W_out) result.
Tensor referenceConvTranspose2d(const Tensor& input, const ConvLayer& layer);

}  // namespace tconv
