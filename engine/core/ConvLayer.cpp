// SPDX-License-Identifier: MIT
#include "core/ConvLayer.h"

#include <algorithm>

#include "core/ConvError.h"

namespace tconv {

ConvLayer makeDepthwiseLayer(const Kernel2D& kernel, int channels, ConvParams params, const std::vector<float>& bias) {
    if (channels <= 0) throw ParameterError("channel count must be positive, but got " + std::to_string(channels));
    if (kernel.h <= 0 || kernel.w <= 0 || kernel.taps.size() != static_cast<size_t>(kernel.h) * kernel.w)
        throw ParameterError("kernel must be a non-empty matrix, but got " + std::to_string(kernel.h) + "x" +
                             std::to_string(kernel.w) + " with " + std::to_string(kernel.taps.size()) + " values");
    if (!bias.empty() && bias.size() != 1 && bias.size() != static_cast<size_t>(channels))
        throw ParameterError("bias must have 1 or " + std::to_string(channels) + " values (one per channel), but got " +
                             std::to_string(bias.size()));
    ConvLayer layer;
    params.kernel = Size2(kernel.h, kernel.w);
    params.groups = channels;
    layer.params = params;
    layer.weight = Tensor(Shape4{channels, 1, kernel.h, kernel.w});
    for (int c = 0; c < channels; ++c) std::copy(kernel.taps.begin(), kernel.taps.end(), layer.weight.plane(c, 0));
    if (bias.size() == 1) layer.bias.assign(static_cast<size_t>(channels), bias[0]);
    else layer.bias = bias;
    return layer;
}

}  // namespace tconv
