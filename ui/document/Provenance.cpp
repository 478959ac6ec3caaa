// SPDX-License-Identifier: MIT
#include "document/Provenance.h"

#include "core/OutputGeometry.h"
#include "core/ScatterDefinition.h"

namespace tconv::ui {

// The definition (o = i*s - p + j*d) lives in core/ScatterDefinition.h, with
// the reference implementation that gathers through it: the explanation shows
// exactly the pairs the oracle sums, never a second copy of the formula.

std::vector<Contribution> contributionsTo(const ConvParams& p, int inH, int inW, int oy, int ox) {
    std::vector<Contribution> out;
    for (const ScatterSource& s : scatterSources(p, inH, inW, oy, ox))
        out.push_back({static_cast<int>(s.iy), static_cast<int>(s.ix), s.ky, s.kx});
    return out;
}

double provenanceSum(const std::vector<Contribution>& c, const Tensor& input, int channel, const Kernel2D& k,
                     float bias) {
    double acc = bias;
    for (const Contribution& t : c) acc += double(input.at(0, channel, t.iy, t.ix)) * k.at(t.ky, t.kx);
    return acc;
}

Tensor partialScatter(const Tensor& input, const Kernel2D& k, const ConvParams& p, float bias, int steps) {
    const Shape4 s = input.shape();
    const OutputSize o = outputSize(s.h, s.w, p);
    Tensor out(Shape4{1, s.c, o.h, o.w}, bias);
    int done = 0;
    for (int iy = 0; iy < s.h; ++iy)
        for (int ix = 0; ix < s.w; ++ix, ++done) {
            if (done >= steps) return out;
            for (int ky = 0; ky < k.h; ++ky) {
                const int64_t oy = scatterTarget(iy, ky, p.stride.h, p.padding.h, p.dilation.h);
                if (oy < 0 || oy >= o.h) continue;
                for (int kx = 0; kx < k.w; ++kx) {
                    const int64_t ox = scatterTarget(ix, kx, p.stride.w, p.padding.w, p.dilation.w);
                    if (ox < 0 || ox >= o.w) continue;
                    for (int64_t c = 0; c < s.c; ++c) out.at(0, c, oy, ox) += input.at(0, c, iy, ix) * k.at(ky, kx);
                }
            }
        }
    return out;
}

std::vector<std::pair<int, int>> scatterFootprint(const ConvParams& p, int outH, int outW, int iy, int ix, int kh,
                                                  int kw) {
    std::vector<std::pair<int, int>> cells;
    for (int ky = 0; ky < kh; ++ky) {
        const int64_t oy = scatterTarget(iy, ky, p.stride.h, p.padding.h, p.dilation.h);
        if (oy < 0 || oy >= outH) continue;
        for (int kx = 0; kx < kw; ++kx) {
            const int64_t ox = scatterTarget(ix, kx, p.stride.w, p.padding.w, p.dilation.w);
            if (ox >= 0 && ox < outW) cells.push_back({static_cast<int>(oy), static_cast<int>(ox)});
        }
    }
    return cells;
}

}  // namespace tconv::ui
