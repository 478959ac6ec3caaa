// SPDX-License-Identifier: MIT
#include "core/ConvParams.h"

namespace tconv {

std::string sizeText(Size2 s) {
    if (s.h == s.w) return std::to_string(s.h);
    return std::to_string(s.h) + "x" + std::to_string(s.w);
}

std::string padsText(const Pads4& p) {
    return std::to_string(p.top) + "," + std::to_string(p.left) + "," + std::to_string(p.bottom) + "," +
           std::to_string(p.right);
}

bool operator==(const ConvParams& a, const ConvParams& b) {
    return a.kernel == b.kernel && a.stride == b.stride && padBegin(a) == padBegin(b) && padEnd(a) == padEnd(b) &&
           a.outputPadding == b.outputPadding && a.dilation == b.dilation && a.groups == b.groups;
}

void setPads(ConvParams& p, const Pads4& pads) {
    p.padding = Size2(pads.top, pads.left);
    const Size2 end(pads.bottom, pads.right);
    if (end == p.padding) p.paddingEnd.reset();
    else p.paddingEnd = end;
}

std::string describe(const ConvParams& p) {
    const std::string padText = hasAsymmetricPadding(p) ? " pads=" + padsText(pads(p)) : " p=" + sizeText(p.padding);
    return "k=" + sizeText(p.kernel) + " s=" + sizeText(p.stride) + padText + " op=" + sizeText(p.outputPadding) +
           " d=" + sizeText(p.dilation) + " g=" + std::to_string(p.groups);
}

}  // namespace tconv
