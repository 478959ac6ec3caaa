// SPDX-License-Identifier: MIT
// Inference of a deconvolutional network's sparse maps (see DeconvNet.h).
//
// FISTA's buffers, all maps-sized: x (current iterate), xPrev, z (candidate);
// and image-sized: Ax, AxPrev, Az, all allocated once per run. The momentum
// point y = x + beta (x - xPrev) is never stored: the proximal step
// recomputes it per element, and A y = Ax + beta (Ax - AxPrev) by linearity.
// The gradient is never stored either: the proximal step runs inside the
// gradient conv2d's write-out (FusedProximal), turning each band of gradient
// into z while it is in cache. So each iteration makes three passes over
// maps-sized memory (read x and xPrev, write z; read z for A z): one conv2d
// (gradient + proximal step) and one synthesis, plus a second pair only when
// backtracking or a restart retakes the step.
// Reductions (norms, inner products) are summed in double over fixed blocks
// and then in block order, so results do not depend on the thread count.
#include "analysis/DeconvNet.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "analysis/DeconvSpectralBound.h"
#include "analysis/internal/ParallelFor.h"
#include "core/Conv2d.h"
#include "core/ConvError.h"

namespace tconv {
namespace {

constexpr int64_t kBlock = 16384;  // elements per reduction block

// Sum over [0, count) of body(lo, hi) (each a double), blocks in order.
template <class Body>
double blockedSum(int64_t count, Body&& body) {
    const int64_t blocks = (count + kBlock - 1) / kBlock;
    std::vector<double> partial(static_cast<size_t>(blocks), 0.0);
    analysis::parallelFor(0, blocks, 4, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b)
            partial[static_cast<size_t>(b)] = body(b * kBlock, std::min(count, (b + 1) * kBlock));
    });
    double s = 0;
    for (double p : partial) s += p;
    return s;
}

double squaredDistance(const Tensor& a, const Tensor& b) {
    const float* pa = a.data();
    const float* pb = b.data();
    return blockedSum(a.size(), [&](int64_t lo, int64_t hi) {
        double s = 0;
        for (int64_t i = lo; i < hi; ++i) {
            const double d = double(pa[i]) - pb[i];
            s += d * d;
        }
        return s;
    });
}

double sumSquares(const Tensor& t) {
    const float* p = t.data();
    return blockedSum(t.size(), [&](int64_t lo, int64_t hi) {
        double s = 0;
        for (int64_t i = lo; i < hi; ++i) s += double(p[i]) * p[i];
        return s;
    });
}

double l1Norm(const Tensor& t) {
    const float* p = t.data();
    return blockedSum(t.size(), [&](int64_t lo, int64_t hi) {
        double s = 0;
        for (int64_t i = lo; i < hi; ++i) s += std::fabs(double(p[i]));
        return s;
    });
}

void checkLambda(double lambda) {
    if (!(lambda > 0) || !std::isfinite(lambda))
        throw ParameterError("lambda must be a positive finite number, but got " + std::to_string(lambda));
}

// What one proximal pass produced.
struct ProxSums {
    double l1 = 0;         // ||z||_1
    double gradDot = 0;    // <g, z - y>
    double stepNorm2 = 0;  // ||z - y||^2
    int64_t nonzero = 0;
    void add(const ProxSums& o) {
        l1 += o.l1, gradDot += o.gradDot, stepNorm2 += o.stepNorm2;
        nonzero += o.nonzero;
    }
};

// Compiled for AVX2+FMA too, picked at load time (GCC/Clang function
// multiversioning): analysis/ has no Highway. Written with the compilers'
// vector extensions (8 floats; two SSE halves in the default clone), as the
// auto-vectorizer leaves the soft threshold's select scalar; __builtin_bit_cast
// (not std::bit_cast, a call returning a vector: -Wpsabi). Never -march=native.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__SANITIZE_THREAD__)
#define TCONV_PROX_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define TCONV_PROX_CLONES
#endif

using Float8 = float __attribute__((vector_size(32)));
using Int8 = int32_t __attribute__((vector_size(32)));

// One row of the proximal step, in place: gz holds the gradient g on entry
// and z = soft(y - g / L, 1 / L) on return, y = x + beta (x - xPrev) computed
// per element (never stored). Float lanes (8, rounding ~1e-6 relative over a
// row), then double sums per row.
TCONV_PROX_CLONES
ProxSums proximalRow(const float* x, const float* xPrev, float* gz, int64_t count, float beta, float step) {
    constexpr int32_t kAbs = 0x7fffffff, kSign = INT32_MIN;
    Float8 l1 = {}, gradDot = {}, stepNorm2 = {};
    Int8 nonzero = {};
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) {
        Float8 xv, pv, g;
        std::memcpy(&xv, x + i, sizeof xv);
        std::memcpy(&pv, xPrev + i, sizeof pv);
        std::memcpy(&g, gz + i, sizeof g);
        const Float8 y = xv + beta * (xv - pv);
        const Float8 v = y - step * g;
        const Int8 vBits = __builtin_bit_cast(Int8, v);
        const Float8 a = __builtin_bit_cast(Float8, vBits & kAbs) - step;  // |v| - 1/L
        const Int8 keep = a > 0.0f;                                        // -1 where z != 0
        const Int8 aKept = __builtin_bit_cast(Int8, a) & keep;
        const Float8 z = __builtin_bit_cast(Float8, aKept | (vBits & kSign & keep));
        std::memcpy(gz + i, &z, sizeof z);
        const Float8 d = z - y;
        l1 += __builtin_bit_cast(Float8, aKept);
        gradDot += g * d;
        stepNorm2 += d * d;
        nonzero -= keep;
    }
    ProxSums s;
    for (int lane = 0; lane < 8; ++lane) {
        s.l1 += l1[lane], s.gradDot += gradDot[lane], s.stepNorm2 += stepNorm2[lane];
        s.nonzero += nonzero[lane];
    }
    for (; i < count; ++i) {
        const float y = x[i] + beta * (x[i] - xPrev[i]);
        const float g = gz[i];
        const float v = y - step * g;
        const float a = std::fabs(v) - step;
        const float zi = a > 0.0f ? std::copysign(a, v) : 0.0f;
        gz[i] = zi;
        const double d = double(zi) - y;
        s.l1 += std::fabs(zi), s.gradDot += g * d, s.stepNorm2 += d * d;
        s.nonzero += zi != 0.0f;
    }
    return s;
}

// Sum of squares of one row: float lanes, then double.
TCONV_PROX_CLONES
double squaresRow(const float* v, int64_t count) {
    Float8 acc = {};
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) {
        Float8 x;
        std::memcpy(&x, v + i, sizeof x);
        acc += x * x;
    }
    double s = 0;
    for (int lane = 0; lane < 8; ++lane) s += acc[lane];
    for (; i < count; ++i) s += double(v[i]) * v[i];
    return s;
}

// The gradient conv2d with the proximal step fused into its write-out:
// z = soft(y - grad / L, 1 / L) for y = x + beta (x - xPrev), grad =
// A^T residual. The gradient only ever exists in cache, band by band; each
// row's sums land in their own slot and are added in row order, so the
// totals do not depend on threading or on how the backend cuts its bands.
class FusedProximal {
public:
    FusedProximal(const Tensor& filters, const Shape4& mapShape)
        : layer_(deconvAnalysisLayer(filters)), rows_(mapShape.c * mapShape.h), height_(mapShape.h) {}

    ProxSums run(const Tensor& residual, const Tensor& x, const Tensor& xPrev, double beta, double L, Backend& backend,
                 Tensor& z) {
        const float b = static_cast<float>(beta), step = static_cast<float>(1.0 / L);
        const int64_t width = x.shape().w, height = height_;
        ProxSums* rows = rows_.data();
        layer_.epilogue = [&, b, step, width, height, rows](int64_t, int64_t c, int64_t y0, int64_t y1, float* out) {
            for (int64_t y = y0; y < y1; ++y) {
                const int64_t offset = (c * height + y) * width;
                rows[c * height + y] =
                    proximalRow(x.data() + offset, xPrev.data() + offset, out + (y - y0) * width, width, b, step);
            }
        };
        conv2d(residual, layer_, backend, z);
        layer_.epilogue = nullptr;
        ProxSums total;
        for (const ProxSums& r : rows_) total.add(r);
        return total;
    }

private:
    Conv2dLayer layer_;
    std::vector<ProxSums> rows_;  // one per map row (K1 * H_map)
    int64_t height_;
};

double psnrOfMse(double mse, double peak) {
    if (mse == 0) return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(peak * peak / mse);
}

// out = a + beta (a - b), image-sized.
void extrapolate(const Tensor& a, const Tensor& b, double beta, Tensor& out) {
    out.resize(a.shape());
    const float bt = static_cast<float>(beta);
    for (int64_t i = 0; i < a.size(); ++i) out.data()[i] = a.data()[i] + bt * (a.data()[i] - b.data()[i]);
}

// out = lambda * (a - b), image-sized.
void scaledResidual(const Tensor& a, const Tensor& b, double lambda, Tensor& out) {
    out.resize(a.shape());
    const float l = static_cast<float>(lambda);
    for (int64_t i = 0; i < a.size(); ++i) out.data()[i] = l * (a.data()[i] - b.data()[i]);
}

}  // namespace

ConvLayer deconvSynthesisLayer(const Tensor& filters) {
    const Shape4 f = filters.shape();
    ConvLayer layer;
    layer.params.kernel = Size2(static_cast<int>(f.h), static_cast<int>(f.w));
    layer.params.stride = Size2(1, 1);
    layer.params.padding = Size2(static_cast<int>(f.h - 1), static_cast<int>(f.w - 1));
    layer.weight = filters;
    return layer;
}

Conv2dLayer deconvAnalysisLayer(const Tensor& filters) {
    const Shape4 f = filters.shape();
    Conv2dLayer layer;
    layer.params.kernel = Size2(static_cast<int>(f.h), static_cast<int>(f.w));
    layer.params.padding = Size2(static_cast<int>(f.h - 1), static_cast<int>(f.w - 1));
    layer.weight = filters;  // (K1, K0, kh, kw) is conv2d's (C_out, C_in, kH, kW)
    return layer;
}

Conv2dLayer deconvSynthesisAsConv2d(const Tensor& filters) {
    const Shape4 f = filters.shape();
    Conv2dLayer layer;
    layer.params.kernel = Size2(static_cast<int>(f.h), static_cast<int>(f.w));
    layer.weight = Tensor(Shape4{f.c, f.n, f.h, f.w});
    for (int64_t k = 0; k < f.n; ++k)
        for (int64_t c = 0; c < f.c; ++c)
            for (int64_t y = 0; y < f.h; ++y)
                for (int64_t x = 0; x < f.w; ++x)
                    layer.weight.at(c, k, y, x) = filters.at(k, c, f.h - 1 - y, f.w - 1 - x);
    return layer;
}

Shape4 deconvMapShape(const Shape4& image, const Tensor& filters) {
    const Shape4 f = filters.shape();
    if (f.n <= 0 || f.c <= 0 || f.h <= 0 || f.w <= 0 || filters.size() != f.count())
        throw ParameterError("expected a filter bank of shape (K1, K0, kh, kw) (ConvTranspose2d layout), but got " +
                             shapeText(f));
    if (image.n != 1 || image.c <= 0 || image.h <= 0 || image.w <= 0)
        throw ParameterError("expected one image of shape (1, K0, H, W), but got " + shapeText(image));
    if (image.c != f.c)
        throw ParameterError("the filter bank " + shapeText(f) + " synthesises K0 = " + std::to_string(f.c) +
                             " channel" + (f.c == 1 ? "" : "s") + ", but the image has " + std::to_string(image.c) +
                             " (use a filter bank of shape (K1, " + std::to_string(image.c) + ", kh, kw))");
    return Shape4{1, f.n, image.h + f.h - 1, image.w + f.w - 1};
}

DeconvProvenance deconvPixelProvenance(const Tensor& maps, const Tensor& filters, int64_t c, int64_t y, int64_t x) {
    const Shape4 m = maps.shape(), f = filters.shape();
    if (f.n <= 0 || f.c <= 0 || f.h <= 0 || f.w <= 0 || m.n != 1 || m.c != f.n || m.h < f.h || m.w < f.w)
        throw ParameterError("expected maps (1, K1, H + kh - 1, W + kw - 1) for filters " + shapeText(f) +
                             ", but got maps " + shapeText(m));
    const int64_t h = m.h - f.h + 1, w = m.w - f.w + 1;
    if (c < 0 || c >= f.c || y < 0 || y >= h || x < 0 || x >= w)
        throw ParameterError("pixel (c " + std::to_string(c) + ", y " + std::to_string(y) + ", x " + std::to_string(x) +
                             ") is outside the reconstruction (" + std::to_string(f.c) + " x " + std::to_string(h) +
                             " x " + std::to_string(w) + ")");
    DeconvProvenance p;
    for (int64_t k = 0; k < f.n; ++k) {
        DeconvTerm t;
        t.map = k;
        for (int64_t ky = 0; ky < f.h; ++ky)
            for (int64_t kx = 0; kx < f.w; ++kx) {
                const float z = maps.at(0, k, y + f.h - 1 - ky, x + f.w - 1 - kx);
                t.value += double(filters.at(k, c, ky, kx)) * z;
                t.nonzeroTaps += z != 0.0f;
            }
        p.value += t.value;
        p.terms.push_back(t);
    }
    std::stable_sort(p.terms.begin(), p.terms.end(),
                     [](const DeconvTerm& a, const DeconvTerm& b) { return std::fabs(a.value) > std::fabs(b.value); });
    return p;
}

double deconvPsnr(const Tensor& a, const Tensor& b, double peak) {
    return psnrOfMse(squaredDistance(a, b) / double(std::max<int64_t>(1, a.size())), peak);
}

double nonzeroFraction(const Tensor& t) {
    int64_t n = 0;
    for (int64_t i = 0; i < t.size(); ++i) n += t.data()[i] != 0.0f;
    return t.size() > 0 ? double(n) / double(t.size()) : 0.0;
}

DeconvCost deconvCost(const Tensor& image, const Tensor& maps, const Tensor& filters, double lambda, Backend& backend,
                      Tensor* reconstruction) {
    checkLambda(lambda);
    const Shape4 mapShape = deconvMapShape(image.shape(), filters);
    if (maps.shape() != mapShape)
        throw ParameterError("expected maps of shape " + shapeText(mapShape) + " for image " +
                             shapeText(image.shape()) + " and filters " + shapeText(filters.shape()) + ", but got " +
                             shapeText(maps.shape()));
    Tensor local;
    Tensor& recon = reconstruction != nullptr ? *reconstruction : local;
    conv2d(maps, deconvSynthesisAsConv2d(filters), backend, recon);
    DeconvCost c;
    c.dataTerm = 0.5 * lambda * squaredDistance(recon, image);
    c.l1Term = l1Norm(maps);
    c.objective = c.dataTerm + c.l1Term;
    return c;
}

double deconvLipschitz(const Shape4& image, const Tensor& filters, double lambda, int iterations, uint64_t seed,
                       Backend& backend) {
    checkLambda(lambda);
    Tensor v(deconvMapShape(image, filters));
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (float& e : v.storage()) e = normal(rng);
    // v is never rescaled (a pass over the maps): A v is, by 1/||v|| (image-
    // sized), and ||A^T A v|| is summed row by row inside the adjoint's
    // write-out, in row order (independent of threading).
    const Conv2dLayer synthesis = deconvSynthesisAsConv2d(filters);
    Conv2dLayer adjoint = deconvAnalysisLayer(filters);
    const Shape4 m = v.shape();
    std::vector<double> rowSquares(static_cast<size_t>(m.c * m.h), 0.0);
    adjoint.epilogue = [&rowSquares, h = m.h, w = m.w](int64_t, int64_t c, int64_t y0, int64_t y1, float* rows) {
        for (int64_t y = y0; y < y1; ++y)
            rowSquares[static_cast<size_t>(c * h + y)] = squaresRow(rows + (y - y0) * w, w);
    };
    Tensor av, w;
    double estimate = 0;
    double norm = std::sqrt(sumSquares(v));
    for (int it = 0; it < std::max(1, iterations) && norm > 0; ++it) {
        conv2d(v, synthesis, backend, av);
        const float inv = static_cast<float>(1.0 / norm);
        for (float& e : av.storage()) e *= inv;  // A (v / ||v||)
        conv2d(av, adjoint, backend, w);
        double squares = 0;
        for (double r : rowSquares) squares += r;
        norm = std::sqrt(squares);
        estimate = norm;  // ||A^T A v|| for ||v|| = 1
        std::swap(v, w);
    }
    return lambda * estimate;
}

DeconvInference inferDeconvMaps(const Tensor& image, const Tensor& filters, const DeconvInferenceOptions& o,
                                Backend& backend, const Tensor* start) {
    checkLambda(o.lambda);
    if (o.iterations < 0) throw ParameterError("iterations must be 0 or more, but got " + std::to_string(o.iterations));
    const Shape4 mapShape = deconvMapShape(image.shape(), filters);
    if (start != nullptr && start->shape() != mapShape)
        throw ParameterError("expected starting maps of shape " + shapeText(mapShape) + ", but got " +
                             shapeText(start->shape()));
    const Conv2dLayer synthesis = deconvSynthesisAsConv2d(filters);
    FusedProximal proximal(filters, mapShape);

    DeconvInference result;
    Tensor x = start != nullptr ? *start : Tensor(mapShape);
    Tensor xPrev = x, z(mapShape);
    Tensor ax, axPrev, az, ay, residual;
    DeconvCost cx = deconvCost(image, x, filters, o.lambda, backend, &ax);
    axPrev = ax;
    // The spectral bound where it applies (an upper bound, at no convolution);
    // else 5% above the power iteration's estimate (which approaches ||A||^2
    // from below). Backtracking corrects what is still too small.
    // Only for images well larger than the filters: on a small image the
    // operator's norm can lie well below the whole plane's, and so a bound
    // from the spectrum would make the steps needlessly short.
    const Shape4 fs = filters.shape(), is = image.shape();
    const bool spectral = o.spectralBound && fs.c == 1 && is.h >= 8 * fs.h && is.w >= 8 * fs.w;
    double L = spectral ? deconvSpectralLipschitz(filters, o.lambda)
                        : 1.05 * deconvLipschitz(image.shape(), filters, o.lambda, o.powerIterations, o.seed, backend);
    if (!(L > 0)) L = 1.0;
    double t = 1.0;
    const double mapCount = double(x.size());
    int64_t nonzero = 0;
    for (int64_t i = 0; i < x.size(); ++i) nonzero += x.data()[i] != 0.0f;

    int it = 0;
    for (; it < o.iterations; ++it) {
        const double tNext = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * t * t));
        double beta = (t - 1.0) / tNext;
        bool restarted = false;
        DeconvCost cz;
        ProxSums sums;
        for (;;) {  // at most twice: with momentum, then (if the cost rose) without
            extrapolate(ax, axPrev, beta, ay);
            scaledResidual(ay, image, o.lambda, residual);
            const double fy = 0.5 * o.lambda * squaredDistance(ay, image);
            for (int tries = 0;; ++tries) {  // backtracking on L (rare: each retry recomputes the gradient)
                sums = proximal.run(residual, x, xPrev, beta, L, backend, z);
                conv2d(z, synthesis, backend, az);
                cz.dataTerm = 0.5 * o.lambda * squaredDistance(az, image);
                const double model = fy + sums.gradDot + 0.5 * L * sums.stepNorm2;
                if (cz.dataTerm <= model * (1 + 1e-6) + 1e-12 || tries >= 40) break;
                L *= 2.0;
            }
            cz.l1Term = sums.l1;
            cz.objective = cz.dataTerm + cz.l1Term;
            if (cz.objective <= cx.objective || beta == 0.0) break;
            beta = 0.0;  // restart: a plain proximal step from x, which cannot raise the cost
            restarted = true;
        }
        if (restarted) t = 1.0;
        else t = tNext;
        if (cz.objective > cx.objective) {
            // Only reachable through float rounding at convergence: keep x.
            cz = cx;
        } else {
            std::swap(xPrev, x);
            std::swap(x, z);  // x = candidate, z = the old xPrev (overwritten next time)
            std::swap(axPrev, ax);
            std::swap(ax, az);
            cx = cz;
            nonzero = sums.nonzero;
        }
        DeconvIteration rec;
        rec.iteration = it + 1;
        rec.cost = cx;
        rec.psnr = psnrOfMse(2.0 * cx.dataTerm / o.lambda / double(image.size()), o.peak);
        rec.nonzeroFraction = double(nonzero) / mapCount;
        rec.lipschitz = L;
        rec.restarted = restarted;
        rec.maps = &x;
        rec.reconstruction = &ax;
        result.history.push_back(rec);
        if (o.progress && !o.progress(rec)) {
            ++it;
            break;
        }
    }
    result.maps = std::move(x);
    result.reconstruction = std::move(ax);
    result.cost = cx;
    result.psnr = deconvPsnr(result.reconstruction, image, o.peak);
    result.nonzeroFraction = double(nonzero) / mapCount;
    result.iterations = it;
    result.lipschitz = L;
    return result;
}

}  // namespace tconv
