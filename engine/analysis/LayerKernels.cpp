// SPDX-License-Identifier: MIT
#include "analysis/LayerKernels.h"

#include <algorithm>

#include "core/ConvError.h"

namespace tconv {

Kernel2D weightSlice(const ConvLayer& layer, int64_t ci, int64_t col) {
    const Shape4 w = layer.weight.shape();
    if (ci < 0 || ci >= w.n || col < 0 || col >= w.c)
        throw ParameterError("weight slice (" + std::to_string(ci) + ", " + std::to_string(col) +
                             ") is outside the weight " + shapeText(w));
    Kernel2D k(static_cast<int>(w.h), static_cast<int>(w.w));
    const float* src = layer.weight.plane(ci, col);
    std::copy(src, src + w.h * w.w, k.taps.begin());
    return k;
}

void setWeightSlice(ConvLayer& layer, int64_t ci, int64_t col, const Kernel2D& k) {
    const Shape4 w = layer.weight.shape();
    if (ci < 0 || ci >= w.n || col < 0 || col >= w.c || k.h != w.h || k.w != w.w)
        throw ParameterError("cannot store a " + std::to_string(k.h) + "x" + std::to_string(k.w) +
                             " kernel as slice (" + std::to_string(ci) + ", " + std::to_string(col) +
                             ") of the weight " + shapeText(w));
    std::copy(k.taps.begin(), k.taps.end(), layer.weight.plane(ci, col));
}

void checkOutputChannel(const ConvLayer& layer, int64_t co) {
    const Shape4 w = layer.weight.shape();
    const int64_t groups = layer.params.groups;
    if (groups <= 0 || w.n % groups != 0 || co < 0 || co >= w.c * groups)
        throw ParameterError("output channel " + std::to_string(co) + " does not exist in a layer with weight " +
                             shapeText(w) + " and groups=" + std::to_string(groups));
}

Kernel2D channelKernel(const ConvLayer& layer, int64_t co) {
    checkOutputChannel(layer, co);
    const Shape4 w = layer.weight.shape();
    const int64_t coutG = w.c;
    const int64_t cinG = w.n / layer.params.groups;
    const int64_t g = co / coutG, col = co % coutG;
    Kernel2D k(static_cast<int>(w.h), static_cast<int>(w.w));
    // Accumulate in double so that many input channels do not lose precision.
    std::vector<double> acc(k.taps.size(), 0.0);
    for (int64_t ci = g * cinG; ci < (g + 1) * cinG; ++ci) {
        const float* src = layer.weight.plane(ci, col);
        for (size_t i = 0; i < acc.size(); ++i) acc[i] += src[i];
    }
    for (size_t i = 0; i < acc.size(); ++i) k.taps[i] = static_cast<float>(acc[i]);
    return k;
}

int64_t groupInputBegin(const ConvLayer& layer, int64_t co) {
    checkOutputChannel(layer, co);
    const Shape4 w = layer.weight.shape();
    return co / w.c * (w.n / layer.params.groups);
}

ConvLayer outputChannelLayer(const ConvLayer& layer, int64_t co) {
    const int64_t first = groupInputBegin(layer, co);
    const Shape4 w = layer.weight.shape();
    const int64_t cinG = w.n / layer.params.groups, col = co % w.c;
    ConvLayer one;
    one.params = layer.params;
    one.params.groups = 1;
    one.weight = Tensor(Shape4{cinG, 1, w.h, w.w});
    for (int64_t i = 0; i < cinG; ++i) {
        const float* src = layer.weight.plane(first + i, col);
        std::copy(src, src + w.h * w.w, one.weight.plane(i, 0));
    }
    if (!layer.bias.empty()) one.bias = {layer.bias.at(static_cast<size_t>(co))};
    return one;
}

ConvLayer collapsedLayer(const ConvLayer& layer, const std::vector<int64_t>& channels) {
    if (channels.empty()) throw ParameterError("collapsedLayer needs at least one output channel");
    const Shape4 w = layer.weight.shape();
    ConvLayer one;
    one.params = layer.params;
    one.params.groups = 1;
    one.weight = Tensor(Shape4{1, static_cast<int64_t>(channels.size()), w.h, w.w});
    for (size_t i = 0; i < channels.size(); ++i) {
        const Kernel2D k = channelKernel(layer, channels[i]);
        std::copy(k.taps.begin(), k.taps.end(), one.weight.plane(0, static_cast<int64_t>(i)));
        if (!layer.bias.empty()) one.bias.push_back(layer.bias.at(static_cast<size_t>(channels[i])));
    }
    return one;
}

}  // namespace tconv
