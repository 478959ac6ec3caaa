// SPDX-License-Identifier: MIT
#pragma once
// The transposed convolution that computes a resize-then-convolution
// (Resize/Upsample + Conv) or a convolution followed by a pixel shuffle
// (Conv + DepthToSpace), away from the borders. Standard library and engine
// only: the ONNX reader fills the inputs, tests call these directly.
//
// Per axis, a resize by an integer factor s is a transposed convolution of
// stride s with a kernel A (A[j]: the weight of input i in output i*s + j - a,
// a = the crop that puts A's first non-zero tap at j = 0). A correlation with
// W (k taps, dilation d, begin pad p) after it makes the kernel
// K[j] = sum_u W[u] * A[j - d(k-1-u)] with begin crop a + d(k-1) - p.
// A correlation (kernel k, dilation d, begin pad p, r*r*C outputs) followed by
// DepthToSpace(r) is a transposed convolution of stride r, kernel r*(d(k-1)+1),
// with K[ci][c][a + r*d*(k-1-u)][b + r*d*(k-1-v)] = W[m(c,a,b)][ci][u][v] and
// begin crop r*(d(k-1) - p).
#include <string>
#include <vector>

#include "audit/ModelLayers.h"
#include "core/Tensor.h"

namespace tconv::app {

// A convolution as ONNX gives it: weight (C_out, C_in/groups, kH, kW), stride 1.
struct ConvolutionDesc {
    Tensor weight;
    std::vector<float> bias;  // empty or C_out
    Size2 dilation{1, 1};
    CropPads pads{0, 0, 0, 0};  // T, L, B, R
    int groups = 1;
};

enum class ResizeKind { Nearest, Linear, Cubic };

struct ResizeDesc {
    Size2 scale{2, 2};  // integer factors >= 1
    ResizeKind kind = ResizeKind::Nearest;
    // ONNX coordinate_transformation_mode: "half_pixel", "pytorch_half_pixel",
    // "asymmetric", "tf_half_pixel_for_nn" (others are not shift-invariant).
    std::string coordinates = "half_pixel";
    // ONNX nearest_mode: "round_prefer_floor", "round_prefer_ceil", "floor", "ceil".
    std::string nearestMode = "round_prefer_floor";
    double cubicCoeffA = -0.75;
};

// One axis of the resize as a transposed convolution: taps and begin crop.
struct ResizeAxisKernel {
    std::vector<double> taps;
    int crop = 0;
};
// Throws ParameterError for a scale < 1 or a coordinate/nearest mode this
// analysis does not know (naming it and the ones it knows).
ResizeAxisKernel resizeAxisKernel(const ResizeDesc& r, int scale);

// Both throw ParameterError naming the value when the shapes do not fit
// (groups, channels not a multiple of r*r).
UpsamplingLayer resizeConvLayer(const ResizeDesc& resize, const ConvolutionDesc& conv);
// crd: ONNX DepthToSpace mode "CRD" (PyTorch's pixel_shuffle); else "DCR".
UpsamplingLayer depthToSpaceLayer(int blocksize, bool crd, const ConvolutionDesc& conv);
// DepthToSpace alone (its input not made by a convolution): a 0/1 kernel.
UpsamplingLayer depthToSpaceAlone(int blocksize, bool crd, int64_t inChannels);

}  // namespace tconv::app
