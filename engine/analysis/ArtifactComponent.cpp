// SPDX-License-Identifier: MIT
#include "analysis/ArtifactComponent.h"

#include "analysis/LayerKernels.h"
#include "analysis/PhaseGain.h"
#include "core/ConvTranspose.h"
#include "core/Polyphase.h"
#include "core/Validation.h"

namespace tconv {

Kernel2D artifactKernel(const Kernel2D& k, Size2 stride, Size2 dilation) {
    const PhaseGainTable g = phaseGainTable(k, stride, dilation);
    const double gbar = k.sum() / (static_cast<double>(stride.h) * stride.w);
    Kernel2D dk(k.h, k.w);
    for (int y = 0; y < k.h; ++y) {
        const int ry = polyphase::tapPhase(int64_t(y), dilation.h, stride.h);
        for (int x = 0; x < k.w; ++x) {
            const int rx = polyphase::tapPhase(int64_t(x), dilation.w, stride.w);
            dk.at(y, x) = static_cast<float>((g.at(ry, rx) - gbar) / g.count(ry, rx));
        }
    }
    return dk;
}

ConvLayer artifactLayer(const ConvLayer& layer) {
    validateParams(layer.params);
    ConvLayer out = layer;
    out.bias.clear();
    const Shape4 w = layer.weight.shape();
    for (int64_t ci = 0; ci < w.n; ++ci)
        for (int64_t col = 0; col < w.c; ++col)
            setWeightSlice(out, ci, col,
                           artifactKernel(weightSlice(layer, ci, col), layer.params.stride, layer.params.dilation));
    return out;
}

Tensor artifactComponent(const Tensor& input, const ConvLayer& layer, Backend& backend) {
    validateProblem(layer.problemFor(input.shape()));
    return convTranspose2d(input, artifactLayer(layer), backend);
}

}  // namespace tconv
