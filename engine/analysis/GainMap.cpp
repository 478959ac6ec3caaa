#include "analysis/GainMap.h"

#include <cmath>

#include "analysis/LayerKernels.h"
#include "core/ConvTranspose.h"

namespace tconv {

Tensor gainMap(const ConvLayer& layer, int64_t inH, int64_t inW, Backend& backend) {
    ConvLayer noBias = layer;
    noBias.bias.clear();
    const Tensor ones(Shape4{1, layer.inChannels(), inH, inW}, 1.0f);
    Tensor a = convTranspose2d(ones, noBias, backend);
    const Shape4 o = a.shape();
    const double phases = static_cast<double>(layer.params.stride.h) * layer.params.stride.w;
    for (int64_t c = 0; c < o.c; ++c) {
        const double gbar = channelKernel(layer, c).sum() / phases;
        if (gbar == 0.0) continue;
        float* plane = a.plane(0, c);
        for (int64_t i = 0; i < o.h * o.w; ++i) plane[i] = static_cast<float>(plane[i] / gbar - 1.0);
    }
    return a;
}

}  // namespace tconv
