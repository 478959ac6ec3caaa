// SPDX-License-Identifier: MIT
// Kernel presets: exact taps for small hand-checked cases, the sum rule,
// determinism of the seeded random preset, and the refusals.
#include <QtTest>

#include <cmath>

#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/KernelPresets.h"

using namespace tconv;

namespace {

Kernel2D make(KernelPreset p, Size2 stride, std::optional<Size2> size = std::nullopt, double sigma = 1.0,
              uint64_t seed = 0) {
    PresetOptions o;
    o.stride = stride;
    o.size = size;
    o.sigma = sigma;
    o.seed = seed;
    return makePresetKernel(p, o);
}

Kernel2D outerOf(const std::vector<double>& r, const std::vector<double>& c) {
    Kernel2D k(int(r.size()), int(c.size()));
    for (int y = 0; y < k.h; ++y)
        for (int x = 0; x < k.w; ++x) k.at(y, x) = float(r[size_t(y)] * c[size_t(x)]);
    return k;
}

void compareKernels(const Kernel2D& got, const Kernel2D& want, double tol) {
    QCOMPARE(got.h, want.h);
    QCOMPARE(got.w, want.w);
    for (int y = 0; y < got.h; ++y)
        for (int x = 0; x < got.w; ++x)
            QVERIFY2(
                std::abs(got.at(y, x) - want.at(y, x)) <= tol,
                qPrintable(QString("tap (%1,%2): got %3, want %4").arg(y).arg(x).arg(got.at(y, x)).arg(want.at(y, x))));
}

// splitmix64 written out again from its published definition, so the test
// pins the random preset to that generator (identical on every platform).
uint64_t splitmix(uint64_t& s) {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

}  // namespace

class TestPresets : public QObject {
    Q_OBJECT
private slots:
    void namesRoundTrip();
    void naturalSizes();
    void bilinearStride2IsTheTent();
    void bilinearStride3AndAnisotropic();
    void bilinearOtherSize();
    void nearestIsOnes();
    void nearestRefusesOtherSizes();
    void boxScaledToStrideArea();
    void gaussianSymmetricAndNormalized();
    void gaussianRefusesBadSigma();
    void randomDeterministic();
    void randomMatchesSplitmix64();
    void everyPresetSumsToStrideArea_data();
    void everyPresetSumsToStrideArea();
    void refusesBadSizes();
    void normalizeKernelSumScales();
};

void TestPresets::namesRoundTrip() {
    QCOMPARE(presetNames().size(), size_t(5));
    for (const std::string& n : presetNames()) {
        const auto p = parseKernelPreset(n);
        QVERIFY(p.has_value());
        QCOMPARE(std::string(presetName(*p)), n);
    }
    QVERIFY(!parseKernelPreset("Bilinear").has_value());
    QVERIFY(!parseKernelPreset("").has_value());
    QVERIFY(!parseKernelPreset("nosuch").has_value());
}

void TestPresets::naturalSizes() {
    QCOMPARE(naturalKernelSize(KernelPreset::Nearest, Size2(3, 2)), Size2(3, 2));
    QCOMPARE(naturalKernelSize(KernelPreset::Box, Size2(2)), Size2(2));
    QCOMPARE(naturalKernelSize(KernelPreset::Bilinear, Size2(3, 2)), Size2(6, 4));
    QCOMPARE(naturalKernelSize(KernelPreset::Gaussian, Size2(2)), Size2(5));
    QCOMPARE(naturalKernelSize(KernelPreset::Random, Size2(4)), Size2(3));
}

void TestPresets::bilinearStride2IsTheTent() {
    // 1 - |x - 1.5| / 2 = [0.25, 0.75, 0.75, 0.25]; the outer product already sums to 4.
    const Kernel2D k = make(KernelPreset::Bilinear, Size2(2));
    compareKernels(k, outerOf({0.25, 0.75, 0.75, 0.25}, {0.25, 0.75, 0.75, 0.25}), 0.0);
    QCOMPARE(k.at(0, 0), 0.0625f);
    QCOMPARE(k.at(1, 2), 0.5625f);
    QCOMPARE(k.sum(), 4.0);
}

void TestPresets::bilinearStride3AndAnisotropic() {
    const std::vector<double> t3{1 / 6.0, 0.5, 5 / 6.0, 5 / 6.0, 0.5, 1 / 6.0};
    compareKernels(make(KernelPreset::Bilinear, Size2(3)), outerOf(t3, t3), 1e-6);
    // Height first: stride 3x2 gives a 6x4 kernel.
    const Kernel2D k = make(KernelPreset::Bilinear, Size2(3, 2));
    compareKernels(k, outerOf(t3, {0.25, 0.75, 0.75, 0.25}), 1e-6);
    QVERIFY(std::abs(k.sum() - 6.0) < 1e-5);
}

void TestPresets::bilinearOtherSize() {
    // k=3, s=2: centre 1, taps 1 - |x-1|/2 = [0.5, 1, 0.5], sums 2 per axis -> 4.
    compareKernels(make(KernelPreset::Bilinear, Size2(2), Size2(3)), outerOf({0.5, 1, 0.5}, {0.5, 1, 0.5}), 0.0);
    // k=1: a single tap carrying the whole sum.
    const Kernel2D one = make(KernelPreset::Bilinear, Size2(2), Size2(1));
    QCOMPARE(one.taps, std::vector<float>{4.0f});
}

void TestPresets::nearestIsOnes() {
    const Kernel2D k = make(KernelPreset::Nearest, Size2(3));
    QCOMPARE(k.h, 3);
    QCOMPARE(k.w, 3);
    QCOMPARE(k.taps, std::vector<float>(9, 1.0f));
    const Kernel2D a = make(KernelPreset::Nearest, Size2(1, 4));
    QCOMPARE(a.taps, std::vector<float>(4, 1.0f));
    QCOMPARE(make(KernelPreset::Nearest, Size2(2), Size2(2)).taps, std::vector<float>(4, 1.0f));
}

void TestPresets::nearestRefusesOtherSizes() {
    try {
        make(KernelPreset::Nearest, Size2(2), Size2(3));
        QFAIL("nearest accepted size 3 with stride 2");
    } catch (const ParameterError& e) {
        QVERIFY2(QString(e.what()).contains("stride") && QString(e.what()).contains("3"), e.what());
    }
}

void TestPresets::boxScaledToStrideArea() {
    QCOMPARE(make(KernelPreset::Box, Size2(2)).taps, std::vector<float>(4, 1.0f));
    const Kernel2D k = make(KernelPreset::Box, Size2(2), Size2(3));
    QCOMPARE(k.taps.size(), size_t(9));
    for (float t : k.taps) QCOMPARE(t, float(4.0 / 9.0));
}

void TestPresets::gaussianSymmetricAndNormalized() {
    const Kernel2D k = make(KernelPreset::Gaussian, Size2(2), std::nullopt, 1.0);
    QCOMPARE(k.h, 5);
    QCOMPARE(k.w, 5);
    QVERIFY(std::abs(k.sum() - 4.0) < 1e-5);
    for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 5; ++x) {
            QCOMPARE(k.at(y, x), k.at(x, y));
            QCOMPARE(k.at(y, x), k.at(4 - y, x));
            QCOMPARE(k.at(y, x), k.at(y, 4 - x));
            QVERIFY(k.at(y, x) <= k.at(2, 2));
        }
    // Per axis exp(-d^2 / (2 sigma^2)): centre over its neighbour is e^(1/2).
    QVERIFY(std::abs(k.at(2, 2) / k.at(2, 1) - std::exp(0.5)) < 1e-5);
    // A wider sigma flattens it.
    const Kernel2D wide = make(KernelPreset::Gaussian, Size2(2), std::nullopt, 3.0);
    QVERIFY(wide.at(2, 2) / wide.at(2, 1) < k.at(2, 2) / k.at(2, 1));
    QVERIFY(std::abs(wide.at(2, 2) / wide.at(2, 1) - std::exp(1.0 / 18.0)) < 1e-5);
}

void TestPresets::gaussianRefusesBadSigma() {
    QVERIFY_THROWS_EXCEPTION(ParameterError, make(KernelPreset::Gaussian, Size2(2), std::nullopt, 0.0));
    QVERIFY_THROWS_EXCEPTION(ParameterError, make(KernelPreset::Gaussian, Size2(2), std::nullopt, -1.0));
    QVERIFY_THROWS_EXCEPTION(ParameterError, make(KernelPreset::Gaussian, Size2(2), std::nullopt, std::nan("")));
    QVERIFY_THROWS_EXCEPTION(ParameterError, make(KernelPreset::Gaussian, Size2(2), std::nullopt, INFINITY));
}

void TestPresets::randomDeterministic() {
    const Kernel2D a = make(KernelPreset::Random, Size2(2), std::nullopt, 1.0, 42);
    const Kernel2D b = make(KernelPreset::Random, Size2(2), std::nullopt, 1.0, 42);
    const Kernel2D c = make(KernelPreset::Random, Size2(2), std::nullopt, 1.0, 43);
    QCOMPARE(a.h, 3);
    QCOMPARE(a.w, 3);
    QCOMPARE(a.taps, b.taps);
    QVERIFY(a.taps != c.taps);
    QVERIFY(std::abs(a.sum() - 4.0) < 1e-5);
    for (float t : a.taps) QVERIFY(t >= 0);
    // Not constant: a random kernel has distinct taps.
    QVERIFY(*std::min_element(a.taps.begin(), a.taps.end()) < *std::max_element(a.taps.begin(), a.taps.end()));
}

void TestPresets::randomMatchesSplitmix64() {
    uint64_t s = 0;
    QCOMPARE(splitmix(s), 0xE220A8397B1DCDAFull);  // the generator's published first output for seed 0
    for (uint64_t seed : {uint64_t(0), uint64_t(7), uint64_t(123456789)}) {
        uint64_t state = seed;
        std::vector<double> v(12);
        double sum = 0;
        for (double& x : v) sum += (x = double(splitmix(state) >> 11) * 0x1.0p-53);
        Kernel2D want(3, 4);
        const double scale = 6.0 / sum;
        for (size_t i = 0; i < v.size(); ++i) want.taps[i] = float(v[i] * scale);
        compareKernels(make(KernelPreset::Random, Size2(3, 2), Size2(3, 4), 1.0, seed), want, 0.0);
    }
}

void TestPresets::everyPresetSumsToStrideArea_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("sh");
    QTest::addColumn<int>("sw");
    for (const std::string& n : presetNames())
        for (auto [sh, sw] : {std::pair{1, 1}, {2, 2}, {3, 3}, {4, 2}, {1, 5}})
            QTest::newRow((n + " " + std::to_string(sh) + "x" + std::to_string(sw)).c_str())
                << QString::fromStdString(n) << sh << sw;
}

void TestPresets::everyPresetSumsToStrideArea() {
    QFETCH(QString, name);
    QFETCH(int, sh);
    QFETCH(int, sw);
    const KernelPreset p = *parseKernelPreset(name.toStdString());
    const Kernel2D k = make(p, Size2(sh, sw), std::nullopt, 1.5, 9);
    QCOMPARE(Size2(k.h, k.w), naturalKernelSize(p, Size2(sh, sw)));
    QVERIFY2(std::abs(k.sum() - sh * sw) < 1e-4 * sh * sw, qPrintable(QString::number(k.sum())));
    if (p != KernelPreset::Nearest) {  // any explicit size, odd and even
        const Kernel2D k2 = make(p, Size2(sh, sw), Size2(5, 2), 1.5, 9);
        QCOMPARE(Size2(k2.h, k2.w), Size2(5, 2));
        QVERIFY(std::abs(k2.sum() - sh * sw) < 1e-4 * sh * sw);
    }
}

void TestPresets::refusesBadSizes() {
    for (const std::string& n : presetNames()) {
        const KernelPreset p = *parseKernelPreset(n);
        QVERIFY_THROWS_EXCEPTION(ParameterError, make(p, Size2(0, 2)));
        QVERIFY_THROWS_EXCEPTION(ParameterError, make(p, Size2(2, -1)));
        QVERIFY_THROWS_EXCEPTION(ParameterError, make(p, Size2(2), Size2(0, 3)));
        QVERIFY_THROWS_EXCEPTION(ParameterError, make(p, Size2(2), Size2(3, -2)));
        // Refused before allocating 4e10 taps.
        QVERIFY_THROWS_EXCEPTION(ParameterError, make(p, Size2(2), Size2(200000)));
    }
    QVERIFY_THROWS_EXCEPTION(ParameterError, make(KernelPreset::Bilinear, Size2(100000)));
}

void TestPresets::normalizeKernelSumScales() {
    Kernel2D k(1, 3);
    k.taps = {1, 2, 1};
    normalizeKernelSum(k, 8.0);
    QCOMPARE(k.taps, (std::vector<float>{2, 4, 2}));
    Kernel2D neg(1, 2);
    neg.taps = {-1, -1};
    normalizeKernelSum(neg, 4.0);
    QCOMPARE(neg.taps, (std::vector<float>{2, 2}));
    Kernel2D zero(2, 2);
    normalizeKernelSum(zero, 4.0);  // nothing to scale: left as is, no NaN
    QCOMPARE(zero.taps, std::vector<float>(4, 0.0f));
}

QTEST_APPLESS_MAIN(TestPresets)
#include "test_presets.moc"
