// SPDX-License-Identifier: MIT
#pragma once
// The forward 2-D convolution (cross-correlation) of PyTorch's F.conv2d
// (padding_mode 'zeros'): the adjoint of ConvTranspose2d with the same weight,
// stride, padding, dilation and groups. Deconvolutional networks
// (analysis/DeconvNet.h) use it for the gradient of their cost.
//
// The one place its parameters are validated and its output size computed:
//   out = floor((in + 2 p - d (k - 1) - 1) / s) + 1      per axis
// Weight layout (PyTorch's Conv2d): (C_out, C_in / groups, kH, kW).
//   output[n][co][oy][ox] = bias[co] + sum over ci of co's group, ky, kx of
//       weight[co][ci - g * C_in/groups][ky][kx] * input[n][ci][oy*sy - py + ky*dy][ox*sx - px + kx*dx]
// (0 outside the input).
#include <cstdint>
#include <functional>
#include <vector>

#include "core/ConvParams.h"
#include "core/ResourceLimits.h"
#include "core/Tensor.h"

namespace tconv {

class Backend;

struct Conv2dParams {
    Size2 kernel{1, 1};
    Size2 stride{1, 1};
    Size2 padding{0, 0};
    Size2 dilation{1, 1};
    int groups = 1;
    friend bool operator==(const Conv2dParams&, const Conv2dParams&) = default;
};

// An elementwise pass fused into a conv2d's write-out: called on finished
// output rows [y0, y1) of channel c of image n (`rows`, contiguous, W_out
// floats each) while they are still in cache; it may rewrite them in place.
// The calls cover the output exactly once, in no fixed order, possibly at the
// same time on different threads (always on disjoint rows). Deconvolutional
// networks fuse their proximal step into the gradient this way, so the
// gradient never makes a trip to memory (analysis/DeconvNet.cpp).
using Conv2dEpilogue = std::function<void(int64_t n, int64_t c, int64_t y0, int64_t y1, float* rows)>;

struct Conv2dLayer {
    Conv2dParams params;
    Tensor weight;            // (C_out, C_in / groups, kH, kW)
    std::vector<float> bias;  // empty: no bias; else C_out values
    // Optional; every backend's runConv2d applies it (the CPU path band by
    // band, the plain loop and CUDA plane by plane after computing).
    Conv2dEpilogue epilogue;

    int64_t outChannels() const { return weight.shape().n; }
    int64_t inChannels() const { return weight.shape().c * params.groups; }
};

// Extent along one axis; <= 0 when the (padded) input is smaller than the
// dilated kernel. Saturates instead of overflowing.
int64_t conv2dOutputExtent(int64_t in, int k, int s, int p, int d);

// Checks parameters, shapes (input (N, C_in, H, W), weight, bias) and the
// memory limit; returns the output shape (N, C_out, H_out, W_out). Throws
// ParameterError naming the bad value and what is allowed.
Shape4 validateConv2d(const Shape4& input, const Conv2dLayer& layer,
                      const ResourceLimits& limits = defaultResourceLimits());

// The front door: validates, shapes `output` (reusing its allocation) and
// lets the backend compute. Throws ParameterError / ProcessingError.
void conv2d(const Tensor& input, const Conv2dLayer& layer, Backend& backend, Tensor& output,
            const ResourceLimits& limits = defaultResourceLimits());

// The plain reference: the definition above summed in double. Validates.
// Slow and obviously right; the tests' oracle.
Tensor referenceConv2d(const Tensor& input, const Conv2dLayer& layer);

// A plain float loop over the definition into an already shaped output:
// what a backend without its own conv2d runs (Backend::runConv2d).
void plainConv2d(const Tensor& input, const Conv2dLayer& layer, Tensor& output);

// Applies layer.epilogue (if any) to the whole output, one plane per call:
// for backends that compute the output in one piece.
void applyConv2dEpilogue(const Conv2dLayer& layer, Tensor& output);

// "k=7 s=1 p=6 d=1 g=1" (per axis "7x5" when they differ).
std::string describe(const Conv2dParams& p);

}  // namespace tconv
