// SPDX-License-Identifier: MIT
#pragma once
// One 2-D kernel, row-major (kh rows of kw taps). Image presets and the
// studio's kernel editor work with this; it becomes a depthwise layer weight.
#include <vector>

namespace tconv {

struct Kernel2D {
    int h = 0;
    int w = 0;
    std::vector<float> taps;  // h * w, row-major

    Kernel2D() = default;
    Kernel2D(int hh, int ww, float fill = 0.0f) : h(hh), w(ww), taps(static_cast<size_t>(hh) * ww, fill) {}
    float& at(int y, int x) { return taps[static_cast<size_t>(y) * w + x]; }
    float at(int y, int x) const { return taps[static_cast<size_t>(y) * w + x]; }
    double sum() const {
        double s = 0;
        for (float t : taps) s += t;
        return s;
    }
    friend bool operator==(const Kernel2D&, const Kernel2D&) = default;
};

}  // namespace tconv
