// SPDX-License-Identifier: MIT
#pragma once
// 2-D kernels out of a full ConvTranspose2d weight (C_in, C_out/groups, kH, kW).
// The analysis works on 2-D kernels; these connect it to any layer.
#include <cstdint>
#include <vector>

#include "core/ConvLayer.h"
#include "core/Kernel2D.h"

namespace tconv {

// Throws ParameterError naming the values unless `co` is an output channel of
// `layer` (groups > 0 dividing C_in, 0 <= co < C_out).
void checkOutputChannel(const ConvLayer& layer, int64_t co);

// weight[ci, col] as a kernel.
Kernel2D weightSlice(const ConvLayer& layer, int64_t ci, int64_t col);
void setWeightSlice(ConvLayer& layer, int64_t ci, int64_t col, const Kernel2D& k);

// The kernel that output channel `co` applies to a constant input (the same
// value on every input channel): the sum of the slices of its group. Its phase
// gains are those of the channel's constant-input response.
Kernel2D channelKernel(const ConvLayer& layer, int64_t co);

// The layer that computes output channel `co` of `layer` alone: groups 1,
// weight (C_in/groups, 1, kH, kW) made of the slices of co's group, bias
// bias[co] (none when `layer` has none). It reads the C_in/groups input
// channels that start at groupInputBegin(layer, co). Lets a viewer compute the
// one channel it shows of a wide layer.
ConvLayer outputChannelLayer(const ConvLayer& layer, int64_t co);
int64_t groupInputBegin(const ConvLayer& layer, int64_t co);

// What `layer` does to an input whose channels are all equal: one input
// channel, output channels `channels` of `layer` in that order, each with its
// channelKernel (sum over the group's input channels: exact, since
// sum_ci x * W[ci] = x * sum_ci W[ci]) and its bias.
ConvLayer collapsedLayer(const ConvLayer& layer, const std::vector<int64_t>& channels);

}  // namespace tconv
