// SPDX-License-Identifier: MIT
#include "core/ReferenceConvTranspose.h"

#include <vector>

#include "core/ScatterDefinition.h"
#include "core/Validation.h"

namespace tconv {

Tensor referenceConvTranspose2d(const Tensor& input, const ConvLayer& layer) {
    const Shape4 outShape = validateProblem(layer.problemFor(input.shape()));
    const ConvParams& p = layer.params;
    const Shape4 in = input.shape();
    const Shape4 w = layer.weight.shape();
    const int64_t cinPerGroup = w.n / p.groups;
    const int64_t coutPerGroup = w.c;
    // The definition's sources of every output row and column (ScatterDefinition.h);
    // an output pixel's sources are their product.
    std::vector<std::vector<AxisSource>> rowSources, colSources;
    for (int64_t oy = 0; oy < outShape.h; ++oy)
        rowSources.push_back(axisSources(oy, in.h, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h));
    for (int64_t ox = 0; ox < outShape.w; ++ox)
        colSources.push_back(axisSources(ox, in.w, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w));
    Tensor out(outShape);
    for (int64_t n = 0; n < outShape.n; ++n)
        for (int64_t co = 0; co < outShape.c; ++co) {
            const int64_t g = co / coutPerGroup;
            const int64_t col = co % coutPerGroup;
            const double b = layer.bias.empty() ? 0.0 : layer.bias[static_cast<size_t>(co)];
            for (int64_t oy = 0; oy < outShape.h; ++oy)
                for (int64_t ox = 0; ox < outShape.w; ++ox) {
                    double acc = 0.0;
                    for (int64_t ci = g * cinPerGroup; ci < (g + 1) * cinPerGroup; ++ci)
                        for (const AxisSource& y : rowSources[static_cast<size_t>(oy)])
                            for (const AxisSource& x : colSources[static_cast<size_t>(ox)])
                                acc +=
                                    double(input.at(n, ci, y.input, x.input)) * layer.weight.at(ci, col, y.tap, x.tap);
                    out.at(n, co, oy, ox) = static_cast<float>(acc + b);
                }
        }
    return out;
}

}  // namespace tconv
