// SPDX-License-Identifier: MIT
#include "analysis/PeriodicEnergy.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis/internal/ParallelFor.h"
#include "core/ConvError.h"

namespace tconv {
namespace {

// Summed-area tables over the block grid, one per phase: sum and count of the
// pixels of phase (ry, rx) in blocks [0, by) x [0, bx). Layout:
// ((ry * sw + rx) * (nby + 1) + by) * (nbx + 1) + bx.
struct PhaseTables {
    int sh, sw;
    int64_t nby, nbx;
    std::vector<double> sum, count;
    size_t index(int r, int64_t by, int64_t bx) const {
        return (static_cast<size_t>(r) * (nby + 1) + by) * (nbx + 1) + bx;
    }
    // Sum over blocks [y0, y1) x [x0, x1) of phase r.
    double rect(const std::vector<double>& t, int r, int64_t y0, int64_t y1, int64_t x0, int64_t x1) const {
        return t[index(r, y1, x1)] - t[index(r, y0, x1)] - t[index(r, y1, x0)] + t[index(r, y0, x0)];
    }
};

void spreadPlane(const float* src, float* dst, int64_t h, int64_t w, const PeriodicEnergyOptions& o) {
    const int sh = o.stride.h, sw = o.stride.w;
    const int64_t oy = ((o.phaseOffset.h % sh) + sh) % sh, ox = ((o.phaseOffset.w % sw) + sw) % sw;
    PhaseTables t{sh, sw, (h + oy + sh - 1) / sh, (w + ox + sw - 1) / sw, {}, {}};
    const size_t size = static_cast<size_t>(sh) * sw * (t.nby + 1) * (t.nbx + 1);
    t.sum.assign(size, 0.0);
    t.count.assign(size, 0.0);
    double meanAbs = 0;
    for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
            const int r = static_cast<int>(((y + oy) % sh) * sw + (x + ox) % sw);
            const size_t i = t.index(r, (y + oy) / sh + 1, (x + ox) / sw + 1);
            t.sum[i] += src[y * w + x];
            t.count[i] += 1.0;
            meanAbs += std::abs(src[y * w + x]);
        }
    meanAbs /= static_cast<double>(h * w);
    for (int r = 0; r < sh * sw; ++r)
        for (int64_t by = 1; by <= t.nby; ++by)
            for (int64_t bx = 1; bx <= t.nbx; ++bx)
                for (auto* v : {&t.sum, &t.count})
                    (*v)[t.index(r, by, bx)] +=
                        (*v)[t.index(r, by - 1, bx)] + (*v)[t.index(r, by, bx - 1)] - (*v)[t.index(r, by - 1, bx - 1)];
    const double floor = std::max(0.01 * meanAbs, 1e-30);
    const int64_t m = o.windowBlocks, back = (m - 1) / 2;
    std::vector<double> means(static_cast<size_t>(sh) * sw);
    for (int64_t by = 0; by < t.nby; ++by) {
        // Windows near an edge slide inwards so they keep m blocks where the plane has them.
        const int64_t y0 = std::clamp<int64_t>(by - back, 0, std::max<int64_t>(0, t.nby - m));
        const int64_t y1 = std::min(t.nby, y0 + m);
        for (int64_t bx = 0; bx < t.nbx; ++bx) {
            const int64_t x0 = std::clamp<int64_t>(bx - back, 0, std::max<int64_t>(0, t.nbx - m));
            const int64_t x1 = std::min(t.nbx, x0 + m);
            size_t used = 0;
            double total = 0;
            for (int r = 0; r < sh * sw; ++r) {
                const double c = t.rect(t.count, r, y0, y1, x0, x1);
                if (c <= 0) continue;
                means[used++] = t.rect(t.sum, r, y0, y1, x0, x1) / c;
                total += means[used - 1];
            }
            double spread = 0;
            if (used > 1) {
                const double mean = total / static_cast<double>(used);
                double var = 0;
                for (size_t i = 0; i < used; ++i) var += (means[i] - mean) * (means[i] - mean);
                spread = std::sqrt(var / static_cast<double>(used)) / std::max(std::abs(mean), floor);
            }
            // Fill the block's pixels.
            for (int64_t y = std::max<int64_t>(0, by * sh - oy); y < std::min(h, (by + 1) * sh - oy); ++y)
                for (int64_t x = std::max<int64_t>(0, bx * sw - ox); x < std::min(w, (bx + 1) * sw - ox); ++x)
                    dst[y * w + x] = static_cast<float>(spread);
        }
    }
}

}  // namespace

Tensor periodicEnergy(const Tensor& image, const PeriodicEnergyOptions& options) {
    if (options.stride.h <= 0 || options.stride.w <= 0)
        throw ParameterError("stride should be greater than zero, but got " + sizeText(options.stride));
    if (options.windowBlocks <= 0)
        throw ParameterError("the periodic-energy window should be at least 1 block, but got " +
                             std::to_string(options.windowBlocks));
    const Shape4 s = image.shape();
    Tensor out(s);
    analysis::parallelFor(0, s.n * s.c, 1, [&](int64_t lo, int64_t hi) {
        for (int64_t p = lo; p < hi; ++p)
            spreadPlane(image.data() + p * s.h * s.w, out.data() + p * s.h * s.w, s.h, s.w, options);
    });
    return out;
}

Tensor periodicEnergyExcess(const Tensor& image, const Tensor& reference, const PeriodicEnergyOptions& options) {
    if (image.shape() != reference.shape())
        throw ParameterError("the periodic-energy reference should have the image's shape " + shapeText(image.shape()) +
                             ", but got " + shapeText(reference.shape()));
    Tensor e = periodicEnergy(image, options);
    const Tensor r = periodicEnergy(reference, options);
    float* d = e.data();
    const float* b = r.data();
    for (int64_t i = 0; i < e.size(); ++i) d[i] = std::max(0.0f, d[i] - b[i]);
    return e;
}

}  // namespace tconv
