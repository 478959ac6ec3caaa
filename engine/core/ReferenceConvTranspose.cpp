#include "core/ReferenceConvTranspose.h"

#include <vector>

#include "core/Validation.h"

namespace tconv {

Tensor referenceConvTranspose2d(const Tensor& input, const ConvLayer& layer) {
    const Shape4 outShape = validateProblem(layer.problemFor(input.shape()));
    const ConvParams& p = layer.params;
    const Shape4 in = input.shape();
    const Shape4 w = layer.weight.shape();
    const int64_t cinPerGroup = w.n / p.groups;
    const int64_t coutPerGroup = w.c;
    std::vector<double> acc(static_cast<size_t>(outShape.count()), 0.0);
    auto outIndex = [&](int64_t n, int64_t c, int64_t y, int64_t x) {
        return static_cast<size_t>(((n * outShape.c + c) * outShape.h + y) * outShape.w + x);
    };
    for (int64_t n = 0; n < in.n; ++n)
        for (int64_t ci = 0; ci < in.c; ++ci) {
            const int64_t g = ci / cinPerGroup;
            for (int64_t col = 0; col < coutPerGroup; ++col) {
                const int64_t co = g * coutPerGroup + col;
                for (int64_t iy = 0; iy < in.h; ++iy)
                    for (int64_t ix = 0; ix < in.w; ++ix) {
                        const double v = input.at(n, ci, iy, ix);
                        for (int64_t ky = 0; ky < w.h; ++ky) {
                            // Input pixel (iy, ix) lands at iy * s - p + ky * d.
                            const int64_t oy = iy * p.stride.h - p.padding.h + ky * p.dilation.h;
                            if (oy < 0 || oy >= outShape.h) continue;
                            for (int64_t kx = 0; kx < w.w; ++kx) {
                                const int64_t ox = ix * p.stride.w - p.padding.w + kx * p.dilation.w;
                                if (ox < 0 || ox >= outShape.w) continue;
                                acc[outIndex(n, co, oy, ox)] += v * layer.weight.at(ci, col, ky, kx);
                            }
                        }
                    }
            }
        }
    Tensor out(outShape);
    for (int64_t n = 0; n < outShape.n; ++n)
        for (int64_t c = 0; c < outShape.c; ++c) {
            const double b = layer.bias.empty() ? 0.0 : layer.bias[static_cast<size_t>(c)];
            for (int64_t y = 0; y < outShape.h; ++y)
                for (int64_t x = 0; x < outShape.w; ++x)
                    out.at(n, c, y, x) = static_cast<float>(acc[outIndex(n, c, y, x)] + b);
        }
    return out;
}

}  // namespace tconv
