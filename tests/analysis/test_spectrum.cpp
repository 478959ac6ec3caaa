// SPDX-License-Identifier: MIT
// FFT against a direct DFT, the spectrum of a checkerboard (peaks at N/s) and
// of its repair, and the colour maps.
#include <QtTest>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>

#include "analysis/AnalysisTestUtil.h"
#include "analysis/Colormap.h"
#include "analysis/KernelRepair.h"
#include "analysis/Spectrum.h"
#include "analysis/internal/Fft.h"
#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/ReferenceConvTranspose.h"

using namespace tconv;
using namespace tconv::testutil;
using analysis::Complex;

namespace {

std::vector<Complex> dft(const std::vector<Complex>& x) {
    const size_t n = x.size();
    std::vector<Complex> X(n);
    for (size_t k = 0; k < n; ++k)
        for (size_t j = 0; j < n; ++j)
            X[k] += x[j] * std::polar(1.0, -2.0 * std::numbers::pi * double((j * k) % n) / double(n));
    return X;
}

std::vector<Complex> randomComplex(std::mt19937& rng, size_t n) {
    std::uniform_real_distribution<double> u(-1, 1);
    std::vector<Complex> v(n);
    for (auto& c : v) c = {u(rng), u(rng)};
    return v;
}

// The upsampled constant image through `kernel` (k3 s2 p1 op1 on 64x64 -> 128x128).
Tensor constantThrough(const Kernel2D& k, const ConvParams& p) {
    return referenceConvTranspose2d(Tensor(Shape4{1, 1, 64, 64}, 1.0f), makeDepthwiseLayer(k, 1, p));
}

}  // namespace

class TestSpectrum : public QObject {
    Q_OBJECT
private slots:
    void fftMatchesDft();
    void fft2dMatchesDft();
    void checkerboardPeaksAtHalfN();
    void stride4PeaksAtQuarterN();
    void grayscaleWeights();
    void colormaps();
};

void TestSpectrum::fftMatchesDft() {
    std::mt19937 rng(1);
    // Powers of two (radix-2), smooth sizes (mixed radix, factors up to 31) and
    // sizes with a large prime factor (Bluestein).
    for (size_t n : {1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 17, 30, 31, 37, 62, 64, 74, 96, 100, 127, 128, 243, 1000, 1026}) {
        std::vector<Complex> x = randomComplex(rng, n);
        const std::vector<Complex> expected = dft(x);
        const analysis::FftPlan plan(n);
        std::vector<Complex> scratch(plan.scratchSize());
        plan.forward(x.data(), scratch.data());
        double err = 0;
        for (size_t k = 0; k < n; ++k) err = std::max(err, std::abs(x[k] - expected[k]));
        QVERIFY2(err < 1e-9 * double(n), qPrintable(QString("n=%1 err=%2").arg(n).arg(err)));
    }
}

void TestSpectrum::fft2dMatchesDft() {
    std::mt19937 rng(2);
    const size_t h = 6, w = 10;
    std::vector<Complex> x = randomComplex(rng, h * w);
    std::vector<Complex> expected(h * w);
    for (size_t ky = 0; ky < h; ++ky)
        for (size_t kx = 0; kx < w; ++kx)
            for (size_t y = 0; y < h; ++y)
                for (size_t xx = 0; xx < w; ++xx)
                    expected[ky * w + kx] +=
                        x[y * w + xx] *
                        std::polar(1.0, -2.0 * std::numbers::pi * (double(ky * y) / h + double(kx * xx) / w));
    analysis::fft2d(x, h, w);
    for (size_t i = 0; i < h * w; ++i) QVERIFY(std::abs(x[i] - expected[i]) < 1e-9);
    // The real-input transform against the complex one, odd and even sizes.
    for (auto [rh, rw] : {std::pair<size_t, size_t>{6, 10}, {7, 9}, {1, 5}, {5, 1}, {16, 12}}) {
        std::uniform_real_distribution<double> u(-1, 1);
        std::vector<float> real(rh * rw);
        for (float& v : real) v = float(u(rng));
        std::vector<Complex> full(real.begin(), real.end());
        analysis::fft2d(full, rh, rw);
        const analysis::RealSpectrum2d r = analysis::fft2dReal(real.data(), rh, rw);
        for (size_t i = 0; i < rh * rw; ++i)
            QVERIFY2(std::abs(r.at(i / rw, i % rw) - full[i]) < 1e-9,
                     qPrintable(QString("%1x%2 at %3").arg(rh).arg(rw).arg(i)));
    }
}

void TestSpectrum::checkerboardPeaksAtHalfN() {
    ConvParams p;
    p.stride = Size2(2);
    p.padding = Size2(1);
    p.outputPadding = Size2(1);
    const Kernel2D box(3, 3, 1.0f);
    const Tensor out = constantThrough(box, p);
    QCOMPARE(out.shape().h, 128);
    const Spectrum s = computeSpectrum(out);
    QCOMPARE(s.h, 128);
    QCOMPARE(s.db.size(), size_t(128 * 128));
    // Away from the low frequencies (the image frame), the strongest component
    // sits at N/2 on an axis or the diagonal.
    float best = -1e9f;
    int64_t by = 0, bx = 0;
    for (int64_t fy = -64; fy < 64; ++fy)
        for (int64_t fx = -64; fx < 64; ++fx) {
            if (std::hypot(double(fy), double(fx)) < 16) continue;
            if (s.at(fy, fx) > best) best = s.at(fy, fx), by = fy, bx = fx;
        }
    QVERIFY2((std::abs(by) == 64 || by == 0) && (std::abs(bx) == 64 || bx == 0),
             qPrintable(QString("peak at (%1, %2)").arg(by).arg(bx)));
    // The radial profile peaks at bin N/2 among the high frequencies.
    QCOMPARE(s.binWidth, 1.0 / 128);
    size_t peak = 16;
    for (size_t b = 16; b < s.radialDb.size(); ++b)
        if (s.radialDb[b] > s.radialDb[peak]) peak = b;
    QVERIFY2(peak == 64 || peak == 91, qPrintable(QString("radial peak at %1").arg(peak)));
    // The zero-order-hold repair removes it (by far more than 40 dB).
    const KernelRepair r = repairKernel(box, p, RepairMethod::ZeroOrderHold);
    QVERIFY(r.ok);
    const Spectrum fixed = computeSpectrum(constantThrough(r.kernel, r.params));
    QCOMPARE(fixed.h, 128);
    QVERIFY2(fixed.at(0, 64) < s.at(0, 64) - 40, qPrintable(QString("%1 vs %2").arg(fixed.at(0, 64)).arg(s.at(0, 64))));
}

void TestSpectrum::stride4PeaksAtQuarterN() {
    ConvParams p;
    p.stride = Size2(4);
    p.padding = Size2(0);
    // 5x5 box, s = 4 on 32x32 -> 128x128 would need k = 4; use op to keep 128:
    // (32-1)*4 + 5 = 129, so take 32x32 with k5 p1 op2: 124 - 2 + 5 + 2 = 129... use 31 rows instead.
    const Tensor out =
        referenceConvTranspose2d(Tensor(Shape4{1, 1, 31, 31}, 1.0f), makeDepthwiseLayer(Kernel2D(5, 5, 1.0f), 1, p));
    QCOMPARE(out.shape().h, 125);  // not a power of two: Bluestein
    const Spectrum s = computeSpectrum(out);
    // Around frequency N/4 = 31.25 the peak stands far above the in-between band.
    float peak = -1e9f, between = -1e9f;
    for (int64_t f = 28; f <= 34; ++f) peak = std::max(peak, s.at(0, f));
    for (int64_t f = 40; f <= 54; ++f) between = std::max(between, s.at(0, f));
    QVERIFY2(peak > between + 20, qPrintable(QString("%1 vs %2").arg(peak).arg(between)));
}

void TestSpectrum::grayscaleWeights() {
    Tensor rgb(Shape4{1, 3, 1, 1});
    rgb.storage() = {1.0f, 0.0f, 0.0f};
    QVERIFY(std::abs(grayscale(rgb).data()[0] - 0.2126f) < 1e-7);
    Tensor two(Shape4{1, 2, 1, 1});
    two.storage() = {1.0f, 3.0f};
    QCOMPARE(grayscale(two).data()[0], 2.0f);
    QVERIFY_THROWS_EXCEPTION(ParameterError, computeSpectrum(nullptr, 0, 4));
}

void TestSpectrum::colormaps() {
    const Rgb lo = colormap(ColormapKind::CoolWarm, 0.0), mid = colormap(ColormapKind::CoolWarm, 0.5),
              hi = colormap(ColormapKind::CoolWarm, 1.0);
    QVERIFY(lo.b > lo.r && hi.r > hi.b);                                        // blue to red
    QVERIFY(std::abs(mid.r - mid.g) < 1e-3 && std::abs(mid.g - mid.b) < 1e-3);  // grey centre
    const Rgb v0 = colormap(ColormapKind::Viridis, 0.0), v1 = colormap(ColormapKind::Viridis, 1.0);
    QVERIFY(std::abs(v0.r - 0.267004f) < 1e-6 && std::abs(v1.g - 0.906157f) < 1e-6);
    // Viridis: luminance increases monotonically.
    double prev = -1;
    for (int i = 0; i <= 100; ++i) {
        const Rgb c = colormap(ColormapKind::Viridis, i / 100.0);
        const double y = 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
        QVERIFY(y > prev);
        prev = y;
    }
    // Clamped outside [0, 1]; NaN grey.
    const Rgb below = colormap(ColormapKind::CoolWarm, -3);
    QCOMPARE(below.r, lo.r);
    QCOMPARE(colormap(ColormapKind::Viridis, std::nan("")).g, 0.5f);
    const float values[3] = {-1, 0, 1};
    float rgb[9];
    applyColormap(ColormapKind::CoolWarm, values, 3, -1, 1, rgb);
    QCOMPARE(rgb[0], lo.r);
    QCOMPARE(rgb[3], mid.r);
    QCOMPARE(rgb[8], hi.b);
}

QTEST_APPLESS_MAIN(TestSpectrum)
#include "test_spectrum.moc"
