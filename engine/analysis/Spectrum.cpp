// SPDX-License-Identifier: MIT
#include "analysis/Spectrum.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>

#include "analysis/internal/Fft.h"
#include "analysis/internal/ParallelFor.h"
#include "core/ConvError.h"

namespace tconv {
namespace {

std::vector<double> hann(int64_t n) {
    std::vector<double> v(static_cast<size_t>(n), 1.0);
    if (n < 2) return v;
    for (int64_t i = 0; i < n; ++i)
        v[static_cast<size_t>(i)] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / (n - 1));
    return v;
}

// Signed frequency of FFT bin k of n, in cycles per pixel.
double frequency(int64_t k, int64_t n) { return static_cast<double>(k <= n / 2 ? k : k - n) / static_cast<double>(n); }

}  // namespace

Tensor grayscale(const Tensor& image) {
    const Shape4 s = image.shape();
    if (s.count() <= 0) throw ParameterError("cannot take the grayscale of an empty image " + shapeText(s));
    Tensor g(Shape4{1, 1, s.h, s.w});
    float* out = g.data();
    const int64_t n = s.h * s.w;
    if (s.c == 3 || s.c == 4) {
        const float* r = image.plane(0, 0);
        const float* gg = image.plane(0, 1);
        const float* b = image.plane(0, 2);
        for (int64_t i = 0; i < n; ++i) out[i] = 0.2126f * r[i] + 0.7152f * gg[i] + 0.0722f * b[i];
        return g;
    }
    for (int64_t c = 0; c < s.c; ++c) {
        const float* p = image.plane(0, c);
        for (int64_t i = 0; i < n; ++i) out[i] += p[i] / static_cast<float>(s.c);
    }
    return g;
}

Spectrum computeSpectrum(const float* gray, int64_t h, int64_t w, const SpectrumOptions& options) {
    if (h <= 0 || w <= 0)
        throw ParameterError("cannot take the spectrum of an empty " + std::to_string(h) + "x" + std::to_string(w) +
                             " image");
    const size_t n = static_cast<size_t>(h * w);
    double mean = 0;
    if (options.removeMean) {
        for (size_t i = 0; i < n; ++i) mean += gray[i];
        mean /= static_cast<double>(n);
    }
    const std::vector<double> wy = options.hannWindow ? hann(h) : std::vector<double>(static_cast<size_t>(h), 1.0);
    const std::vector<double> wx = options.hannWindow ? hann(w) : std::vector<double>(static_cast<size_t>(w), 1.0);
    const analysis::RealSpectrum2d f =
        analysis::fft2dReal(gray, static_cast<size_t>(h), static_cast<size_t>(w), mean, wy.data(), wx.data());

    Spectrum s;
    s.h = h;
    s.w = w;
    s.db.assign(n, 0.0f);
    s.binWidth = 1.0 / static_cast<double>(std::min(h, w));
    const size_t bins = static_cast<size_t>(std::floor(std::sqrt(0.5) / s.binWidth + 0.5)) + 1;
    std::vector<double> ringSum(bins, 0.0), ringCount(bins, 0.0);
    std::mutex ringMutex;
    const double norm = 1.0 / static_cast<double>(n);
    // Rows in parallel; each chunk sums its rings locally, then merges.
    analysis::parallelFor(0, h, 16, [&](int64_t lo, int64_t hi) {
        std::vector<double> sum(bins, 0.0), count(bins, 0.0);
        for (int64_t fy = lo; fy < hi; ++fy) {
            const double vy = frequency(fy, h);
            float* row = s.db.data() + static_cast<size_t>((fy + h / 2) % h) * static_cast<size_t>(w);
            for (int64_t fx = 0; fx < w; ++fx) {
                const double amp = std::abs(f.at(static_cast<size_t>(fy), static_cast<size_t>(fx))) * norm;
                row[(fx + w / 2) % w] = static_cast<float>(20.0 * std::log10(amp + 1e-10));
                const double vx = frequency(fx, w);
                const size_t bin =
                    std::min(bins - 1, static_cast<size_t>(std::sqrt(vy * vy + vx * vx) / s.binWidth + 0.5));
                sum[bin] += amp;
                count[bin] += 1.0;
            }
        }
        const std::lock_guard<std::mutex> lock(ringMutex);
        for (size_t b = 0; b < bins; ++b) {
            ringSum[b] += sum[b];
            ringCount[b] += count[b];
        }
    });
    s.radialDb.resize(bins);
    for (size_t b = 0; b < bins; ++b)
        s.radialDb[b] = 20.0 * std::log10((ringCount[b] > 0 ? ringSum[b] / ringCount[b] : 0.0) + 1e-10);
    const auto [mn, mx] = std::minmax_element(s.db.begin(), s.db.end());
    s.minDb = *mn;
    s.maxDb = *mx;
    return s;
}

Spectrum computeSpectrum(const Tensor& image, const SpectrumOptions& options) {
    const Tensor g = grayscale(image);
    return computeSpectrum(g.data(), g.shape().h, g.shape().w, options);
}

}  // namespace tconv
