// SPDX-License-Identifier: MIT
#pragma once
// ONNX ConvTranspose's auto_pad (opset 11+) and output_shape, turned into the
// engine's per-side padding (ConvParams.h): the one place they are solved,
// used by the CLI (--auto-pad), the ONNX model reader and the studio.
// Standard library only.
//
// Per axis, with the kernel's extent k_e = d(k-1)+1 and output_padding q, a
// requested output length `out` needs
//   total = s*(in-1) + q + k_e - out
// rows cropped in all (ONNX's total_padding). auto_pad SAME_UPPER / SAME_LOWER
// ask for out = in*s, so total = k_e + q - s, the same for every input size.
//
// Which side gets the odd pixel: SAME_UPPER crops total/2 at the beginning and
// the rest (the larger half) at the end; SAME_LOWER the other way round. This
// follows the ONNX 1.12 conformance case test_convtranspose_autopad_same (3x3
// input, k=3, s=2, SAME_UPPER: total 1, the last row and column of the full
// output are cropped) and the 1.12 operator text; older ONNX texts and ONNX
// Runtime's ConvTranspose have put the odd pixel at the beginning for
// SAME_UPPER instead, so a model relying on that runtime behaviour comes out
// shifted by one pixel here.
//
// A negative total (the kernel is too short to reach out = in*s, e.g. k=1,
// s=2; or an output_shape larger than the full output) cannot be a crop: it
// is added to output_padding instead (zeros at the far end), as the
// conformance case test_convtranspose_output_shape (output_shape [10, 8]
// from a full 9 x 7) shows. Validation then applies PyTorch's output_padding
// rule to the result.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/ConvParams.h"

namespace tconv {

enum class AutoPad { NotSet, SameUpper, SameLower, Valid };

// "same-upper" | "same-lower" | "valid" | "notset", or ONNX's spelling
// ("SAME_UPPER", ...); nullopt otherwise.
std::optional<AutoPad> parseAutoPad(std::string_view text);
// "same-upper", ... (the CLI's spelling) and "SAME_UPPER", ... (ONNX's).
const char* autoPadName(AutoPad mode);
const char* onnxAutoPadName(AutoPad mode);

// The split of one axis' total padding (see above): begin and end crops, and
// the output_padding a negative total turns into.
struct AxisPadSplit {
    int begin = 0;
    int end = 0;
    int extraOutputPadding = 0;
};
// SameUpper: the odd pixel at the end; SameLower and NotSet (ONNX's output_shape
// without auto_pad): at the beginning. Valid: all zero. Throws ParameterError
// when a half does not fit an int.
AxisPadSplit splitTotalPadding(int64_t total, AutoPad mode);

// `p` with auto_pad applied: SAME_* set the four pads (and output_padding for a
// negative total) from p's kernel, stride, dilation and output_padding so that
// the output is input * stride for every input size; VALID sets pads 0;
// NotSet returns p unchanged.
ConvParams withAutoPad(ConvParams p, AutoPad mode);

// `p` with ONNX's output_shape applied for an inH x inW input: the pads (split
// as `mode` says; Valid is treated as NotSet) and output_padding that make the
// output outH x outW. Throws ParameterError for a size below 1.
ConvParams withOutputShape(ConvParams p, AutoPad mode, int64_t inH, int64_t inW, int64_t outH, int64_t outW);

}  // namespace tconv
