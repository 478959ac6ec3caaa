// SPDX-License-Identifier: MIT
#include "core/AutoPad.h"

#include <climits>
#include <string>

#include "core/ConvError.h"

namespace tconv {

std::optional<AutoPad> parseAutoPad(std::string_view text) {
    if (text == "same-upper" || text == "SAME_UPPER") return AutoPad::SameUpper;
    if (text == "same-lower" || text == "SAME_LOWER") return AutoPad::SameLower;
    if (text == "valid" || text == "VALID") return AutoPad::Valid;
    if (text == "notset" || text == "NOTSET") return AutoPad::NotSet;
    return std::nullopt;
}

const char* autoPadName(AutoPad mode) {
    switch (mode) {
        case AutoPad::SameUpper: return "same-upper";
        case AutoPad::SameLower: return "same-lower";
        case AutoPad::Valid: return "valid";
        case AutoPad::NotSet: break;
    }
    return "notset";
}

const char* onnxAutoPadName(AutoPad mode) {
    switch (mode) {
        case AutoPad::SameUpper: return "SAME_UPPER";
        case AutoPad::SameLower: return "SAME_LOWER";
        case AutoPad::Valid: return "VALID";
        case AutoPad::NotSet: break;
    }
    return "NOTSET";
}

AxisPadSplit splitTotalPadding(int64_t total, AutoPad mode) {
    AxisPadSplit r;
    if (mode == AutoPad::Valid) return r;
    if (total < 0) {
        if (-total > INT_MAX)
            throw ParameterError("auto_pad/output_shape: an output " + std::to_string(-total) +
                                 " pixels longer than the full transposed convolution does not fit");
        r.extraOutputPadding = static_cast<int>(-total);
        return r;
    }
    if (total > 2 * int64_t(INT_MAX))
        throw ParameterError("auto_pad/output_shape: a total padding of " + std::to_string(total) + " does not fit");
    const int64_t small = total / 2, large = total - total / 2;
    r.begin = static_cast<int>(mode == AutoPad::SameUpper ? small : large);
    r.end = static_cast<int>(mode == AutoPad::SameUpper ? large : small);
    return r;
}

namespace {

// ONNX's total_padding along one axis for an output of `out`.
int64_t totalPadding(int64_t in, int k, int s, int q, int d, int64_t out) {
    return int64_t(s) * (in - 1) + q + (int64_t(d) * (k - 1) + 1) - out;
}

int addedOutputPadding(int q, int extra) {
    const int64_t sum = int64_t(q) + extra;
    if (sum > INT_MAX)
        throw ParameterError("auto_pad/output_shape: output_padding " + std::to_string(q) + " plus " +
                             std::to_string(extra) + " does not fit");
    return static_cast<int>(sum);
}

ConvParams applySplit(ConvParams p, const AxisPadSplit& h, const AxisPadSplit& w) {
    setPads(p, Pads4{h.begin, w.begin, h.end, w.end});
    p.outputPadding = Size2(addedOutputPadding(p.outputPadding.h, h.extraOutputPadding),
                            addedOutputPadding(p.outputPadding.w, w.extraOutputPadding));
    return p;
}

}  // namespace

ConvParams withAutoPad(ConvParams p, AutoPad mode) {
    if (mode == AutoPad::NotSet) return p;
    if (mode == AutoPad::Valid) {
        setPads(p, Pads4{});
        return p;
    }
    // out = in * s: total = s*(in-1) + q + k_e - s*in, whatever the input (in = 1 here).
    const int64_t th = totalPadding(1, p.kernel.h, p.stride.h, p.outputPadding.h, p.dilation.h, p.stride.h);
    const int64_t tw = totalPadding(1, p.kernel.w, p.stride.w, p.outputPadding.w, p.dilation.w, p.stride.w);
    return applySplit(p, splitTotalPadding(th, mode), splitTotalPadding(tw, mode));
}

ConvParams withOutputShape(ConvParams p, AutoPad mode, int64_t inH, int64_t inW, int64_t outH, int64_t outW) {
    if (outH < 1 || outW < 1)
        throw ParameterError("output_shape must be positive, but got [" + std::to_string(outH) + ", " +
                             std::to_string(outW) + "]");
    if (mode == AutoPad::Valid) mode = AutoPad::NotSet;
    const int64_t th = totalPadding(inH, p.kernel.h, p.stride.h, p.outputPadding.h, p.dilation.h, outH);
    const int64_t tw = totalPadding(inW, p.kernel.w, p.stride.w, p.outputPadding.w, p.dilation.w, outW);
    return applySplit(p, splitTotalPadding(th, mode), splitTotalPadding(tw, mode));
}

}  // namespace tconv
