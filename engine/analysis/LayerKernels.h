#pragma once
// 2-D kernels out of a full ConvTranspose2d weight (C_in, C_out/groups, kH, kW).
// The analysis works on 2-D kernels; these connect it to any layer.
#include <cstdint>

#include "core/ConvLayer.h"
#include "core/Kernel2D.h"

namespace tconv {

// weight[ci, col] as a kernel.
Kernel2D weightSlice(const ConvLayer& layer, int64_t ci, int64_t col);
void setWeightSlice(ConvLayer& layer, int64_t ci, int64_t col, const Kernel2D& k);

// The kernel that output channel `co` applies to a constant input (the same
// value on every input channel): the sum of the slices of its group. Its phase
// gains are those of the channel's constant-input response.
Kernel2D channelKernel(const ConvLayer& layer, int64_t co);

}  // namespace tconv
