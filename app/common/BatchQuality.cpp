// SPDX-License-Identifier: MIT
#include "common/BatchQuality.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/ConvError.h"

namespace tconv::app {

namespace {

float clamp01(float v) { return std::isnan(v) ? 0.0f : std::min(1.0f, std::max(0.0f, v)); }

void checkSameShape(const Tensor& a, const Tensor& b, const char* what) {
    const Shape4 x = a.shape(), y = b.shape();
    if (x.n != y.n || x.c != y.c || x.h != y.h || x.w != y.w)
        throw ParameterError(std::string(what) + ": the result is " + std::to_string(x.h) + "x" + std::to_string(x.w) +
                             "x" + std::to_string(x.c) + " but the original is " + std::to_string(y.h) + "x" +
                             std::to_string(y.w) + "x" + std::to_string(y.c));
}

// Luma plane in double, the values clamped to [0, 1] first.
std::vector<double> luma(const Tensor& t) {
    const Shape4 s = t.shape();
    const size_t plane = size_t(s.h) * size_t(s.w);
    const float* p = t.storage().data();
    std::vector<double> y(plane);
    for (size_t i = 0; i < plane; ++i) {
        if (s.c >= 3) y[i] = 0.299 * clamp01(p[i]) + 0.587 * clamp01(p[plane + i]) + 0.114 * clamp01(p[2 * plane + i]);
        else y[i] = clamp01(p[i]);
    }
    return y;
}

// 'valid' separable Gaussian filtering of an h x w plane.
std::vector<double> filterValid(const std::vector<double>& in, int64_t h, int64_t w, const std::vector<double>& g) {
    const int64_t k = int64_t(g.size()), oh = h - k + 1, ow = w - k + 1;
    std::vector<double> rows(size_t(h * ow)), out(size_t(oh * ow));
    for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < ow; ++x) {
            double acc = 0;
            for (int64_t i = 0; i < k; ++i) acc += g[size_t(i)] * in[size_t(y * w + x + i)];
            rows[size_t(y * ow + x)] = acc;
        }
    for (int64_t y = 0; y < oh; ++y)
        for (int64_t x = 0; x < ow; ++x) {
            double acc = 0;
            for (int64_t i = 0; i < k; ++i) acc += g[size_t(i)] * rows[size_t((y + i) * ow + x)];
            out[size_t(y * ow + x)] = acc;
        }
    return out;
}

double cubic(double x) {  // Keys, a = -0.75
    const double a = -0.75;
    x = std::abs(x);
    if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    return 0;
}

// One axis of the bicubic degradation: n inputs -> n / s outputs.
void bicubicAxis(const float* in, int64_t n, int64_t stride, int s, float* out, int64_t outStride) {
    const int64_t m = n / s;
    for (int64_t i = 0; i < m; ++i) {
        const double centre = (i + 0.5) * s - 0.5;
        const int64_t base = int64_t(std::floor(centre));
        const double f = centre - base;
        double acc = 0;
        for (int64_t t = -1; t <= 2; ++t) {
            const int64_t j = std::clamp<int64_t>(base + t, 0, n - 1);
            acc += cubic(t - f) * in[j * stride];
        }
        out[i * outStride] = float(acc);
    }
}

}  // namespace

DegradeFilter parseDegradeFilter(const std::string& name) {
    if (name == "area") return DegradeFilter::Area;
    if (name == "bicubic") return DegradeFilter::Bicubic;
    if (name == "nearest") return DegradeFilter::Nearest;
    throw ParameterError("--degrade: expected area, bicubic or nearest, but got '" + name + "'");
}

Tensor cropToStride(const Tensor& t, int strideH, int strideW) {
    const Shape4 s = t.shape();
    const int64_t h = s.h / strideH * strideH, w = s.w / strideW * strideW;
    if (h == 0 || w == 0)
        throw ParameterError("the image (" + std::to_string(s.h) + "x" + std::to_string(s.w) +
                             ") is smaller than one stride (" + std::to_string(strideH) + "x" +
                             std::to_string(strideW) + ")");
    if (h == s.h && w == s.w) return t;
    Tensor out(Shape4{s.n, s.c, h, w});
    for (int64_t c = 0; c < s.n * s.c; ++c)
        for (int64_t y = 0; y < h; ++y)
            std::copy_n(t.storage().data() + (c * s.h + y) * s.w, w, out.storage().data() + (c * h + y) * w);
    return out;
}

Tensor degrade(const Tensor& cropped, int sh, int sw, DegradeFilter filter) {
    const Shape4 s = cropped.shape();
    const int64_t h = s.h / sh, w = s.w / sw, planes = s.n * s.c;
    Tensor out(Shape4{s.n, s.c, h, w});
    const float* in = cropped.storage().data();
    float* o = out.storage().data();
    if (filter == DegradeFilter::Bicubic) {
        std::vector<float> rows(size_t(s.h * w));
        for (int64_t c = 0; c < planes; ++c) {
            const float* p = in + c * s.h * s.w;
            for (int64_t y = 0; y < s.h; ++y) bicubicAxis(p + y * s.w, s.w, 1, sw, rows.data() + y * w, 1);
            for (int64_t x = 0; x < w; ++x) bicubicAxis(rows.data() + x, s.h, w, sh, o + c * h * w + x, w);
        }
        return out;
    }
    for (int64_t c = 0; c < planes; ++c)
        for (int64_t y = 0; y < h; ++y)
            for (int64_t x = 0; x < w; ++x) {
                const float* p = in + (c * s.h + y * sh) * s.w + x * sw;
                double v = p[0];
                if (filter == DegradeFilter::Area) {
                    v = 0;
                    for (int i = 0; i < sh; ++i)
                        for (int j = 0; j < sw; ++j) v += p[i * s.w + j];
                    v /= double(sh) * sw;
                }
                o[(c * h + y) * w + x] = float(v);
            }
    return out;
}

double psnr(const Tensor& result, const Tensor& original) {
    checkSameShape(result, original, "psnr");
    const auto& a = result.storage();
    const auto& b = original.storage();
    double sum = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        const double d = double(clamp01(a[i])) - double(b[i]);
        sum += d * d;
    }
    const double mse = a.empty() ? 0 : sum / double(a.size());
    return mse == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(1.0 / mse);
}

double ssim(const Tensor& result, const Tensor& original) {
    checkSameShape(result, original, "ssim");
    const Shape4 s = result.shape();
    constexpr int kWin = 11;
    if (s.h < kWin || s.w < kWin) return std::numeric_limits<double>::quiet_NaN();
    std::vector<double> g(kWin);
    double total = 0;
    for (int i = 0; i < kWin; ++i) total += g[size_t(i)] = std::exp(-((i - 5) * (i - 5)) / (2 * 1.5 * 1.5));
    for (double& v : g) v /= total;
    const std::vector<double> x = luma(result), y = luma(original);
    std::vector<double> xx(x.size()), yy(x.size()), xy(x.size());
    for (size_t i = 0; i < x.size(); ++i) xx[i] = x[i] * x[i], yy[i] = y[i] * y[i], xy[i] = x[i] * y[i];
    const auto mx = filterValid(x, s.h, s.w, g), my = filterValid(y, s.h, s.w, g);
    const auto sxx = filterValid(xx, s.h, s.w, g), syy = filterValid(yy, s.h, s.w, g),
               sxy = filterValid(xy, s.h, s.w, g);
    const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
    double sum = 0;
    for (size_t i = 0; i < mx.size(); ++i) {
        const double vx = sxx[i] - mx[i] * mx[i], vy = syy[i] - my[i] * my[i], cxy = sxy[i] - mx[i] * my[i];
        sum += ((2 * mx[i] * my[i] + c1) * (2 * cxy + c2)) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
    }
    return sum / double(mx.size());
}

}  // namespace tconv::app
