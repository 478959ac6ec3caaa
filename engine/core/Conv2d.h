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

struct Conv2dLayer {
    Conv2dParams params;
    Tensor weight;            // (C_out, C_in / groups, kH, kW)
    std::vector<float> bias;  // empty: no bias; else C_out values

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

// "k=7 s=1 p=6 d=1 g=1" (per axis "7x5" when they differ).
std::string describe(const Conv2dParams& p);

}  // namespace tconv
