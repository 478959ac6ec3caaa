// SPDX-License-Identifier: MIT
#pragma once
// Parameters of a 2-D transposed convolution, exactly those of PyTorch's
// nn.ConvTranspose2d (padding_mode 'zeros'). Every field is per axis
// (h = rows, w = columns) except groups.
#include <cstdint>
#include <string>

namespace tconv {

struct Size2 {
    int h = 1;
    int w = 1;
    constexpr Size2() = default;
    constexpr Size2(int both) : h(both), w(both) {}
    constexpr Size2(int hh, int ww) : h(hh), w(ww) {}
    friend constexpr bool operator==(const Size2&, const Size2&) = default;
};

// "3" or "3x2" (height first), as the CLI and the UI print them.
std::string sizeText(Size2 s);

struct ConvParams {
    Size2 kernel{1, 1};
    Size2 stride{1, 1};
    Size2 padding{0, 0};
    Size2 outputPadding{0, 0};
    Size2 dilation{1, 1};
    int groups = 1;
    friend bool operator==(const ConvParams&, const ConvParams&) = default;
};

// One-line description, e.g. "k=4 s=2 p=1 op=0 d=1 g=1".
std::string describe(const ConvParams& p);

}  // namespace tconv
