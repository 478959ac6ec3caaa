// Zoomed-out views must not show frequencies that are not in the data: they
// reduce the values (area averages) and colour after. Drawn through the real
// ImageView paint path (grab()), offscreen.
#include <QtTest/QtTest>
#include <cmath>
#include <complex>
#include <vector>

#include "views/ColorLut.h"
#include "views/DisplayImage.h"
#include "views/ImageView.h"
#include "views/ViewSync.h"

using namespace tconv;
using namespace tconv::ui;

namespace {

constexpr int kSize = 512;

// A grey (1, 1, n, n) tensor of f(y, x).
template <typename F>
Tensor greyPattern(int n, F f) {
    Tensor t(Shape4{1, 1, n, n});
    for (int y = 0; y < n; ++y)
        for (int x = 0; x < n; ++x) t.at(0, 0, y, x) = f(y, x);
    return t;
}

// The view at `zoom` centred on the image, grabbed; the part inside the image.
QImage drawAt(const MipImage& img, double zoom) {
    ViewSync sync;
    ImageView view(&sync);
    view.resize(320, 240);
    view.setImage(img);
    sync.setWorldSize(QSizeF(img.size()));
    sync.setView(zoom, QPointF(img.size().width() / 2.0, img.size().height() / 2.0));
    const QImage all = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
    const QPointF a = view.widgetPosOfWorld(QPointF(0, 0)), b = view.widgetPosOfWorld(QPointF(img.size().width(), img.size().height()));
    const QRect inside = QRect(QPoint(int(std::ceil(a.x())) + 2, int(std::ceil(a.y())) + 2),
                               QPoint(int(std::floor(b.x())) - 3, int(std::floor(b.y())) - 3))
                             .intersected(all.rect().adjusted(2, 2, -2, -2));
    return all.copy(inside);
}

int channelSpread(const QImage& img) {
    int lo = 255, hi = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QRgb p = img.pixel(x, y);
            for (int v : {qRed(p), qGreen(p), qBlue(p)}) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
    return hi - lo;
}

int colourDistance(QRgb a, QRgb b) {
    return std::max({std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)), std::abs(qBlue(a) - qBlue(b))});
}

// |DFT|^2 of the green channel of one row, n samples from x = 0.
std::vector<double> rowPower(const QImage& img, int y, int n) {
    std::vector<double> power(static_cast<size_t>(n));
    for (int k = 0; k < n; ++k) {
        std::complex<double> acc;
        for (int x = 0; x < n; ++x)
            acc += double(qGreen(img.pixel(x, y))) * std::polar(1.0, -2.0 * M_PI * k * x / n);
        power[size_t(k)] = std::norm(acc);
    }
    return power;
}

}  // namespace

class TestStudioDisplay : public QObject {
    Q_OBJECT
private slots:
    void checkerboardIsFlatBelowFullResolution();
    void stripesOfPeriodTwoAreFlatBelowFullResolution();
    void periodEightAtHalfKeepsPeriodFour();
    void signedHeatmapStaysOnItsColourBar();
    void hintOnlyBelowDisplayResolution();
    void levelIsNeverFinerThanTheScreen();
};

void TestStudioDisplay::checkerboardIsFlatBelowFullResolution() {
    // Large (lazy level 0) and small (eager) images take the same reduced path.
    for (int n : {kSize, 2048}) {
        const Tensor t = greyPattern(n, [](int y, int x) { return float((x + y) % 2); });
        const MipImage img = mipsFromTensor(t, ToneRange{0.0f, 1.0f});
        for (double zoom : {0.95, 0.75, 0.6, 0.5, 0.37, 0.25, 0.13}) {
            const QImage drawn = drawAt(img, zoom);
            QVERIFY(drawn.width() > 50 && drawn.height() > 50);
            // Its area average is 0.5 everywhere: any structure is an alias.
            QVERIFY2(channelSpread(drawn) <= 2, qPrintable(QStringLiteral("n %1 zoom %2: spread %3")
                                                               .arg(n).arg(zoom).arg(channelSpread(drawn))));
            QVERIFY(std::abs(qGreen(drawn.pixel(10, 10)) - 128) <= 1);
        }
    }
}

void TestStudioDisplay::stripesOfPeriodTwoAreFlatBelowFullResolution() {
    const Tensor t = greyPattern(kSize, [](int, int x) { return float(x % 2); });
    const MipImage img = mipsFromTensor(t, ToneRange{0.0f, 1.0f});
    for (double zoom : {0.9, 0.7, 0.45, 0.3}) QVERIFY2(channelSpread(drawAt(img, zoom)) <= 2, qPrintable(QString::number(zoom)));
    // At 100% every pixel is shown: the pattern is there, full contrast.
    QVERIFY(channelSpread(drawAt(img, 1.0)) >= 250);
}

void TestStudioDisplay::periodEightAtHalfKeepsPeriodFour() {
    const Tensor t = greyPattern(kSize, [](int, int x) { return (x % 8) < 4 ? 1.0f : 0.0f; });
    const MipImage img = mipsFromTensor(t, ToneRange{0.0f, 1.0f});
    const QImage drawn = drawAt(img, 0.5);
    const int n = 128;  // a multiple of the expected period
    QVERIFY(drawn.width() >= n);
    const std::vector<double> power = rowPower(drawn, drawn.height() / 2, n);
    double ac = 0, atPeriod4 = 0;
    for (int k = 1; k < n; ++k) {
        ac += power[size_t(k)];
        if (k % (n / 4) == 0) atPeriod4 += power[size_t(k)];
    }
    QVERIFY(ac > 0);
    // All variation is at period 4 (bins n/4 and 3n/4): no other frequency appears.
    QVERIFY2(atPeriod4 / ac > 0.999, qPrintable(QString::number(atPeriod4 / ac)));
    QVERIFY(channelSpread(drawn) >= 250);  // the pattern survives, not blurred away
}

void TestStudioDisplay::signedHeatmapStaysOnItsColourBar() {
    // A +/- checkerboard of the signed gain map: reduced, it is 0, the neutral colour.
    std::vector<float> plane(size_t(kSize) * kSize);
    for (int y = 0; y < kSize; ++y)
        for (int x = 0; x < kSize; ++x) plane[size_t(y) * kSize + x] = (x + y) % 2 ? 0.3f : -0.3f;
    const MipImage board = mipsFromPlane(plane.data(), kSize, kSize, true, -0.5f, 0.5f);
    for (double zoom : {0.8, 0.5, 0.3}) {
        const QImage drawn = drawAt(board, zoom);
        for (int y = 0; y < drawn.height(); y += 7)
            for (int x = 0; x < drawn.width(); x += 7)
                QVERIFY2(colourDistance(drawn.pixel(x, y), divergingColor(0.0f)) <= 2, qPrintable(QString::number(zoom)));
    }
    // Any signed field: every drawn colour is one of the colour bar's.
    uint64_t s = 7;
    for (float& v : plane) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        v = float((s >> 40) & 0xffff) / 65535.0f - 0.5f;
    }
    const MipImage noise = mipsFromPlane(plane.data(), kSize, kSize, true, -0.5f, 0.5f);
    const QImage drawn = drawAt(noise, 0.6);
    const QRgb* lut = divergingLut();
    for (int y = 0; y < drawn.height(); y += 3)
        for (int x = 0; x < drawn.width(); x += 3) {
            int best = 255;
            for (int i = 0; i < 256; ++i) best = std::min(best, colourDistance(drawn.pixel(x, y), lut[i]));
            QVERIFY2(best <= 2, qPrintable(QStringLiteral("(%1, %2) off the colour bar by %3").arg(x).arg(y).arg(best)));
        }
}

void TestStudioDisplay::hintOnlyBelowDisplayResolution() {
    ViewSync sync;
    ImageView view(&sync);
    view.resize(200, 150);
    const Tensor t = greyPattern(64, [](int y, int x) { return float((x + y) % 2); });
    view.setImage(mipsFromTensor(t, ToneRange{}));
    view.setMinifiedHint(QStringLiteral("zoom ≥ 100% to see the 2 × 2 pattern"));
    sync.setView(0.75, QPointF(32, 32));
    QVERIFY(view.belowDisplayResolution());
    sync.setView(1.0, QPointF(32, 32));
    QVERIFY(!view.belowDisplayResolution());
    // The Input view's pixels span several output pixels: 0.5 x 2 is full resolution.
    view.setImage(mipsFromTensor(t, ToneRange{}), QSizeF(2, 2));
    sync.setView(0.5, QPointF(64, 64));
    QVERIFY(!view.belowDisplayResolution());
}

void TestStudioDisplay::levelIsNeverFinerThanTheScreen() {
    const Tensor t = greyPattern(1000, [](int, int) { return 0.0f; });
    const MipImage img = mipsFromTensor(t, ToneRange{});
    QCOMPARE(img.levelFor(1.0), 0);
    QCOMPARE(img.levelFor(3.0), 0);
    QCOMPARE(img.levelFor(0.99), 1);
    QCOMPARE(img.levelFor(0.5), 1);
    QCOMPARE(img.levelFor(0.49), 2);
    QCOMPARE(img.levelFor(0.25), 2);
    QCOMPARE(img.levelFor(1e-6), img.levelCount());
    QCOMPARE(img.levelCount(), 7);  // 500, 250, 125, 63, 32, 16, 8
}

QTEST_MAIN(TestStudioDisplay)
#include "test_studio_display.moc"
