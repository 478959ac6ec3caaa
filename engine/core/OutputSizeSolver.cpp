// SPDX-License-Identifier: MIT
#include "core/OutputSizeSolver.h"

#include "core/ConvError.h"
#include "core/OutputGeometry.h"

namespace tconv {

OutputSizeRange outputSizeRange(int64_t in, int k, int s, int pBegin, int pEnd, int d) {
    OutputSizeRange r;
    r.min = outputExtent(in, k, s, pBegin, pEnd, 0, d);
    r.max = r.min + s - 1;
    return r;
}

OutputSizeRange outputSizeRange(int64_t in, int k, int s, int p, int d) { return outputSizeRange(in, k, s, p, p, d); }

namespace {

OutputSizeRange rangeH(int64_t inH, const ConvParams& p) {
    return outputSizeRange(inH, p.kernel.h, p.stride.h, padBegin(p).h, padEnd(p).h, p.dilation.h);
}
OutputSizeRange rangeW(int64_t inW, const ConvParams& p) {
    return outputSizeRange(inW, p.kernel.w, p.stride.w, padBegin(p).w, padEnd(p).w, p.dilation.w);
}

}  // namespace

std::string outputSizeRangeMessage(int64_t inH, int64_t inW, const ConvParams& p, int64_t targetH, int64_t targetW) {
    const OutputSizeRange h = rangeH(inH, p);
    const OutputSizeRange w = rangeW(inW, p);
    auto pair = [](int64_t a, int64_t b) { return "[" + std::to_string(a) + ", " + std::to_string(b) + "]"; };
    return "requested an output size of " + pair(targetH, targetW) + ", but valid sizes range from " +
           pair(h.min, w.min) + " to " + pair(h.max, w.max) + " (for an input of torch.Size(" + pair(inH, inW) + "))";
}

Size2 outputPaddingForSize(int64_t inH, int64_t inW, const ConvParams& p, int64_t targetH, int64_t targetW) {
    const OutputSizeRange h = rangeH(inH, p);
    const OutputSizeRange w = rangeW(inW, p);
    if (!h.contains(targetH) || !w.contains(targetW))
        throw ParameterError(outputSizeRangeMessage(inH, inW, p, targetH, targetW));
    return Size2(static_cast<int>(targetH - h.min), static_cast<int>(targetW - w.min));
}

}  // namespace tconv
