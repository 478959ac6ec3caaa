// SPDX-License-Identifier: MIT
#include "analysis/InputGradient.h"

#include <algorithm>
#include <string>

#include "core/ConvError.h"
#include "core/ConvTranspose.h"
#include "core/Validation.h"

namespace tconv {
namespace {

// conv2d's own validation of the parameters (the kernel size first, so the
// probe's weight shape never hides a bad one) and of the output size for an
// inputSize input (one channel, one group: the weight's channels do not matter here).
Shape4 forwardShape(const Conv2dParams& conv, Size2 inputSize) {
    Conv2dLayer probe;
    probe.params = conv;
    probe.params.groups = 1;
    // At most kMaxKernelSize^2 floats: a larger kernel is refused before the weight is looked at.
    const auto side = [](int k) { return std::clamp(k, 1, kMaxKernelSize); };
    probe.weight = Tensor(Shape4{1, 1, side(conv.kernel.h), side(conv.kernel.w)});
    return validateConv2d(Shape4{1, 1, inputSize.h, inputSize.w}, probe);
}

int axisOutputPadding(int64_t in, int k, int s, int p, int d) {
    // Why output padding: the forward size floor((in + 2p - d(k-1) - 1) / s) + 1
    // drops the remainder r = (in + 2p - d(k-1) - 1) mod s, so s different input
    // sizes (in - r .. in - r + s - 1) give the same output size, and the
    // transposed convolution of that output, whose size formula
    // (out - 1) s - 2p + d(k-1) + 1 + output_padding has no floor, gives back
    // the smallest of them unless output_padding = r. Those r trailing input
    // rows/columns are still computed by the scatter (PyTorch's semantics): a
    // window may reach them through the padding, else their gradient is 0,
    // exactly what conv2d's backward gives. 0 <= r < s, so it is always an
    // allowed output_padding (< max(s, d)).
    const int64_t span = in + 2 * int64_t(p) - int64_t(d) * (k - 1) - 1;
    return static_cast<int>(span % s);
}

}  // namespace

Size2 inputGradientOutputPadding(const Conv2dParams& conv, Size2 inputSize) {
    forwardShape(conv, inputSize);  // throws for invalid parameters or an empty output
    return Size2(axisOutputPadding(inputSize.h, conv.kernel.h, conv.stride.h, conv.padding.h, conv.dilation.h),
                 axisOutputPadding(inputSize.w, conv.kernel.w, conv.stride.w, conv.padding.w, conv.dilation.w));
}

ConvLayer inputGradientLayer(const Conv2dLayer& conv, Size2 inputSize) {
    ConvLayer t;
    t.params.kernel = conv.params.kernel;
    t.params.stride = conv.params.stride;
    t.params.padding = conv.params.padding;
    t.params.dilation = conv.params.dilation;
    t.params.groups = conv.params.groups;
    t.params.outputPadding = inputGradientOutputPadding(conv.params, inputSize);
    // (C_out, C_in/groups, kH, kW) read as ConvTranspose2d's (C_in', C_out'/groups, kH, kW): same numbers.
    t.weight = conv.weight;
    return t;
}

Tensor conv2dInputGradient(const Tensor& upstream, const Conv2dLayer& conv, Size2 inputSize, Backend& backend,
                           const ResourceLimits& limits) {
    const Shape4 u = upstream.shape();
    const Shape4 input{u.n, conv.inChannels(), inputSize.h, inputSize.w};
    const Shape4 expected = validateConv2d(input, conv, limits);
    if (!(u == expected))
        throw ParameterError("input gradient: the upstream gradient should have conv2d's output shape " +
                             shapeText(expected) + " for an input " + shapeText(input) + ", but has " + shapeText(u));
    return convTranspose2d(upstream, inputGradientLayer(conv, inputSize), backend, limits);
}

}  // namespace tconv
