#include "document/Provenance.h"

#include "core/OutputGeometry.h"

namespace tconv::ui {
namespace {

// Input index i and tap j with i*s - p + j*d == o along one axis.
std::vector<std::pair<int, int>> axisPairs(int o, int in, int k, int s, int p, int d) {
    std::vector<std::pair<int, int>> r;
    for (int j = 0; j < k; ++j) {
        const int t = o + p - j * d;
        if (t < 0 || t % s != 0) continue;
        const int i = t / s;
        if (i < in) r.push_back({i, j});
    }
    return r;
}

}  // namespace

std::vector<Contribution> contributionsTo(const ConvParams& p, int inH, int inW, int oy, int ox) {
    std::vector<Contribution> out;
    const auto ys = axisPairs(oy, inH, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h);
    const auto xs = axisPairs(ox, inW, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w);
    for (const auto& [iy, ky] : ys)
        for (const auto& [ix, kx] : xs) out.push_back({iy, ix, ky, kx});
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
                const int64_t oy = int64_t(iy) * p.stride.h - p.padding.h + int64_t(ky) * p.dilation.h;
                if (oy < 0 || oy >= o.h) continue;
                for (int kx = 0; kx < k.w; ++kx) {
                    const int64_t ox = int64_t(ix) * p.stride.w - p.padding.w + int64_t(kx) * p.dilation.w;
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
        const int oy = iy * p.stride.h - p.padding.h + ky * p.dilation.h;
        if (oy < 0 || oy >= outH) continue;
        for (int kx = 0; kx < kw; ++kx) {
            const int ox = ix * p.stride.w - p.padding.w + kx * p.dilation.w;
            if (ox >= 0 && ox < outW) cells.push_back({oy, ox});
        }
    }
    return cells;
}

}  // namespace tconv::ui
