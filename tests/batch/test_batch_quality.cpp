// SPDX-License-Identifier: MIT
// The scores of `tconv batch --evaluate` (BatchQuality.h) against independent
// implementations: PSNR against OpenCV's cv::PSNR, SSIM against a direct
// (non-separable, per-window) transcription of Wang et al. 2004 written here,
// and the degradations on exact small cases.
#include <QtTest>

#include <cmath>
#include <random>

#include "batch/BatchTestUtil.h"
#include "common/BatchQuality.h"
#include "core/ConvError.h"

#if defined(TCONV_HAVE_OPENCV)
#include <opencv2/core.hpp>
#endif

using namespace tconv;
using namespace tconv::app;
using namespace tconv::batchtest;

namespace {

float& at(Tensor& t, int64_t c, int64_t y, int64_t x) {
    const Shape4 s = t.shape();
    return t.storage()[size_t((c * s.h + y) * s.w + x)];
}
float at(const Tensor& t, int64_t c, int64_t y, int64_t x) {
    return const_cast<float&>(at(const_cast<Tensor&>(t), c, y, x));
}

// The original plus seeded noise of amplitude `noise` (may leave [0, 1]: the result is clamped).
Tensor noisy(const Tensor& t, float noise, unsigned seed) {
    Tensor out = t;
    std::mt19937 rng(seed);
    std::normal_distribution<float> n(0.0f, noise);
    for (float& v : out.storage()) v += n(rng);
    return out;
}

double clamp01(double v) { return std::min(1.0, std::max(0.0, v)); }

// SSIM as the paper writes it, window by window, in double.
double referenceSsim(const Tensor& a, const Tensor& b) {
    const Shape4 s = a.shape();
    auto lum = [&](const Tensor& t, int64_t y, int64_t x) {
        if (s.c < 3) return clamp01(at(t, 0, y, x));
        return 0.299 * clamp01(at(t, 0, y, x)) + 0.587 * clamp01(at(t, 1, y, x)) + 0.114 * clamp01(at(t, 2, y, x));
    };
    double w[11][11], total = 0;
    for (int i = 0; i < 11; ++i)
        for (int j = 0; j < 11; ++j)
            total += w[i][j] = std::exp(-((i - 5.0) * (i - 5.0) + (j - 5.0) * (j - 5.0)) / 4.5);
    const double c1 = 1e-4, c2 = 9e-4;
    double sum = 0;
    int64_t n = 0;
    for (int64_t y = 0; y + 11 <= s.h; ++y)
        for (int64_t x = 0; x + 11 <= s.w; ++x) {
            double mx = 0, my = 0;
            for (int i = 0; i < 11; ++i)
                for (int j = 0; j < 11; ++j) {
                    mx += w[i][j] / total * lum(a, y + i, x + j);
                    my += w[i][j] / total * lum(b, y + i, x + j);
                }
            double vx = 0, vy = 0, cxy = 0;
            for (int i = 0; i < 11; ++i)
                for (int j = 0; j < 11; ++j) {
                    const double dx = lum(a, y + i, x + j) - mx, dy = lum(b, y + i, x + j) - my;
                    vx += w[i][j] / total * dx * dx;
                    vy += w[i][j] / total * dy * dy;
                    cxy += w[i][j] / total * dx * dy;
                }
            sum += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
            ++n;
        }
    return sum / double(n);
}

}  // namespace

class TestBatchQuality : public QObject {
    Q_OBJECT
private slots:
    void psnrMatchesOpenCv();
    void psnrOfIdenticalIsInfinite();
    void ssimMatchesReference();
    void ssimEdgeCases();
    void cropKeepsTopLeftMultiple();
    void degradeExactCases();
    void degradeNames();
};

void TestBatchQuality::psnrMatchesOpenCv() {
#if !defined(TCONV_HAVE_OPENCV)
    QSKIP("built without OpenCV");
#else
    for (int c : {1, 3, 4}) {
        const Tensor orig = randomImage(37, 29, c, unsigned(c));
        for (float noise : {0.01f, 0.1f, 0.4f}) {
            const Tensor res = noisy(orig, noise, unsigned(c * 10) + unsigned(noise * 100));
            // OpenCV on the clamped result, as interleaved float mats.
            cv::Mat a(37, 29, CV_32FC(c)), b(37, 29, CV_32FC(c));
            for (int y = 0; y < 37; ++y)
                for (int x = 0; x < 29; ++x)
                    for (int k = 0; k < c; ++k) {
                        a.ptr<float>(y)[x * c + k] = float(clamp01(at(res, k, y, x)));
                        b.ptr<float>(y)[x * c + k] = at(orig, k, y, x);
                    }
            QVERIFY(std::abs(psnr(res, orig) - cv::PSNR(a, b, 1.0)) < 1e-6);
        }
    }
#endif
}

void TestBatchQuality::psnrOfIdenticalIsInfinite() {
    const Tensor t = randomImage(8, 8, 3, 1);
    QVERIFY(std::isinf(psnr(t, t)));
    Tensor over = t;
    for (float& v : over.storage()) v = v > 0.9f ? 5.0f : v;  // clamped back to 1 ...
    Tensor ones = t;
    for (float& v : ones.storage()) v = v > 0.9f ? 1.0f : v;
    QCOMPARE(psnr(over, ones), std::numeric_limits<double>::infinity());  // ... before scoring
    // One pixel off by 0.5 in 64 samples: MSE 0.25 / 64.
    Tensor a(Shape4{1, 1, 8, 8}), b(Shape4{1, 1, 8, 8});
    a.storage()[3] = 0.5f;
    QVERIFY(std::abs(psnr(a, b) - 10 * std::log10(64 / 0.25)) < 1e-9);
    QVERIFY_THROWS_EXCEPTION(ParameterError, psnr(a, randomImage(8, 9, 1, 2)));
}

void TestBatchQuality::ssimMatchesReference() {
    for (int c : {1, 3}) {
        const Tensor orig = randomImage(24, 31, c, unsigned(5 + c));
        for (float noise : {0.02f, 0.2f}) {
            const Tensor res = noisy(orig, noise, unsigned(c) * 7 + 3);
            const double got = ssim(res, orig), want = referenceSsim(res, orig);
            QVERIFY2(std::abs(got - want) < 1e-9, qPrintable(QString("%1 vs %2").arg(got).arg(want)));
            QVERIFY(got < 1.0);
        }
    }
}

void TestBatchQuality::ssimEdgeCases() {
    const Tensor t = randomImage(16, 16, 3, 9);
    QVERIFY(std::abs(ssim(t, t) - 1.0) < 1e-12);
    QVERIFY(std::isnan(ssim(randomImage(10, 40, 1, 1), randomImage(10, 40, 1, 2))));  // smaller than the window
    // Alpha is ignored: only luma counts.
    Tensor a = randomImage(16, 16, 4, 3), b = a;
    for (int64_t i = 0; i < 256; ++i) b.storage()[size_t(3 * 256 + i)] = 0;
    QVERIFY(std::abs(ssim(a, b) - 1.0) < 1e-12);
}

void TestBatchQuality::cropKeepsTopLeftMultiple() {
    const Tensor t = randomImage(7, 10, 2, 4);
    const Tensor c = cropToStride(t, 3, 4);
    QCOMPARE(c.shape().h, int64_t(6));
    QCOMPARE(c.shape().w, int64_t(8));
    for (int k = 0; k < 2; ++k)
        for (int y = 0; y < 6; ++y)
            for (int x = 0; x < 8; ++x) QCOMPARE(at(c, k, y, x), at(t, k, y, x));
    QVERIFY_THROWS_EXCEPTION(ParameterError, cropToStride(t, 8, 2));
}

void TestBatchQuality::degradeExactCases() {
    Tensor t(Shape4{1, 1, 4, 4});
    for (int i = 0; i < 16; ++i) t.storage()[size_t(i)] = float(i);
    const Tensor area = degrade(t, 2, 2, DegradeFilter::Area);
    QCOMPARE(area.storage(), (std::vector<float>{2.5f, 4.5f, 10.5f, 12.5f}));
    const Tensor nearest = degrade(t, 2, 2, DegradeFilter::Nearest);
    QCOMPARE(nearest.storage(), (std::vector<float>{0, 2, 8, 10}));
    // Cubic reproduces a linear ramp away from the borders: the value at the block centre.
    Tensor ramp(Shape4{1, 1, 1, 12});
    for (int x = 0; x < 12; ++x) ramp.storage()[size_t(x)] = float(x);
    const Tensor cub = degrade(ramp, 1, 3, DegradeFilter::Bicubic);
    QCOMPARE(cub.shape().w, int64_t(4));
    QVERIFY(std::abs(cub.storage()[1] - 4.0f) < 1e-5);
    QVERIFY(std::abs(cub.storage()[2] - 7.0f) < 1e-5);
    Tensor flat(Shape4{1, 2, 6, 6});
    for (float& v : flat.storage()) v = 0.25f;
    for (DegradeFilter f : {DegradeFilter::Area, DegradeFilter::Bicubic, DegradeFilter::Nearest}) {
        const Tensor d = degrade(flat, 3, 2, f);
        QCOMPARE(d.shape().h, int64_t(2));
        QCOMPARE(d.shape().w, int64_t(3));
        for (float v : d.storage()) QVERIFY2(std::abs(v - 0.25f) < 1e-6, qPrintable(QString::number(v)));
    }
}

void TestBatchQuality::degradeNames() {
    QCOMPARE(parseDegradeFilter("bicubic"), DegradeFilter::Bicubic);
    try {
        parseDegradeFilter("box");
        QFAIL("accepted 'box'");
    } catch (const ParameterError& e) {
        QVERIFY(std::string(e.what()).find("'box'") != std::string::npos);
    }
}

QTEST_APPLESS_MAIN(TestBatchQuality)
#include "test_batch_quality.moc"
