// SPDX-License-Identifier: MIT
#pragma once
// Which input pixels and kernel taps make one output pixel, straight from the
// definition of the transposed convolution (each input pixel i adds
// x[i] * K[j] at output o = i*s - p + j*d, per axis; written once, in
// core/ScatterDefinition.h), and the step-by-step scatter the tutorials draw. For explanation only, on small inputs: the
// studio's results always come from the engine.
#include <vector>

#include "core/ConvParams.h"
#include "core/Kernel2D.h"
#include "core/Tensor.h"

namespace tconv::ui {

struct Contribution {
    int iy = 0, ix = 0;  // input pixel
    int ky = 0, kx = 0;  // kernel tap
};

// All (input pixel, tap) pairs with iy*s - p + ky*d == oy and likewise for x,
// in row-major order of the taps.
std::vector<Contribution> contributionsTo(const ConvParams& p, int inH, int inW, int oy, int ox);

// sum over contributions of x[c, iy, ix] * K[ky, kx], plus bias, in double.
double provenanceSum(const std::vector<Contribution>& c, const Tensor& input, int channel, const Kernel2D& k,
                     float bias);

// The output after the first `steps` input pixels (row-major) have been
// scattered: the tutorials' intermediate tensors. Shape (1, C, H_out, W_out);
// the bias is included from step 0. Requires a valid geometry.
Tensor partialScatter(const Tensor& input, const Kernel2D& k, const ConvParams& p, float bias, int steps);

// The output cells that input pixel (iy, ix) writes to (one per tap that lands
// inside the output), for highlighting the current step.
std::vector<std::pair<int, int>> scatterFootprint(const ConvParams& p, int outH, int outW, int iy, int ix, int kh,
                                                  int kw);

}  // namespace tconv::ui
