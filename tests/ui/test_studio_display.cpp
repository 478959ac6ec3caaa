// SPDX-License-Identifier: MIT
// Zoomed-out views must not show frequencies that are not in the data: they
// reduce the values (area averages) and colour after. Drawn through the real
// ImageView paint path (grab()), offscreen.
#include <QSemaphore>
#include <QtTest/QtTest>
#include <atomic>
#include <cmath>
#include <random>
#include <complex>
#include <vector>

#include "compute/BlockMeans.h"
#include "compute/ComputePipeline.h"
#include "PipelineTestUtil.h"
#include "StudioTestUtil.h"
#include "views/ColorLut.h"
#include "views/DisplayImage.h"
#include "views/ImageView.h"
#include "views/ValuePyramid.h"
#include "views/ViewSync.h"
#include "analysis/GainMap.h"
#include "analysis/ResizeConv.h"
#include "backends/BackendFactory.h"
#include "core/ConvTranspose.h"

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
    view.grab();  // a large photo's finer levels are requested from the view's worker...
    QDeadlineTimer deadline(20000);
    while (view.tiles().busy() && !deadline.hasExpired()) QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    const QImage all = view.grab().toImage().convertToFormat(QImage::Format_RGB32);  // ...and drawn once there
    const QPointF a = view.widgetPosOfWorld(QPointF(0, 0)),
                  b = view.widgetPosOfWorld(QPointF(img.size().width(), img.size().height()));
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
        for (int x = 0; x < n; ++x) acc += double(qGreen(img.pixel(x, y))) * std::polar(1.0, -2.0 * M_PI * k * x / n);
        power[size_t(k)] = std::norm(acc);
    }
    return power;
}

// Means of `t`'s plane c over b x b cells (clipped at the edges), the
// definition BlockMeans must meet.
std::vector<float> bruteMeans(const Tensor& t, int b) {
    const Shape4 s = t.shape();
    const int64_t ch = (s.h + b - 1) / b, cw = (s.w + b - 1) / b;
    std::vector<float> out(size_t(s.c * ch * cw));
    for (int64_t c = 0; c < s.c; ++c)
        for (int64_t j = 0; j < ch; ++j)
            for (int64_t i = 0; i < cw; ++i) {
                double sum = 0;
                int n = 0;
                for (int64_t y = j * b; y < std::min<int64_t>(s.h, (j + 1) * b); ++y)
                    for (int64_t x = i * b; x < std::min<int64_t>(s.w, (i + 1) * b); ++x, ++n) sum += t.at(0, c, y, x);
                out[size_t((c * ch + j) * cw + i)] = float(sum / n);
            }
    return out;
}

float maxDifference(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) return INFINITY;
    float d = 0;
    for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
    return d;
}

ConvParams geometry(int k, int s, int p, int q, int d) {
    ConvParams g;
    g.kernel = Size2(k);
    g.stride = Size2(s);
    g.padding = Size2(p);
    g.outputPadding = Size2(q);
    g.dilation = Size2(d);
    return g;
}

// A layer's output as the display levels show it: levels from the source only.
MipImage levelsOnly(std::shared_ptr<const BlockMeans> means, int stored) {
    MipImage m;
    m.fullSize = QSize(int(means->outW()), int(means->outH()));
    m.mapping = {PixelMapping::Kind::Tone, 0.0f, 4.0f};
    m.levels = {QImage()};
    m.values = ValuePyramid::fromSource(
        int(means->outH()), int(means->outW()), 1, stored,
        [means](int level, const QRect& r, std::vector<float>& v) { means->compute(1 << level, r, v); });
    return m;
}

}  // namespace

class TestStudioDisplay : public QObject {
    Q_OBJECT
private slots:
    void checkerboardIsFlatBelowFullResolution();
    void pyramidLevelsAreBlockMeans();
    void unchangedMarksDoNotRepaint();
    void stripesOfPeriodTwoAreFlatBelowFullResolution();
    void periodEightAtHalfKeepsPeriodFour();
    void signedHeatmapStaysOnItsColourBar();
    void hintOnlyBelowDisplayResolution();
    void levelIsNeverFinerThanTheScreen();
    void largePhotoLevelsAreTheOutputsMeans();
    void largePhotoResizeConvAndGainFromLevels();
    void largePhotoCheckerboardIsFlatBelowFullResolution();
    void largePhotoPipelineKeepsNoFullSizeComparison();
    void largePhotoFinerLevelsAreComputedOffTheGuiThread();
    void largePhotoTileOfOlderParametersIsDropped();
    void hoverMarkerIsACrosshairOnAnyColour();
    void numbersStayInsideTheirCells();
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
            QVERIFY2(channelSpread(drawn) <= 2,
                     qPrintable(QStringLiteral("n %1 zoom %2: spread %3").arg(n).arg(zoom).arg(channelSpread(drawn))));
            QVERIFY(std::abs(qGreen(drawn.pixel(10, 10)) - 128) <= 1);
        }
    }
}

void TestStudioDisplay::stripesOfPeriodTwoAreFlatBelowFullResolution() {
    const Tensor t = greyPattern(kSize, [](int, int x) { return float(x % 2); });
    const MipImage img = mipsFromTensor(t, ToneRange{0.0f, 1.0f});
    for (double zoom : {0.9, 0.7, 0.45, 0.3})
        QVERIFY2(channelSpread(drawAt(img, zoom)) <= 2, qPrintable(QString::number(zoom)));
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

void TestStudioDisplay::pyramidLevelsAreBlockMeans() {
    // Every stored level against (a) the test's own level-by-level 2x2 halving,
    // bit for bit (an odd last row or column averaged with itself), and (b) the
    // plain mean of the full-resolution block each level pixel covers. Odd and
    // even sizes, 1 and 3 channels: build() makes two levels per pass.
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (const QSize size : {QSize(1, 1), QSize(9, 1), QSize(53, 37), QSize(64, 64), QSize(3, 65), QSize(129, 200)})
        for (const int channels : {1, 3}) {
            const int w = size.width(), h = size.height();
            std::vector<std::vector<float>> full(size_t(channels), std::vector<float>(size_t(w) * h));
            std::vector<const float*> planes;
            for (auto& p : full) {
                for (float& v : p) v = u(rng);
                planes.push_back(p.data());
            }
            const auto pyramid = ValuePyramid::build(planes, h, w);
            for (int c = 0; c < channels; ++c) {
                std::vector<float> prev = full[size_t(c)];
                int ph = h, pw = w;
                for (int level = 1; level <= pyramid->levelCount(); ++level) {
                    const int lh = (ph + 1) / 2, lw = (pw + 1) / 2;
                    QCOMPARE(pyramid->levelSize(level), QSize(lw, lh));
                    std::vector<float> next(size_t(lw) * lh);
                    for (int y = 0; y < lh; ++y)
                        for (int x = 0; x < lw; ++x) {
                            const int y0 = 2 * y, y1 = std::min(2 * y + 1, ph - 1);
                            const int x0 = 2 * x, x1 = std::min(2 * x + 1, pw - 1);
                            const auto at = [&](int yy, int xx) { return prev[size_t(yy) * pw + xx]; };
                            next[size_t(y) * lw + x] =
                                x1 > x0 ? ((at(y0, x0) + at(y0, x1)) + (at(y1, x0) + at(y1, x1))) * 0.25f
                                        : 0.5f * (at(y0, x0) + at(y1, x0));
                        }
                    const float* got = pyramid->plane(level, c);
                    for (size_t i = 0; i < next.size(); ++i)
                        QVERIFY2(
                            got[i] == next[i],
                            qPrintable(
                                QStringLiteral("%1x%2 c%3 level %4 pixel %5").arg(h).arg(w).arg(c).arg(level).arg(i)));
                    // The block mean, from full resolution (each level pixel covers 2^level x 2^level, clipped).
                    const int b = 1 << level;
                    for (int y = 0; y < lh; ++y)
                        for (int x = 0; x < lw; ++x) {
                            double sum = 0;
                            int n = 0;
                            for (int yy = y * b; yy < std::min(h, (y + 1) * b); ++yy)
                                for (int xx = x * b; xx < std::min(w, (x + 1) * b); ++xx, ++n)
                                    sum += full[size_t(c)][size_t(yy) * w + xx];
                            // Clipped blocks weight their rows unevenly (an odd edge is averaged with
                            // itself): the plain mean is exact only for whole blocks.
                            if ((y + 1) * b <= h && (x + 1) * b <= w)
                                QVERIFY(std::abs(got[size_t(y) * lw + x] - sum / n) < 1e-5);
                        }
                    prev = std::move(next);
                    ph = lh;
                    pw = lw;
                }
            }
        }
}

// Counts the paint events a widget receives.
class PaintCounter : public QObject {
public:
    int paints = 0;
    bool eventFilter(QObject*, QEvent* e) override {
        if (e->type() == QEvent::Paint) ++paints;
        return false;
    }
};

void TestStudioDisplay::unchangedMarksDoNotRepaint() {
    // Every edit clears the highlights of all views: when they are already
    // clear, no view may repaint its old image beside the new job.
    ViewSync sync;
    ImageView view(&sync);
    view.resize(200, 150);
    view.setImage(mipsFromTensor(greyPattern(64, [](int y, int x) { return float((x * y) % 7) / 7.0f; }), {}));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    PaintCounter counter;
    view.installEventFilter(&counter);
    const auto settle = [] {
        for (int i = 0; i < 5; ++i) QCoreApplication::processEvents();
    };
    settle();
    counter.paints = 0;
    view.setHighlights({});
    view.setGhosts({});
    settle();
    QCOMPARE(counter.paints, 0);
    const QVector<ViewHighlight> marks{ViewHighlight{QRect(3, 4, 2, 2), Qt::red, false}};
    view.setHighlights(marks);
    settle();
    QVERIFY(counter.paints >= 1);  // a real change repaints
    counter.paints = 0;
    view.setHighlights(marks);
    view.setGhosts({});
    settle();
    QCOMPARE(counter.paints, 0);
    view.setGhosts({ViewGhost{QRectF(0, 0, 4, 4), Qt::gray, QStringLiteral("crop")}});
    settle();
    QVERIFY(counter.paints >= 1);
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
                QVERIFY2(colourDistance(drawn.pixel(x, y), divergingColor(0.0f)) <= 2,
                         qPrintable(QString::number(zoom)));
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
            QVERIFY2(best <= 2,
                     qPrintable(QStringLiteral("(%1, %2) off the colour bar by %3").arg(x).arg(y).arg(best)));
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

void TestStudioDisplay::largePhotoLevelsAreTheOutputsMeans() {
    auto cpu = createBackend(BackendKind::Cpu);
    const auto input = std::make_shared<const Tensor>(test::seededImage(23, 31, 3, 5));
    Kernel2D k(3, 3);
    for (int i = 0; i < 9; ++i) k.taps[size_t(i)] = 0.1f * float(i + 1) - 0.3f;
    for (const ConvParams& g :
         {geometry(3, 2, 1, 1, 1), geometry(3, 3, 2, 1, 2), geometry(3, 1, 0, 0, 1), geometry(3, 2, 4, 0, 1)}) {
        const ConvLayer layer = makeDepthwiseLayer(k, 3, g, {0.25f});
        const Tensor full = convTranspose2d(*input, layer, *cpu);
        const BlockMeans means(input, {layer}, full.shape().h, full.shape().w);
        for (int b : {1, 2, 4, 8, 3}) {
            std::vector<float> got;
            means.compute(b, QRect(0, 0, 1000, 1000), got);
            const float d = maxDifference(got, bruteMeans(full, b));
            QVERIFY2(d < 1e-4f,
                     qPrintable(QStringLiteral("stride %1 block %2: off by %3").arg(g.stride.h).arg(b).arg(d)));
        }
        // A region (what a view draws) is the same cells as the whole.
        std::vector<float> all, part;
        means.compute(2, QRect(0, 0, 1000, 1000), all);
        means.compute(2, QRect(3, 2, 5, 4), part);
        const int64_t cw = (full.shape().w + 1) / 2, ch = (full.shape().h + 1) / 2;
        for (int64_t c = 0; c < 3; ++c)
            for (int j = 0; j < 4; ++j)
                for (int i = 0; i < 5; ++i)
                    QCOMPARE(part[size_t((c * 4 + j) * 5 + i)], all[size_t((c * ch + j + 2) * cw + i + 3)]);
    }
    // A layer mixing channels (weight mode): 3 in, 2 out.
    ConvLayer mix;
    mix.params = geometry(4, 2, 1, 0, 1);
    mix.weight = Tensor(Shape4{3, 2, 4, 4});
    const Tensor w = test::seededImage(12, 4, 2, 9);
    std::copy(w.storage().begin(), w.storage().end(), mix.weight.storage().begin());
    mix.bias = {0.5f, -0.5f};
    const Tensor full = convTranspose2d(*input, mix, *cpu);
    const BlockMeans means(input, {mix}, full.shape().h, full.shape().w);
    std::vector<float> got;
    means.compute(4, QRect(0, 0, 1000, 1000), got);
    QVERIFY(maxDifference(got, bruteMeans(full, 4)) < 1e-4f);
}

void TestStudioDisplay::largePhotoResizeConvAndGainFromLevels() {
    auto cpu = createBackend(BackendKind::Cpu);
    const auto input = std::make_shared<const Tensor>(test::seededImage(17, 20, 3, 8));
    Kernel2D k(3, 3);
    for (int i = 0; i < 9; ++i) k.taps[size_t(i)] = 0.05f * float(i + 2);
    for (const ConvParams& g :
         {geometry(3, 2, 1, 1, 1), geometry(3, 2, 1, 0, 1), geometry(3, 3, 1, 2, 1), geometry(3, 2, 2, 1, 2)}) {
        const ConvLayer layer = makeDepthwiseLayer(k, 3, g, {0.1f});
        ConvLayer zoh;
        QVERIFY(nearestResizeConvLayer(layer, zoh));
        const Tensor full = resizeConv2d(*input, layer, ResizeConvOptions{}, *cpu);
        // With the layer's own output in the same pass, as the studio computes both.
        const BlockMeans means(input, {layer, zoh}, full.shape().h, full.shape().w);
        std::vector<float> got, own;
        means.compute(1, QRect(0, 0, 1000, 1000), {&own, &got});
        QVERIFY2(maxDifference(got, bruteMeans(full, 1)) < 1e-4f, qPrintable(QString::number(g.stride.h)));
        QVERIFY(maxDifference(own, bruteMeans(convTranspose2d(*input, layer, *cpu), 1)) < 1e-4f);
        means.compute(4, QRect(0, 0, 1000, 1000), got, 1);
        QVERIFY(maxDifference(got, bruteMeans(full, 4)) < 1e-4f);
        // The gain map A - 1 from the all-ones input's means.
        ConvLayer single = makeDepthwiseLayer(k, 1, g);
        const Tensor gain = gainMap(single, 17, 20, *cpu);
        const BlockMeans ones(nullptr, {single}, gain.shape().h, gain.shape().w, 17, 20);
        ones.compute(1, QRect(0, 0, 1000, 1000), got);
        const float inv = float(g.stride.h * g.stride.w) / k.sum();
        for (float& v : got) v = v * inv - 1.0f;
        QVERIFY(maxDifference(got, bruteMeans(gain, 1)) < 1e-4f);
    }
}

void TestStudioDisplay::largePhotoCheckerboardIsFlatBelowFullResolution() {
    // A flat input through k3 s2 p1 q1 box: a period-2 pattern of gains 1, 2, 4.
    const auto input = std::make_shared<const Tensor>(Tensor(Shape4{1, 1, 300, 300}, 1.0f));
    Kernel2D box(3, 3);
    for (float& t : box.taps) t = 1.0f;
    const ConvLayer layer = makeDepthwiseLayer(box, 1, geometry(3, 2, 1, 1, 1));
    auto means = std::make_shared<const BlockMeans>(input, std::vector<ConvLayer>{layer}, 600, 600);
    const MipImage img = levelsOnly(means, 4);  // levels 1..3 and 0 come from the source
    for (double zoom : {0.9, 0.6, 0.5, 0.3, 0.13, 0.05}) {
        const QImage drawn = drawAt(img, zoom);
        QVERIFY(drawn.width() > 10 && drawn.height() > 10);
        // The interior's area mean is 9/4 everywhere (2.25 / 4 of the tone range): structure would be an alias.
        const QImage inner = drawn.copy(drawn.rect().adjusted(6, 6, -6, -6));
        QVERIFY2(channelSpread(inner) <= 2,
                 qPrintable(QStringLiteral("zoom %1: spread %2").arg(zoom).arg(channelSpread(inner))));
        QVERIFY(std::abs(qGreen(inner.pixel(inner.width() / 2, inner.height() / 2)) - 143) <= 2);
    }
    // At 100% the source gives full resolution: the pattern (1, 2, 4 of 4) is drawn.
    QVERIFY(channelSpread(drawAt(img, 1.0)) >= 180);
}

void TestStudioDisplay::largePhotoPipelineKeepsNoFullSizeComparison() {
    // 1100 x 1000 -> 2200 x 2000 (above the display-level threshold): the
    // result, resize-conv, the gain map and the difference are levels; no
    // full-size tensor is made, not even the output (its shape is planned).
    const auto input = std::make_shared<const Tensor>(test::seededImage(1100, 1000, 3, 4));
    StudioParams p;
    ComputePipeline pipeline;
    ComputeRequest r = test::pipelineRequest(input, p);
    r.difference = true;
    const ComputeResultPtr got = test::runOne(pipeline, r);
    QVERIFY(got && got->ok);
    QCOMPARE(got->output.shape(), (Shape4{1, 3, 2200, 2000}));
    QVERIFY(got->output.empty());
    QVERIFY(got->resizeConv.empty() && got->heat.empty() && got->difference.empty());
    QVERIFY(!got->resizeImage.isNull() && !got->heatImage.isNull() && !got->differenceImage.isNull());
    QVERIFY(got->differenceRange > 0);
    // Level 0 of the resize-conv view, drawn for a visible region, is the engine's resize-conv there.
    auto cpu = createBackend(BackendKind::Cpu);
    ResizeConvOptions o;
    const Tensor reference = resizeConv2d(*input, got->problem.layer, o, *cpu);
    const QRect region(1500, 900, 40, 30);
    const QImage drawn = got->resizeImage.regionImage(region);
    QCOMPARE(drawn.size(), region.size());
    const QImage expected = tensorRegion(reference, got->tone, region);
    for (int y = 0; y < region.height(); ++y)
        for (int x = 0; x < region.width(); ++x) QVERIFY(colourDistance(drawn.pixel(x, y), expected.pixel(x, y)) <= 1);
}

namespace {

// A large photo's result view as display levels (stored level 3 of 600 x 600),
// whose source counts the calls made on the GUI thread once the view has it
// and, with `gate`, waits for the test before computing a finer level.
MipImage watchedLevels(float value, std::shared_ptr<std::atomic<int>> guiCalls, QSemaphore* gate = nullptr) {
    const auto input = std::make_shared<const Tensor>(Tensor(Shape4{1, 1, 300, 300}, value));
    Kernel2D box(3, 3);
    for (float& t : box.taps) t = 1.0f;
    const ConvLayer layer = makeDepthwiseLayer(box, 1, geometry(3, 2, 1, 1, 1));
    auto means = std::make_shared<const BlockMeans>(input, std::vector<ConvLayer>{layer}, 600, 600);
    MipImage m = levelsOnly(means, 3);
    LevelSource source = [means, guiCalls, gate](int level, const QRect& r, std::vector<float>& v) {
        if (QThread::currentThread() == QCoreApplication::instance()->thread()) ++*guiCalls;
        else if (gate) gate->acquire();
        means->compute(1 << level, r, v);
    };
    m.values = ValuePyramid::fromSource(600, 600, 1, 3, source);
    *guiCalls = 0;  // the stored level is made where the result is (the pipeline's worker)
    return m;
}

}  // namespace

void TestStudioDisplay::largePhotoFinerLevelsAreComputedOffTheGuiThread() {
    // k3 s2 p1 q1 box over a flat input: the period-2 gains 1, 2, 4 (of 4 on the tone scale) at full resolution.
    auto guiCalls = std::make_shared<std::atomic<int>>(0);
    const MipImage img = watchedLevels(1.0f, guiCalls);
    ViewSync sync;
    ImageView view(&sync);
    view.resize(160, 120);
    view.setImage(img);
    sync.setWorldSize(QSizeF(img.size()));
    sync.setView(1.0, QPointF(300, 300));  // full resolution: level 0, which only the source has
    const QImage first = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
    QCOMPARE(guiCalls->load(), 0);
    QVERIFY(view.tiles().busy() || view.tiles().patchCount() == 1);
    // Meanwhile the stored level is drawn, magnified: the flat area mean 9/4, no invented pattern.
    const QImage inner = first.copy(first.rect().adjusted(8, 8, -8, -8));
    if (view.tiles().patchCount() == 0)
        QVERIFY2(channelSpread(inner) <= 2, qPrintable(QString::number(channelSpread(inner))));
    QTRY_VERIFY(!view.tiles().busy());
    QCOMPARE(view.tiles().patchCount(), 1);
    const QImage fine = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
    QVERIFY(channelSpread(fine.copy(fine.rect().adjusted(8, 8, -8, -8))) >= 180);  // the pattern itself
    // Panning a little stays inside the patch (it has a margin): nothing new is asked for.
    const int asked = view.tiles().requestsStarted();
    sync.setView(1.0, QPointF(310, 305));
    view.grab();
    QCOMPARE(view.tiles().requestsStarted(), asked);
    // Zoomed out to a level between full resolution and the stored one: also the worker's.
    sync.setView(0.5, QPointF(300, 300));
    view.grab();
    QTRY_VERIFY(!view.tiles().busy());
    view.grab();
    QCOMPARE(guiCalls->load(), 0);
    QVERIFY(view.tiles().requestsStarted() > asked);
}

void TestStudioDisplay::largePhotoTileOfOlderParametersIsDropped() {
    auto guiCalls = std::make_shared<std::atomic<int>>(0);
    QSemaphore gate;
    const MipImage older = watchedLevels(1.0f, guiCalls, &gate);
    const MipImage newer = watchedLevels(0.0f, guiCalls);  // a flat 0: black everywhere at full resolution
    ViewSync sync;
    ImageView view(&sync);
    view.resize(160, 120);
    view.setImage(older);
    sync.setWorldSize(QSizeF(older.size()));
    sync.setView(2.0, QPointF(300, 300));
    view.grab();  // the older result's full-resolution patch: its worker waits at the gate
    QVERIFY(view.tiles().busy());
    view.setImage(newer);  // new parameters arrive while it runs
    view.grab();           // the newer result's patch is queued behind it
    gate.release(4);
    QTRY_VERIFY(!view.tiles().busy());
    // Only the newer patch is kept and drawn: the older one (values 1..4) was dropped when it ended.
    QCOMPARE(view.tiles().patchCount(), 1);
    QVERIFY(!view.tiles().find(older.values.get(), 0, QRect(290, 290, 4, 4)));
    QVERIFY(view.tiles().find(newer.values.get(), 0, QRect(290, 290, 4, 4)));
    const QImage drawn = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
    const QImage inner = drawn.copy(drawn.rect().adjusted(8, 8, -8, -8));
    QCOMPARE(channelSpread(inner), 0);
    QVERIFY(qGreen(inner.pixel(10, 10)) < 5);
    QCOMPARE(guiCalls->load(), 0);
}

void TestStudioDisplay::hoverMarkerIsACrosshairOnAnyColour() {
    for (float value : {0.0f, 1.0f}) {
        ViewSync sync;
        ImageView view(&sync);
        view.resize(200, 200);
        const Tensor t = greyPattern(400, [value](int, int) { return value; });
        view.setImage(mipsFromTensor(t, ToneRange{}));
        sync.setWorldSize(QSizeF(400, 400));
        sync.setView(0.25, QPointF(200, 200));  // a pixel is a quarter of a screen pixel
        view.setHighlights({{QRect(200, 200, 1, 1), QColor(0, 200, 255), false}});
        const QImage img = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
        const QPointF c = view.widgetPosOfWorld(QPointF(200.5, 200.5));
        // Light and dark strokes both, reaching well beyond the pixel (a dot would not).
        int light = 0, dark = 0;
        for (int d = 8; d <= 16; ++d)
            for (const QPoint q : {QPoint(int(c.x()) + d, int(c.y())), QPoint(int(c.x()), int(c.y()) - d)})
                for (int e = -3; e <= 3; ++e) {
                    const QRgb px = img.pixel(q + (q.y() == int(c.y()) ? QPoint(0, e) : QPoint(e, 0)));
                    light += qGray(px) > 220;
                    dark += qGray(px) < 40;
                }
        QVERIFY2(light > 10 && (value == 0.0f || dark > 10),
                 qPrintable(QStringLiteral("on %1: light %2 dark %3").arg(value).arg(light).arg(dark)));
        if (value == 1.0f) QVERIFY(dark > 10);
    }
}

void TestStudioDisplay::numbersStayInsideTheirCells() {
    // Three cells in a row: 0, a long value, 0. Drawn at 32 px per cell, the
    // middle number must not spill into its neighbours (they show only their "0").
    ViewSync sync;
    ImageView view(&sync);
    view.resize(200, 80);
    auto t = std::make_shared<Tensor>(Shape4{1, 1, 1, 3});
    t->at(0, 0, 0, 1) = -0.000123456f;
    view.setImage(makeMips(tensorToImage(*t, ToneRange{})));
    view.setValues(t);
    view.setShowValues(true);
    view.setShowGrid(false);
    sync.setWorldSize(QSizeF(3, 1));
    sync.setView(32.0, QPointF(1.5, 0.5));
    const QImage img = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
    const QPointF a = view.widgetPosOfWorld(QPointF(0, 0));
    // The outer quarter of each neighbour next to the middle cell: background only.
    for (int y = int(a.y()) + 3; y < int(a.y()) + 29; ++y)
        for (int x : {int(a.x()) + 25, int(a.x()) + 30, int(a.x()) + 66, int(a.x()) + 71})
            QVERIFY2(qGray(img.pixel(x, y)) < 60, qPrintable(QStringLiteral("text at (%1, %2)").arg(x).arg(y)));
}

QTEST_MAIN(TestStudioDisplay)
#include "test_studio_display.moc"
