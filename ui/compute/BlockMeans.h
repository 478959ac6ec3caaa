// SPDX-License-Identifier: MIT
#pragma once
// The studio's views of a large photo at display resolution, exactly, without
// the full-size output: the mean of a transposed convolution's output over
// each B x B cell (clipped at the output's edge) is linear in the input, and
// input pixel i reaches output row i*s - p + k*d through tap k. So a cell's
// sum is, per tap (ky, kx), the sum of the input over the rectangle of pixels
// that reach the cell through that tap, which a running sum over the input
// rows gives in a few lookups. One pass over the input (not over the s^2 times
// larger output) per level, and only over the rows and columns the requested
// cells need: the visible region of a view at its zoom.
//
// The same means as the value pyramid of the full-size output (ValuePyramid),
// up to float rounding and the last odd row/column of a level, which the
// pyramid halves repeatedly instead of averaging once.
#include <QRect>
#include <memory>
#include <vector>

#include "core/ConvLayer.h"
#include "core/Tensor.h"

namespace tconv::ui {

// Transposed convolutions of one fixed input (the result's layer and, for
// example, resize-conv's), whose cell means can be asked for any level and any
// rectangle of cells, for one layer or for all in one pass over the input
// (thread-safe: const after construction). The layers share their input
// channels and groups.
class BlockMeans {
public:
    // `input` (1, C_in, H, W), or null for an all-ones input of `onesH` x `onesW`
    // with the layers' input channels (the gain map). `outH` x `outW`: the output
    // size; rows and columns of a layer's natural output beyond it are cropped,
    // and output rows no input reaches (output padding) hold the bias.
    BlockMeans(std::shared_ptr<const Tensor> input, std::vector<ConvLayer> layers, int64_t outH, int64_t outW,
               int64_t onesH = 0, int64_t onesW = 0);

    int64_t outChannels(int layer = 0) const { return layers_[size_t(layer)].outChannels(); }
    int64_t outH() const { return outH_; }
    int64_t outW() const { return outW_; }

    // Means over cells of `block` x `block` output pixels, for the cells in
    // `cells` (in cell units, clipped to the output), one plane per output
    // channel of cells.width() * cells.height() values, row-major: of layer
    // `layer` into `out`, or of every layer l with outs[l] not null.
    void compute(int block, const QRect& cells, std::vector<float>& out, int layer = 0) const;
    void compute(int block, const QRect& cells, const std::vector<std::vector<float>*>& outs) const;

private:
    std::shared_ptr<const Tensor> input_;
    std::vector<ConvLayer> layers_;
    int64_t inH_ = 0, inW_ = 0, inC_ = 0;
    int64_t outH_ = 0, outW_ = 0;
};

// The layer whose transposed convolution *is* resize-conv with nearest resizing
// and zero borders (analysis/ResizeConv.h's fast path: the zero-order-hold kernel
// at stride s, padding p + floor((s-1)/2), cropped to the transposed size), or
// false when that path does not apply (then resize-conv needs the full tensor).
bool nearestResizeConvLayer(const ConvLayer& layer, ConvLayer& zoh);

}  // namespace tconv::ui
