// SPDX-License-Identifier: MIT
#pragma once
// The studio's "Checkerboards in gradients" model (issue 14): a strided Conv2d
// (cross-correlation, PyTorch's nn.Conv2d) with the studio's kernel, k, s, p
// and d, on an input of the current image's size. Its input gradient for the
// loss L = <g, conv(x)> (g the upstream gradient: all ones, i.e. L = sum of the
// outputs, or seeded Gaussian noise) is conv2d's adjoint: the engine's
// transposed convolution of g with the same weight, stride, padding and
// dilation, and the output_padding that brings it back to the input's size.
// So the gradient has the same phase gains as that transposed convolution and
// a checkerboard whenever it would. No widgets here: GradientPanel runs
// computeInputGradient on a worker thread; the tests call it directly.
#include <QString>
#include <atomic>
#include <cstdint>

#include "analysis/PhaseGain.h"
#include "core/Conv2d.h"
#include "core/ConvLayer.h"
#include "core/Kernel2D.h"
#include "core/Tensor.h"

namespace tconv::ui {

enum class UpstreamKind { Constant, Random };

struct GradientSpec {
    Kernel2D kernel;  // the Conv2d's weight (1, 1, kH, kW)
    Size2 stride{2, 2}, padding{0, 0}, dilation{1, 1};
    int64_t inH = 0, inW = 0;  // the Conv2d's input size (the image's)
    UpstreamKind upstream = UpstreamKind::Constant;
    uint64_t seed = 1;  // the random upstream gradient's seed
    friend bool operator==(const GradientSpec&, const GradientSpec&) = default;
};

// The forward layer (1 channel in and out, no bias).
Conv2dLayer gradientForwardLayer(const GradientSpec& spec);
// Its adjoint as a transposed convolution: the same weight, stride, padding and
// dilation; output_padding chosen so that the output is inH x inW. Throws
// ParameterError when the input is smaller than the dilated kernel.
ConvLayer gradientAdjointLayer(const GradientSpec& spec);
// The upstream gradient g, (1, 1, H_out, W_out) of the forward conv: ones, or
// standard normal values from `seed` (a fixed generator: the same on every platform).
Tensor upstreamGradient(const GradientSpec& spec);

struct GradientResult {
    quint64 job = 0;
    GradientSpec spec;
    Size2 convOutput{0, 0};  // the forward conv's output size (= g's)
    Size2 outputPadding{0, 0};
    Tensor upstream;  // g
    Tensor gradient;  // dL/dx, (1, 1, inH, inW)
    // The exact phase gains of the adjoint, indexed by input coordinate mod s
    // (rows (y + p) mod sH as for any transposed convolution), and their scores.
    PhaseGainTable table;
    ArtifactScores scores;
    // Measured on the gradient's interior (away from every border): per phase,
    // the mean (constant upstream) or the root mean square (random upstream),
    // and the CV of those; -1 when the input has no interior.
    PhaseGainTable measured;
    double measuredCv = -1;
    bool cancelled = false;
    QString error;  // nothing else is valid then
};

// Never throws: errors go to GradientResult::error. Checks `cancel` before the convolution.
GradientResult computeInputGradient(const GradientSpec& spec, const std::atomic<bool>* cancel = nullptr);

}  // namespace tconv::ui
