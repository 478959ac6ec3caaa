// SPDX-License-Identifier: MIT
#include "core/ConvParams.h"

namespace tconv {

std::string sizeText(Size2 s) {
    if (s.h == s.w) return std::to_string(s.h);
    return std::to_string(s.h) + "x" + std::to_string(s.w);
}

std::string describe(const ConvParams& p) {
    return "k=" + sizeText(p.kernel) + " s=" + sizeText(p.stride) + " p=" + sizeText(p.padding) +
           " op=" + sizeText(p.outputPadding) + " d=" + sizeText(p.dilation) + " g=" + std::to_string(p.groups);
}

}  // namespace tconv
