// SPDX-License-Identifier: MIT
#pragma once
// A ConvTranspose2d layer: parameters, weight in PyTorch's layout
// (C_in, C_out / groups, kH, kW) and an optional bias (C_out values).
#include <vector>

#include "core/ConvParams.h"
#include "core/Kernel2D.h"
#include "core/Tensor.h"
#include "core/Validation.h"

namespace tconv {

struct ConvLayer {
    ConvParams params;
    Tensor weight;
    std::vector<float> bias;  // empty: no bias

    int64_t inChannels() const { return weight.shape().n; }
    int64_t outChannels() const { return weight.shape().c * params.groups; }
    // One input channel per group and one output channel per group: the image
    // case, where each channel is upsampled with its own kernel.
    bool isDepthwise() const { return params.groups == inChannels() && weight.shape().c == 1; }

    ConvProblem problemFor(const Shape4& input) const {
        return ConvProblem{input, weight.shape(), bias.empty() ? -1 : static_cast<int64_t>(bias.size()), params};
    }
};

// The image case: the same 2-D kernel applied to each of `channels` channels
// (groups = channels, weight (channels, 1, kh, kw)). params.kernel and
// params.groups are set from the kernel and the channel count. `bias`, when
// not empty, has one value per channel or a single value for all.
ConvLayer makeDepthwiseLayer(const Kernel2D& kernel, int channels, ConvParams params,
                             const std::vector<float>& bias = {});

}  // namespace tconv
