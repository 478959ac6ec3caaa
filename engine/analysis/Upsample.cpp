// SPDX-License-Identifier: MIT
#include "analysis/internal/Upsample.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis/internal/ParallelFor.h"
#include "core/ConvError.h"

namespace tconv {
namespace {

// Per padded output index along one axis: the two source pixels and the weight
// of the second; i0 < 0 marks a zero (outside, with zero padding).
struct Tap {
    int64_t i0 = -1, i1 = -1;
    float w1 = 0;
};

std::vector<Tap> axisTaps(int64_t in, int f, ResizeMode mode, int64_t before, int64_t outLen, BorderMode border) {
    std::vector<Tap> taps(static_cast<size_t>(outLen));
    const int64_t resized = in * f;
    for (int64_t o = 0; o < outLen; ++o) {
        const int64_t r = borderSource(o - before, resized, border);
        if (r < 0) continue;
        Tap& t = taps[static_cast<size_t>(o)];
        if (mode == ResizeMode::Nearest) {
            t.i0 = t.i1 = r / f;
            continue;
        }
        const double src = std::max(0.0, (static_cast<double>(r) + 0.5) / f - 0.5);
        t.i0 = std::min<int64_t>(static_cast<int64_t>(std::floor(src)), in - 1);
        t.i1 = std::min<int64_t>(t.i0 + 1, in - 1);
        t.w1 = static_cast<float>(src - static_cast<double>(t.i0));
    }
    return taps;
}

}  // namespace

void upsamplePadded(const Tensor& x, Size2 factor, ResizeMode mode, const Pad4& pad, BorderMode border, Tensor& out) {
    if (factor.h <= 0 || factor.w <= 0)
        throw ParameterError("upsampling factor should be greater than zero, but got " + sizeText(factor));
    const Shape4 in = x.shape();
    const Shape4 os{in.n, in.c, in.h * factor.h + pad.top + pad.bottom, in.w * factor.w + pad.left + pad.right};
    if (os.h <= 0 || os.w <= 0)
        throw ParameterError("padding the " + std::to_string(in.h * factor.h) + "x" + std::to_string(in.w * factor.w) +
                             " resized image by (" + std::to_string(pad.top) + ", " + std::to_string(pad.bottom) +
                             ", " + std::to_string(pad.left) + ", " + std::to_string(pad.right) + ") leaves nothing");
    out.resize(os);
    const std::vector<Tap> ty = axisTaps(in.h, factor.h, mode, pad.top, os.h, border);
    const std::vector<Tap> tx = axisTaps(in.w, factor.w, mode, pad.left, os.w, border);
    const bool nearest = mode == ResizeMode::Nearest;
    // One task per output row: blend two input rows (vertical pass, bilinear
    // only), then expand horizontally.
    analysis::parallelFor(0, os.n * os.c * os.h, 64, [&](int64_t lo, int64_t hi) {
        std::vector<float> blended(static_cast<size_t>(in.w));
        for (int64_t r = lo; r < hi; ++r) {
            const int64_t plane = r / os.h, oy = r % os.h;
            float* dst = out.data() + r * os.w;
            const Tap& t = ty[static_cast<size_t>(oy)];
            if (t.i0 < 0) {
                std::fill(dst, dst + os.w, 0.0f);
                continue;
            }
            const float* src = x.data() + plane * in.h * in.w;
            const float* a = src + t.i0 * in.w;
            if (nearest) {
                for (int64_t o = 0; o < os.w; ++o) {
                    const int64_t i = tx[static_cast<size_t>(o)].i0;
                    dst[o] = i < 0 ? 0.0f : a[i];
                }
                continue;
            }
            const float* b = src + t.i1 * in.w;
            for (int64_t i = 0; i < in.w; ++i) blended[static_cast<size_t>(i)] = a[i] + t.w1 * (b[i] - a[i]);
            for (int64_t o = 0; o < os.w; ++o) {
                const Tap& u = tx[static_cast<size_t>(o)];
                if (u.i0 < 0) {
                    dst[o] = 0.0f;
                    continue;
                }
                const float l = blended[static_cast<size_t>(u.i0)], rr = blended[static_cast<size_t>(u.i1)];
                dst[o] = l + u.w1 * (rr - l);
            }
        }
    });
}

Tensor upsample(const Tensor& x, Size2 factor, ResizeMode mode) {
    Tensor out;
    upsamplePadded(x, factor, mode, Pad4{}, BorderMode::Zeros, out);
    return out;
}

}  // namespace tconv
