// SPDX-License-Identifier: MIT
#include "analysis/internal/BorderPad.h"

#include <algorithm>
#include <vector>

#include "analysis/internal/ParallelFor.h"
#include "core/ConvError.h"

namespace tconv {

int64_t borderSource(int64_t src, int64_t n, BorderMode mode) {
    if (src >= 0 && src < n) return src;
    switch (mode) {
        case BorderMode::Zeros: return -1;
        case BorderMode::Replicate: return src < 0 ? 0 : n - 1;
        case BorderMode::Reflect: {
            if (n == 1) return 0;
            const int64_t period = 2 * (n - 1);
            int64_t m = src % period;
            if (m < 0) m += period;
            return m < n ? m : period - m;
        }
    }
    return -1;
}

Tensor padPlanes(const Tensor& x, const Pad4& pad, BorderMode mode) {
    const Shape4 in = x.shape();
    const Shape4 outShape{in.n, in.c, in.h + pad.top + pad.bottom, in.w + pad.left + pad.right};
    if (outShape.h <= 0 || outShape.w <= 0)
        throw ParameterError("padding (" + std::to_string(pad.top) + ", " + std::to_string(pad.bottom) + ", " +
                             std::to_string(pad.left) + ", " + std::to_string(pad.right) + ") leaves nothing of a " +
                             std::to_string(in.h) + "x" + std::to_string(in.w) + " plane");
    Tensor out(outShape);
    std::vector<int64_t> sx(static_cast<size_t>(outShape.w));
    for (int64_t o = 0; o < outShape.w; ++o) sx[static_cast<size_t>(o)] = borderSource(o - pad.left, in.w, mode);
    const int64_t rows = in.n * in.c * outShape.h;
    analysis::parallelFor(0, rows, 256, [&](int64_t lo, int64_t hi) {
        for (int64_t r = lo; r < hi; ++r) {
            const int64_t plane = r / outShape.h, oy = r % outShape.h;
            float* dst = out.data() + r * outShape.w;
            const int64_t y = borderSource(oy - pad.top, in.h, mode);
            if (y < 0) {
                std::fill(dst, dst + outShape.w, 0.0f);
                continue;
            }
            const float* src = x.data() + (plane * in.h + y) * in.w;
            for (int64_t o = 0; o < outShape.w; ++o) {
                const int64_t s = sx[static_cast<size_t>(o)];
                dst[o] = s < 0 ? 0.0f : src[s];
            }
        }
    });
    return out;
}

}  // namespace tconv
