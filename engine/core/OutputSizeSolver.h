// SPDX-License-Identifier: MIT
#pragma once
// PyTorch's `output_size` argument of ConvTranspose2d, exactly: the padding,
// stride, dilation and kernel stay as given; only output_padding is chosen,
// as target − min, where min is the size with output_padding 0 and the
// reachable sizes are [min, min + s − 1] per axis (torch.nn.modules.conv
// _ConvTransposeNd._output_padding). Shared by `tconv apply --output-size` and
// the studio's "Desired output size". Standard library only.
#include <cstdint>
#include <string>

#include "core/ConvParams.h"

namespace tconv {

// The sizes `output_size` may ask for along one axis: [min, max], max = min + s − 1.
struct OutputSizeRange {
    int64_t min = 0;
    int64_t max = 0;
    bool contains(int64_t size) const { return size >= min && size <= max; }
};
// Symmetric padding p, or per-side padding pBegin, pEnd (ConvParams.h).
OutputSizeRange outputSizeRange(int64_t in, int k, int s, int p, int d);
OutputSizeRange outputSizeRange(int64_t in, int k, int s, int pBegin, int pEnd, int d);

// The output_padding per axis that makes an inH x inW input come out
// targetH x targetW with p's kernel, stride, padding (both sides) and dilation. Throws
// ParameterError with PyTorch's message when a size is outside its range:
// "requested an output size of [H, W], but valid sizes range from [a, b] to
// [c, d] (for an input of torch.Size([h, w]))".
Size2 outputPaddingForSize(int64_t inH, int64_t inW, const ConvParams& p, int64_t targetH, int64_t targetW);

// The same text PyTorch raises for an unreachable size (used in the message above).
std::string outputSizeRangeMessage(int64_t inH, int64_t inW, const ConvParams& p, int64_t targetH, int64_t targetW);

}  // namespace tconv
