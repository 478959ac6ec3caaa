// SPDX-License-Identifier: MIT
#include "analysis/DeconvSpectralBound.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "core/ConvError.h"

namespace tconv {
namespace {

// R[ly][lx] = sum_k sum_{y,x} f_k[y][x] f_k[y+ly][x+lx] for lags -(kh-1)..kh-1
// (row-major, offset kh-1 / kw-1). Symmetric: R(-l) = R(l), so p is real.
std::vector<double> summedAutocorrelation(const Tensor& f) {
    const Shape4 s = f.shape();
    const int64_t kh = s.h, kw = s.w, lh = 2 * kh - 1, lw = 2 * kw - 1;
    std::vector<double> r(static_cast<size_t>(lh * lw), 0.0);
    for (int64_t k = 0; k < s.n; ++k)
        for (int64_t ly = -(kh - 1); ly < kh; ++ly)
            for (int64_t lx = -(kw - 1); lx < kw; ++lx) {
                double sum = 0;
                for (int64_t y = std::max<int64_t>(0, -ly); y < std::min(kh, kh - ly); ++y)
                    for (int64_t x = std::max<int64_t>(0, -lx); x < std::min(kw, kw - lx); ++x)
                        sum += double(f.at(k, 0, y, x)) * f.at(k, 0, y + ly, x + lx);
                r[static_cast<size_t>((ly + kh - 1) * lw + lx + kw - 1)] += sum;
            }
    return r;
}

// Grid size per axis for autocorrelation degree n: 64 n points (at least 64,
// at most 1024) keep the sampling factor 1 - n^2 pi^2 / (2 M^2) above 0.998
// up to n = 16 (k = 17), above 0.995 up to n = 31. 7x7 filters: 384 x 384
// points, about 4 ms.
int gridSize(int64_t n) { return static_cast<int>(std::clamp<int64_t>(64 * n, 64, 1024)); }

}  // namespace

double deconvSpectralLipschitz(const Tensor& filters, double lambda) {
    const Shape4 s = filters.shape();
    if (s.c != 1 || s.n < 1 || s.h < 1 || s.w < 1)
        throw ParameterError("the spectral bound needs a filter bank (K1, 1, kh, kw), but got " + shapeText(s));
    const std::vector<double> r = summedAutocorrelation(filters);
    const int64_t ny = s.h - 1, nx = s.w - 1, lh = 2 * s.h - 1, lw = 2 * s.w - 1;
    const int my = gridSize(ny), mx = gridSize(nx);
    // p(wy, wx) = sum_ly [cos(wy ly) C_ly(wx) - sin(wy ly) S_ly(wx)], with
    // C_ly(wx) = sum_lx R[ly][lx] cos(wx lx) and S_ly likewise with sin.
    std::vector<double> c(static_cast<size_t>(lh * mx)), sn(static_cast<size_t>(lh * mx));
    for (int64_t iy = 0; iy < lh; ++iy)
        for (int j = 0; j < mx; ++j) {
            const double wx = 2 * std::numbers::pi * j / mx;
            double cs = 0, ss = 0;
            for (int64_t ix = 0; ix < lw; ++ix) {
                const double rv = r[static_cast<size_t>(iy * lw + ix)];
                cs += rv * std::cos(wx * double(ix - nx));
                ss += rv * std::sin(wx * double(ix - nx));
            }
            c[static_cast<size_t>(iy * mx + j)] = cs;
            sn[static_cast<size_t>(iy * mx + j)] = ss;
        }
    // One grid row at a time, summed lag row by lag row: contiguous reads of
    // C and S (a 31x31 bank's grid is 1024 x 1024 points, 61 lag rows).
    double peak = 0;
    std::vector<double> row(static_cast<size_t>(mx));
    for (int i = 0; i < my; ++i) {
        const double wy = 2 * std::numbers::pi * i / my;
        std::fill(row.begin(), row.end(), 0.0);
        for (int64_t iy = 0; iy < lh; ++iy) {
            const double cy = std::cos(wy * double(iy - ny)), sy = std::sin(wy * double(iy - ny));
            const double* cr = c.data() + iy * mx;
            const double* sr = sn.data() + iy * mx;
            for (int j = 0; j < mx; ++j) row[static_cast<size_t>(j)] += cy * cr[j] - sy * sr[j];
        }
        for (double p : row) peak = std::max(peak, p);
    }
    const auto missed = [](int64_t n, int m) {
        return 1.0 - double(n * n) * std::numbers::pi * std::numbers::pi / (2.0 * double(m) * double(m));
    };
    return lambda * peak / (missed(ny, my) * missed(nx, mx));
}

}  // namespace tconv
