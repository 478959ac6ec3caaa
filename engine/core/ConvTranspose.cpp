// SPDX-License-Identifier: MIT
#include "core/ConvTranspose.h"

#include "core/ConvError.h"
#include "core/Validation.h"

namespace tconv {

void convTranspose2d(const Tensor& input, const ConvLayer& layer, Backend& backend, Tensor& output,
                     const ResourceLimits& limits) {
    const Shape4 outShape = validateProblem(layer.problemFor(input.shape()), limits);
    if (input.size() != input.shape().count())
        throw ParameterError("input holds " + std::to_string(input.size()) + " values but its shape " +
                             shapeText(input.shape()) + " needs " + std::to_string(input.shape().count()));
    output.resize(outShape);
    backend.run(input, layer, output);
}

Tensor convTranspose2d(const Tensor& input, const ConvLayer& layer, Backend& backend, const ResourceLimits& limits) {
    Tensor out;
    convTranspose2d(input, layer, backend, out, limits);
    return out;
}

}  // namespace tconv
