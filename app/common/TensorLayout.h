// SPDX-License-Identifier: MIT
#pragma once
// How an .npy array's axes map to the engine's planar (N, C, H, W) tensors.
// Two layouts: nhwc (tconv's image order, the default: (H, W), (H, W, C),
// (N, H, W, C)) and nchw (PyTorch's, what np.save(t.numpy()) writes: (C, H, W),
// (N, C, H, W)); (H, W) means one channel in both. An output .npy is written
// with the input's axes, so a batch stays a batch and a PyTorch tensor stays
// a PyTorch tensor.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/Tensor.h"

namespace tconv::app {

enum class TensorLayout { Nhwc, Nchw };

const char* tensorLayoutName(TensorLayout layout);  // "nhwc", "nchw"
std::optional<TensorLayout> parseTensorLayout(const std::string& text);

// What a reader accepts: the layout, and whether a leading batch axis N is
// allowed (apply; not batch or the studio, which hold one picture per file).
struct NpyAxesRules {
    TensorLayout layout = TensorLayout::Nhwc;
    bool batches = false;
};

// The axes one .npy holds.
struct NpyAxes {
    TensorLayout layout = TensorLayout::Nhwc;
    bool batch = false;     // a leading N axis
    bool channels = false;  // a C axis (last in nhwc, after N in nchw)
};

// The shapes `rules` accept, for messages: "(H, W), (H, W, C) or (N, H, W, C)".
std::string acceptedNpyShapes(const NpyAxesRules& rules);

// The axes of an input array of `shape`. Throws ParameterError (a shape
// mismatch, exit 2) for a rank the rules do not accept, naming the accepted
// shapes and this one, and ProcessingError for an empty H, W or C (an empty
// batch, N = 0, is fine).
NpyAxes npyInputAxes(const std::string& path, const std::vector<int64_t>& shape, const NpyAxesRules& rules);

// The (N, C, H, W) shape of an array with these axes.
Shape4 shape4Of(const std::vector<int64_t>& shape, const NpyAxes& axes);

// The .npy shape a tensor of shape `s` is written with, given the input's
// axes: the batch axis when the input had one (or N != 1); the channel axis
// when the input had one in nchw, in a batch, or when C > 1 (so an nhwc
// (H, W, 1) input gives (H, W), as it always has).
std::vector<int64_t> npyShapeOf(const Shape4& s, const NpyAxes& axes);

// "(2, 3, 4)"; a 1-D shape keeps NumPy's comma: "(3,)".
std::string npyShapeText(const std::vector<int64_t>& shape);

// `values` in the file's order (axes.layout) into the planar tensor `dst`,
// already shaped (N, C, H, W); `divisor` scales integer samples (1, 255, 65535).
void npyToPlanar(const std::vector<float>& values, TensorLayout layout, float divisor, Tensor& dst);

// The tensor's values in the file's order for `layout`.
std::vector<float> planarToNpy(const Tensor& t, TensorLayout layout);

}  // namespace tconv::app
