// SPDX-License-Identifier: MIT
// Phase-gain table and scores: hand-checked values, the interior law against a
// direct transposed convolution of a constant image, and the score formulas
// against a direct computation from the table.
#include <QtTest>

#include <cmath>
#include <functional>
#include <limits>
#include <random>

#include "analysis/AnalysisTestUtil.h"
#include "analysis/ChannelScores.h"
#include "analysis/LayerKernels.h"
#include "analysis/LayerStack.h"
#include "analysis/PhaseGain.h"
#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/KernelPresets.h"
#include "core/ReferenceConvTranspose.h"
#include "backends/BackendFactory.h"

using namespace tconv;
using namespace tconv::testutil;

class TestPhaseGain : public QObject {
    Q_OBJECT
private slots:
    void box3Stride2();
    void artifactFreeKernels_data();
    void artifactFreeKernels();
    void holes();
    void stripesAndPeriods();
    void interiorLawRandom();
    void scoresMatchDirectFormulas();
    void zeroSumKernel();
    void channelKernelSumsGroup();
    void channelLayersMatchFullLayer();
    void channelScoresOfALayer();
    void rejectsBadInput();
    void severityGrades();
    void allZeroKernelSaysSo();
    void printedNoiseIsClamped();
    void patternNames();
    // Stacks of layers (analysis/LayerStack.h)
    void stackMatchesDirectRunRandom();
    void stackHandChecked();
    void stackOfOneIsAnalyze();
    void stackEquivalentSizeRandom();
    void stackRunAndCancel();
    void stackRejectsBadInput();
};

void TestPhaseGain::box3Stride2() {
    const PhaseGainTable g = phaseGainTable(Kernel2D(3, 3, 1.0f), Size2(2), Size2(1));
    QCOMPARE(g.sh, 2);
    QCOMPARE(g.sw, 2);
    QCOMPARE(g.at(0, 0), 4.0);
    QCOMPARE(g.at(0, 1), 2.0);
    QCOMPARE(g.at(1, 0), 2.0);
    QCOMPARE(g.at(1, 1), 1.0);
    QCOMPARE(g.count(0, 0), 4);
    QCOMPARE(g.count(1, 1), 1);
    const ArtifactScores s = artifactScores(g);
    QCOMPARE(s.mean, 2.25);
    QCOMPARE(s.ratio, 4.0);
    QVERIFY(std::abs(s.cv - std::sqrt(4.75 / 4.0) / 2.25) < 1e-12);
    QVERIFY(std::abs(s.cv - 0.48) < 0.005);
    QVERIFY(std::abs(s.peakToPeak - 4.0 / 3.0) < 1e-12);
    QVERIFY(std::abs(s.cvDb - 20.0 * std::log10(s.cv)) < 1e-12);
    QVERIFY(!s.holes);
    QCOMPARE(s.pattern, ArtifactPattern::Checkerboard);
    QCOMPARE(s.periodH, 2);
    QCOMPARE(s.periodW, 2);
    QCOMPARE(s.verdict,
             std::string(
                 "checkerboard: period 2x2, ripple 48% of mean (strong); make k divisible by s or repair the kernel"));
    QCOMPARE(s.severity, std::string("strong"));
    // [[4,2],[2,1]] = [2,1] x [2,1]: the ripple is all row and column effects
    // plus a little interaction; the shares add up to 1.
    QVERIFY(std::abs(s.rowShare + s.colShare + s.crossShare - 1.0) < 1e-12);
    QVERIFY(std::abs(s.rowShare - s.colShare) < 1e-12);
}

void TestPhaseGain::artifactFreeKernels_data() {
    QTest::addColumn<int>("which");
    QTest::newRow("4x4 box") << 0;
    QTest::newRow("4x4 bilinear preset") << 1;
    QTest::newRow("3x3 tent") << 2;
}

void TestPhaseGain::artifactFreeKernels() {
    QFETCH(int, which);
    Kernel2D k;
    if (which == 0) {
        k = Kernel2D(4, 4, 1.0f);
    } else if (which == 1) {
        PresetOptions o;
        o.stride = Size2(2);
        k = makePresetKernel(KernelPreset::Bilinear, o);
        QCOMPARE(k.h, 4);
    } else {
        const float t[3] = {1, 2, 1};
        k = Kernel2D(3, 3);
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 3; ++x) k.at(y, x) = t[y] * t[x];
    }
    const ArtifactScores s = artifactScores(phaseGainTable(k, Size2(2), Size2(1)));
    QVERIFY2(s.cv < 1e-9, std::to_string(s.cv).c_str());
    QVERIFY(s.peakToPeak < 1e-9);
    QVERIFY(std::abs(s.ratio - 1.0) < 1e-9);
    QCOMPARE(s.pattern, ArtifactPattern::None);
    QVERIFY(!s.holes);
    QVERIFY(s.verdict.find("no checkerboard") == 0);
}

void TestPhaseGain::holes() {
    // k = 1 < s = 2: three of four phases get nothing.
    ArtifactScores s = artifactScores(phaseGainTable(Kernel2D(1, 1, 1.0f), Size2(2), Size2(1)));
    QVERIFY(s.holes);
    QCOMPARE(s.holeCount, 3);
    QVERIFY(std::isinf(s.ratio));
    QVERIFY(s.verdict.find("holes:") == 0);
    QVERIFY(s.verdict.find("kernel size 1 is smaller than stride 2") != std::string::npos);
    // gcd(d, s) = 2 along the width only: columns of odd phase are empty.
    const PhaseGainTable g = phaseGainTable(Kernel2D(3, 3, 1.0f), Size2(2), Size2(1, 2));
    QCOMPARE(g.count(0, 1), 0);
    QCOMPARE(g.count(1, 1), 0);
    QVERIFY(g.count(0, 0) > 0);
    s = artifactScores(g);
    QVERIFY(s.holes);
    QCOMPARE(s.holeCount, 2);
    QVERIFY(holeReason(g).find("dilation 2 shares the factor 2 with stride 2 along width") != std::string::npos);
    QVERIFY(holeReason(phaseGainTable(Kernel2D(3, 3, 1.0f), Size2(2), Size2(1))).empty());
    // Coprime dilation covers every phase.
    QVERIFY(!artifactScores(phaseGainTable(Kernel2D(3, 3, 1.0f), Size2(2), Size2(3))).holes);
}

void TestPhaseGain::stripesAndPeriods() {
    // 3x2 box, s = 2: G = [[2,2],[1,1]], rows differ only.
    ArtifactScores s = artifactScores(phaseGainTable(Kernel2D(3, 2, 1.0f), Size2(2), Size2(1)));
    QCOMPARE(s.pattern, ArtifactPattern::HorizontalStripes);
    QCOMPARE(s.periodH, 2);
    QCOMPARE(s.periodW, 1);
    QVERIFY(std::abs(s.rowShare - 1.0) < 1e-12);
    QVERIFY(s.verdict.find("horizontal stripes: period 2 rows") == 0);
    // 1x8 kernel a,b,a,b,... with s = (1, 4): G = [2a, 2b, 2a, 2b], period 2 columns.
    Kernel2D k(1, 8);
    for (int x = 0; x < 8; ++x) k.at(0, x) = x % 2 ? 1.0f : 3.0f;
    s = artifactScores(phaseGainTable(k, Size2(1, 4), Size2(1)));
    QCOMPARE(s.pattern, ArtifactPattern::VerticalStripes);
    QCOMPARE(s.periodW, 2);
    QCOMPARE(s.periodH, 1);
    QVERIFY(s.verdict.find("vertical stripes: period 2 columns") == 0);
    // A pure diagonal checkerboard: all the energy is in the interaction.
    Kernel2D d(2, 2, 0.0f);
    d.at(0, 0) = d.at(1, 1) = 1.0f;
    d.at(0, 1) = d.at(1, 0) = 0.5f;
    s = artifactScores(phaseGainTable(d, Size2(2), Size2(1)));
    QCOMPARE(s.pattern, ArtifactPattern::Checkerboard);
    QVERIFY(std::abs(s.crossShare - 1.0) < 1e-12);
}

// Constant input c: away from the borders the output is bias + c * G[(o+p) mod s].
void TestPhaseGain::interiorLawRandom() {
    std::mt19937 rng(1234);
    for (int trial = 0; trial < 150; ++trial) {
        const int H = pick(rng, 6, 12), W = pick(rng, 6, 12);
        const AxisParams ah = randomAxis(rng, H), aw = randomAxis(rng, W);
        const ConvParams p = makeParams(ah, aw);
        const Kernel2D k = randomKernel(rng, ah.k, aw.k, -1.0f, 1.0f);
        const float c = 0.75f, bias = trial % 2 ? 0.3f : 0.0f;
        const ConvLayer layer =
            makeDepthwiseLayer(k, 1, p, trial % 2 ? std::vector<float>{bias} : std::vector<float>{});
        const Tensor out = referenceConvTranspose2d(Tensor(Shape4{1, 1, H, W}, c), layer);
        const PhaseGainTable g = phaseGainTable(k, p.stride, p.dilation);
        int checked = 0;
        for (int64_t oy = 0; oy < out.shape().h; ++oy) {
            // Interior: every tap lands on an input row (o + p - d j in [0, (H-1)s]).
            if (oy + ah.p - ah.d * (ah.k - 1) < 0 || oy + ah.p > (H - 1) * ah.s) continue;
            for (int64_t ox = 0; ox < out.shape().w; ++ox) {
                if (ox + aw.p - aw.d * (aw.k - 1) < 0 || ox + aw.p > (W - 1) * aw.s) continue;
                const double expected =
                    bias + c * g.at(static_cast<int>((oy + ah.p) % ah.s), static_cast<int>((ox + aw.p) % aw.s));
                QVERIFY2(
                    std::abs(out.at(0, 0, oy, ox) - expected) < 1e-5,
                    qPrintable(QString("trial %1 %2 at (%3,%4)").arg(trial).arg(describe(p).c_str()).arg(oy).arg(ox)));
                ++checked;
            }
        }
        QVERIFY(checked > 0 || ah.d * (ah.k - 1) > (H - 1) * ah.s || aw.d * (aw.k - 1) > (W - 1) * aw.s);
    }
}

void TestPhaseGain::scoresMatchDirectFormulas() {
    std::mt19937 rng(99);
    for (int trial = 0; trial < 300; ++trial) {
        const Size2 s(pick(rng, 1, 4), pick(rng, 1, 4)), d(pick(rng, 1, 3), pick(rng, 1, 3));
        const Kernel2D k = randomKernel(rng, pick(rng, 1, 7), pick(rng, 1, 7));
        const PhaseGainTable g = phaseGainTable(k, s, d);
        // Direct: loop over the classes and collect their taps.
        std::vector<double> G;
        bool hole = false;
        for (int ry = 0; ry < s.h; ++ry)
            for (int rx = 0; rx < s.w; ++rx) {
                double sum = 0;
                int n = 0;
                for (int y = 0; y < k.h; ++y)
                    for (int x = 0; x < k.w; ++x)
                        if ((d.h * y - ry) % s.h == 0 && (d.w * x - rx) % s.w == 0) {
                            sum += k.at(y, x);
                            ++n;
                        }
                QVERIFY(std::abs(g.at(ry, rx) - sum) < 1e-9);
                QCOMPARE(g.count(ry, rx), n);
                hole = hole || n == 0;
                G.push_back(sum);
            }
        double mean = 0, var = 0, mn = 1e300, mx = -1e300;
        for (double v : G) mean += v / G.size();
        for (double v : G) {
            var += (v - mean) * (v - mean) / G.size();
            mn = std::min(mn, v);
            mx = std::max(mx, v);
        }
        QVERIFY(std::abs(mean - k.sum() / (s.h * s.w)) < 1e-9);
        const ArtifactScores sc = artifactScores(g);
        QCOMPARE(sc.holes, hole);
        QVERIFY(std::abs(sc.mean - mean) < 1e-9);
        QVERIFY(std::abs(sc.cv - std::sqrt(var) / mean) < 1e-9);
        QVERIFY(std::abs(sc.peakToPeak - (mx - mn) / mean) < 1e-9);
        if (hole) QVERIFY(std::isinf(sc.ratio));
        else QVERIFY(std::abs(sc.ratio - mx / mn) < 1e-9 * mx / mn);
    }
}

void TestPhaseGain::zeroSumKernel() {
    Kernel2D k(2, 2, 0.0f);
    k.at(0, 0) = 1.0f;
    k.at(1, 1) = -1.0f;
    const ArtifactScores s = artifactScores(phaseGainTable(k, Size2(2), Size2(1)));
    QCOMPARE(s.mean, 0.0);
    QVERIFY(std::isinf(s.cv));
    QVERIFY(std::isinf(s.ratio));
    QVERIFY(s.verdict.find("sum to zero") != std::string::npos);
    const ArtifactScores z = artifactScores(phaseGainTable(Kernel2D(2, 2, 0.0f), Size2(2), Size2(1)));
    QCOMPARE(z.cv, 0.0);
    QCOMPARE(z.pattern, ArtifactPattern::None);
}

void TestPhaseGain::channelKernelSumsGroup() {
    std::mt19937 rng(7);
    ConvLayer layer;
    layer.params.kernel = Size2(2, 3);
    layer.params.groups = 2;
    layer.weight = randomTensor(rng, Shape4{4, 3, 2, 3});  // C_in 4, C_out 6, 2 in per group
    for (int co = 0; co < 6; ++co) {
        const Kernel2D k = channelKernel(layer, co);
        const int g = co / 3, col = co % 3;
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 3; ++x) {
                const double expected =
                    double(layer.weight.at(2 * g, col, y, x)) + layer.weight.at(2 * g + 1, col, y, x);
                QVERIFY(std::abs(k.at(y, x) - expected) < 1e-6);
            }
    }
    QVERIFY_THROWS_EXCEPTION(ParameterError, channelKernel(layer, 6));
}

// outputChannelLayer computes exactly one channel of the full layer;
// collapsedLayer on one plane equals the full layer on that plane replicated.
void TestPhaseGain::channelLayersMatchFullLayer() {
    std::mt19937 rng(11);
    for (int trial = 0; trial < 40; ++trial) {
        std::uniform_int_distribution<int> small(1, 3);
        ConvLayer layer;
        layer.params.groups = small(rng);
        const int cinG = small(rng), coutG = small(rng);
        layer.params.kernel = Size2(small(rng) + 1, small(rng));
        layer.params.stride = Size2(small(rng), small(rng));
        layer.params.padding = Size2(small(rng) - 1, 0);
        layer.params.dilation = Size2(1, small(rng));
        layer.weight =
            randomTensor(rng, Shape4{cinG * layer.params.groups, coutG, layer.params.kernel.h, layer.params.kernel.w});
        if (trial % 2) layer.bias = randomTensor(rng, Shape4{1, 1, 1, layer.outChannels()}).storage();
        const int64_t cin = layer.inChannels();
        const Tensor x = randomTensor(rng, Shape4{1, cin, 5, 4});
        const Tensor full = referenceConvTranspose2d(x, layer);
        const QString where = QStringLiteral("trial %1").arg(trial);
        for (int64_t co = 0; co < layer.outChannels(); ++co) {
            const ConvLayer one = outputChannelLayer(layer, co);
            const int64_t first = groupInputBegin(layer, co);
            QCOMPARE(first, co / coutG * cinG);
            Tensor part(Shape4{1, cinG, 5, 4});
            for (int c = 0; c < cinG; ++c)
                std::copy(x.plane(0, first + c), x.plane(0, first + c) + 20, part.plane(0, c));
            const Tensor y = referenceConvTranspose2d(part, one);
            QCOMPARE(y.shape().c, int64_t(1));
            for (int64_t i = 0; i < y.shape().h * y.shape().w; ++i)
                QVERIFY2(std::abs(y.plane(0, 0)[i] - full.plane(0, co)[i]) < 1e-4f, qPrintable(where));
        }
        // An input with equal channels, and the collapsed layer for channels in a shuffled order.
        Tensor same(Shape4{1, cin, 5, 4});
        const Tensor plane = randomTensor(rng, Shape4{1, 1, 5, 4});
        for (int64_t c = 0; c < cin; ++c) std::copy(plane.data(), plane.data() + 20, same.plane(0, c));
        const Tensor fullSame = referenceConvTranspose2d(same, layer);
        std::vector<int64_t> order;
        for (int64_t co = layer.outChannels() - 1; co >= 0; --co) order.push_back(co);
        const Tensor collapsed = referenceConvTranspose2d(plane, collapsedLayer(layer, order));
        QCOMPARE(collapsed.shape().c, layer.outChannels());
        for (size_t i = 0; i < order.size(); ++i)
            for (int64_t j = 0; j < collapsed.shape().h * collapsed.shape().w; ++j)
                QVERIFY2(std::abs(collapsed.plane(0, int64_t(i))[j] - fullSame.plane(0, order[i])[j]) < 1e-4f,
                         qPrintable(where));
    }
    ConvLayer layer;
    layer.params.groups = 2;
    layer.weight = Tensor(Shape4{4, 3, 2, 2});
    QVERIFY_THROWS_EXCEPTION(ParameterError, outputChannelLayer(layer, 6));
    QVERIFY_THROWS_EXCEPTION(ParameterError, collapsedLayer(layer, {}));
    QVERIFY_THROWS_EXCEPTION(ParameterError, collapsedLayer(layer, {0, -1}));
}

// Channels: a 3x3 box (CV 0.484), a tent (CV 0), a single tap (CV sqrt(3)),
// each split over 2 inputs; stride 2.
void TestPhaseGain::channelScoresOfALayer() {
    const float tent[3] = {0.5f, 1.0f, 0.5f};
    ConvLayer layer;
    layer.params.kernel = Size2(3, 3);
    layer.params.stride = Size2(2, 2);
    layer.weight = Tensor(Shape4{2, 3, 3, 3});
    for (int ci = 0; ci < 2; ++ci)
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 3; ++x) {
                layer.weight.at(ci, 0, y, x) = 0.5f;
                layer.weight.at(ci, 1, y, x) = 0.5f * tent[y] * tent[x];
                layer.weight.at(ci, 2, y, x) = y == 1 && x == 1 ? 1.0f : 0.0f;
            }
    const ChannelScores cs = channelScores(layer);
    QCOMPARE(cs.scores.size(), size_t(3));
    QCOMPARE(cs.tables.size(), size_t(3));
    QVERIFY(std::abs(cs.scores[0].cv - 0.4843221) < 1e-6);
    QCOMPARE(cs.scores[1].cv, 0.0);
    QVERIFY(std::abs(cs.scores[2].cv - std::sqrt(3.0)) < 1e-6);
    QCOMPARE(cs.worst, int64_t(2));
    QVERIFY(!cs.uniform);
    QVERIFY(std::abs(cs.maxCv() - std::sqrt(3.0)) < 1e-6);
    QCOMPARE(cs.countAtLeast(0.01), int64_t(2));
    QCOMPARE(cs.countAtLeast(0.5), int64_t(1));
    QCOMPARE(cs.countWithHoles(), int64_t(0));
    // k 1 < s 2: every channel has holes, and they all count.
    ConvLayer holes = makeDepthwiseLayer(Kernel2D(1, 1, 1.0f), 2, layer.params);
    const ChannelScores h = channelScores(holes);
    QVERIFY(h.uniform);
    QCOMPARE(h.countWithHoles(), int64_t(2));
    QCOMPARE(h.countAtLeast(1e9), int64_t(2));
}

void TestPhaseGain::rejectsBadInput() {
    QVERIFY_THROWS_EXCEPTION(ParameterError, phaseGainTable(Kernel2D(), Size2(2), Size2(1)));
    QVERIFY_THROWS_EXCEPTION(ParameterError, phaseGainTable(Kernel2D(2, 2, 1.0f), Size2(0, 2), Size2(1)));
    QVERIFY_THROWS_EXCEPTION(ParameterError, phaseGainTable(Kernel2D(2, 2, 1.0f), Size2(2), Size2(1, -1)));
}

void TestPhaseGain::severityGrades() {
    // 2 taps per axis at stride 2 with gains 1 + e and 1 - e: CV = e exactly.
    auto scoresFor = [](double e) {
        Kernel2D k(1, 2);
        k.at(0, 0) = float(1.0 + e);
        k.at(0, 1) = float(1.0 - e);
        return artifactScores(phaseGainTable(k, Size2(1, 2), Size2(1)));
    };
    const struct {
        double cv;
        const char* grade;
    } cases[] = {{0.0, "none"},      {0.001, "invisible"}, {0.0049, "invisible"}, {0.0051, "faint"}, {0.019, "faint"},
                 {0.021, "visible"}, {0.099, "visible"},   {0.101, "strong"},     {0.48, "strong"}};
    for (const auto& c : cases) {
        const ArtifactScores s = scoresFor(c.cv);
        QVERIFY2(std::abs(s.cv - c.cv) < 1e-6, std::to_string(s.cv).c_str());
        QCOMPARE(s.severity, std::string(c.grade));
        if (c.cv > 0)
            QVERIFY2(s.verdict.find(std::string("(") + c.grade + ")") != std::string::npos, s.verdict.c_str());
    }
    QCOMPARE(std::string(severityName(severityOf(scoresFor(0.03)))), std::string("visible"));
    // Holes and a zero-sum ripple are strong whatever the CV says.
    QCOMPARE(artifactScores(phaseGainTable(Kernel2D(1, 1, 1.0f), Size2(2), Size2(1))).severity, std::string("strong"));
    Kernel2D zeroSum(1, 2);
    zeroSum.at(0, 0) = 1.0f;
    zeroSum.at(0, 1) = -1.0f;
    QCOMPARE(artifactScores(phaseGainTable(zeroSum, Size2(1, 2), Size2(1))).severity, std::string("strong"));
}

void TestPhaseGain::allZeroKernelSaysSo() {
    const ArtifactScores s = artifactScores(phaseGainTable(Kernel2D(3, 3, 0.0f), Size2(2), Size2(1)));
    QVERIFY(s.allZero);
    QVERIFY2(s.verdict.find("all-zero kernel: the output is 0 everywhere") == 0, s.verdict.c_str());
    QVERIFY(s.verdict.find("no checkerboard") == std::string::npos);
    QCOMPARE(s.severity, std::string("none"));
    // A kernel with one non-zero tap is not all-zero.
    Kernel2D one(3, 3, 0.0f);
    one.at(1, 1) = 1.0f;
    QVERIFY(!artifactScores(phaseGainTable(one, Size2(1), Size2(1))).allZero);
}

void TestPhaseGain::printedNoiseIsClamped() {
    QCOMPARE(cvText(0.0), std::string("0"));
    QCOMPARE(cvText(9.29e-09), std::string("< 1e-6"));
    QCOMPARE(cvText(0.484322), std::string("0.484322"));
    QCOMPARE(cvText(std::numeric_limits<double>::infinity()), std::string("inf"));
    QCOMPARE(cvDbText(0.0), std::string("-inf"));
    QCOMPARE(cvDbText(9.29e-09), std::string("< -120"));
    QCOMPARE(cvDbText(0.1), std::string("-20.0"));
}

namespace {

// A random 1-channel layer: k 1..4, s 1..3, p 0..2, q < max(s, d), d 1..2, seeded taps in [0.05, 1).
ConvLayer randomStackLayer(std::mt19937& rng) {
    AxisParams a = {pick(rng, 1, 4), pick(rng, 1, 3), pick(rng, 0, 2), 0, pick(rng, 1, 2)};
    AxisParams b = {pick(rng, 1, 4), pick(rng, 1, 3), pick(rng, 0, 2), 0, pick(rng, 1, 2)};
    a.q = pick(rng, 0, std::max(a.s, a.d) - 1);
    b.q = pick(rng, 0, std::max(b.s, b.d) - 1);
    return makeDepthwiseLayer(randomKernel(rng, a.k, b.k), 1, makeParams(a, b));
}

// Input rows [lo, hi) interior -> the output rows every one of whose taps reads
// an interior input: o reads i in [ceil((o + p - d(k-1)) / s), floor((o + p) / s)].
void nextInterior(int64_t& lo, int64_t& hi, int s, int d, int k, int p, int64_t out) {
    lo = std::max<int64_t>(0, lo * s + int64_t(d) * (k - 1) - p);
    hi = std::min<int64_t>(out, hi * s - p);
}

}  // namespace

// The stack's table against the layers run one after the other (the plain
// reference, double sums, and the engine's CPU backend) on a constant image: every interior output pixel
// (oy, ox) equals G[(oy + P) mod S][(ox + P) mod S].
void TestPhaseGain::stackMatchesDirectRunRandom() {
    std::mt19937 rng(1414);
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{1});
    int checked = 0;
    for (int trial = 0; trial < 60; ++trial) {
        std::vector<ConvLayer> layers;
        const int n = pick(rng, 1, 3);
        for (int i = 0; i < n; ++i) layers.push_back(randomStackLayer(rng));
        const LayerStackAnalysis a = analyzeLayerStack(layers);
        const PhaseGainTable& t = a.table();
        const int S_h = a.equivalent.stride.h, S_w = a.equivalent.stride.w;
        QCOMPARE(t.sh, S_h);
        QCOMPARE(t.sw, S_w);
        Tensor x(Shape4{1, 1, 12, 12}, 1.0f);
        int64_t rl = 0, rh = 12, cl = 0, ch = 12;
        for (const ConvLayer& l : layers) {
            x = referenceConvTranspose2d(x, l);
            const ConvParams& p = l.params;
            nextInterior(rl, rh, p.stride.h, p.dilation.h, p.kernel.h, p.padding.h, x.shape().h);
            nextInterior(cl, ch, p.stride.w, p.dilation.w, p.kernel.w, p.padding.w, x.shape().w);
        }
        if (rh - rl < S_h || ch - cl < S_w) continue;  // too little interior for a whole period
        // The engine's own run of the stack (CPU backend) gives the same image.
        const std::vector<Tensor> run = runLayerStack(Tensor(Shape4{1, 1, 12, 12}, 1.0f), layers, *backend);
        QCOMPARE(run.back().shape(), x.shape());
        for (size_t i = 0; i < x.storage().size(); ++i)
            QVERIFY(std::abs(run.back().storage()[i] - x.storage()[i]) <=
                    1e-4 * std::max(1.0f, std::abs(x.storage()[i])));
        const Size2 P = a.equivalent.padding;
        for (int64_t oy = rl; oy < rh; ++oy)
            for (int64_t ox = cl; ox < ch; ++ox) {
                const double want = t.at(static_cast<int>((oy + P.h) % S_h), static_cast<int>((ox + P.w) % S_w));
                const double got = x.at(0, 0, oy, ox);
                if (std::abs(got - want) > 1e-4 * std::max(1.0, std::abs(want)))
                    QFAIL(qPrintable(QString("trial %1 pixel (%2,%3): run %4, table %5")
                                         .arg(trial)
                                         .arg(oy)
                                         .arg(ox)
                                         .arg(got)
                                         .arg(want)));
            }
        ++checked;
    }
    QVERIFY2(checked >= 40, qPrintable(QString("only %1 stacks had a whole period of interior").arg(checked)));
}

// Worked by hand: box 3x3 at stride 2 (taps 4/9: G = [[16,8],[8,4]]/9 at
// phases (o + p) mod 2) ripples with CV 0.484; a stride-1 box 2x2 after it
// (taps 1/4) averages each 2x2 block of phases to (16+8+8+4)/36 = 1: clean.
// Behind a ripple-free nearest layer (box 2, stride 2, taps 1) the box keeps
// its table, tiled over the compound period 4: period 2, stride 4.
void TestPhaseGain::stackHandChecked() {
    PresetOptions box3;
    box3.stride = Size2(2);
    box3.size = Size2(3);
    ConvParams s2;
    s2.stride = Size2(2);
    const ConvLayer bad = makeDepthwiseLayer(makePresetKernel(KernelPreset::Box, box3), 1, s2);
    ConvParams s1;
    s1.stride = Size2(1);
    const ConvLayer smooth = makeDepthwiseLayer(Kernel2D(2, 2, 0.25f), 1, s1);
    const LayerStackAnalysis hidden = analyzeLayerStack({bad, smooth});
    QCOMPARE(hidden.stack.cvAfterStep.size(), size_t(2));
    QVERIFY(std::abs(hidden.stack.cvAfterStep[0] - 0.484322) < 1e-6);
    QVERIFY(hidden.stack.cvAfterStep[1] < 1e-6);
    QCOMPARE(hidden.equivalent.stride, Size2(2));
    QCOMPARE(hidden.equivalent.kernel, Size2(4));  // 1 + 2*1 + 1*1
    for (double g : hidden.table().gain) QVERIFY(std::abs(g - 1.0) < 1e-6);

    const ConvLayer nearest = makeDepthwiseLayer(Kernel2D(2, 2, 1.0f), 1, s2);
    const LayerStackAnalysis tiled = analyzeLayerStack({nearest, bad});
    QCOMPARE(tiled.equivalent.stride, Size2(4));
    QCOMPARE(tiled.equivalent.padding, Size2(0));
    const PhaseGainTable& t = tiled.table();
    QCOMPARE(t.sh, 4);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) {
            const double want = (y % 2 ? 2.0 : 4.0) * (x % 2 ? 2.0 : 4.0) / 9.0;
            QVERIFY2(std::abs(t.at(y, x) - want) < 1e-6,
                     qPrintable(QString("(%1,%2) %3").arg(y).arg(x).arg(t.at(y, x))));
        }
    QCOMPARE(tiled.worstScores().periodH, 2);
    QCOMPARE(tiled.worstScores().periodW, 2);
    QCOMPARE(tiled.stack.worstStep, int64_t(1));  // the box is to blame, not the nearest layer
    QVERIFY(tiled.layers[0].scores[0].cv < 1e-9);
    QVERIFY(std::abs(tiled.layers[1].scores[0].cv - 0.484322) < 1e-6);

    // The example: k=3,s=2,p=1,op=1 then k=4,s=2,p=1 (bilinear): K = 1 + 2*2*1 + 3 = 8,
    // S = 4, P = 1*2 + 1 = 3, output padding 1*2 + 0 = 2.
    PresetOptions b3, b4;
    b3.stride = b4.stride = Size2(2);
    b3.size = Size2(3);
    ConvParams p1 = s2, p2 = s2;
    p1.padding = Size2(1);
    p1.outputPadding = Size2(1);
    p2.padding = Size2(1);
    const LayerStackAnalysis e =
        analyzeLayerStack({makeDepthwiseLayer(makePresetKernel(KernelPreset::Bilinear, b3), 1, p1),
                           makeDepthwiseLayer(makePresetKernel(KernelPreset::Bilinear, b4), 1, p2)});
    QCOMPARE(e.equivalent.kernel, Size2(8));
    QCOMPARE(e.equivalent.padding, Size2(3));
    QCOMPARE(e.equivalent.outputPadding, Size2(2));
}

// One layer: the table, indexed by (o + p) mod s, is exactly `tconv analyze`'s.
void TestPhaseGain::stackOfOneIsAnalyze() {
    std::mt19937 rng(77);
    for (int trial = 0; trial < 30; ++trial) {
        const ConvLayer l = randomStackLayer(rng);
        const LayerStackAnalysis a = analyzeLayerStack({l});
        const ChannelScores alone = channelScores(l);
        QCOMPARE(a.table().sh, alone.tables[0].sh);
        QCOMPARE(a.table().sw, alone.tables[0].sw);
        for (size_t i = 0; i < a.table().gain.size(); ++i) {
            QVERIFY(std::abs(a.table().gain[i] - alone.tables[0].gain[i]) < 1e-6);
            QCOMPARE(a.table().tapCount[i], alone.tables[0].tapCount[i]);
        }
        QCOMPARE(a.worstScores().holes, alone.scores[0].holes);
        QCOMPARE(a.worstScores().pattern, alone.scores[0].pattern);
        QVERIFY(std::abs(a.worstScores().cv - alone.scores[0].cv) < 1e-9 || !std::isfinite(alone.scores[0].cv));
    }
}

// The equivalent layer's size formula gives the stack's output size.
void TestPhaseGain::stackEquivalentSizeRandom() {
    std::mt19937 rng(4242);
    for (int trial = 0; trial < 100; ++trial) {
        std::vector<ConvLayer> layers;
        for (int i = pick(rng, 1, 4); i > 0; --i) layers.push_back(randomStackLayer(rng));
        const int64_t h = pick(rng, 3, 9), w = pick(rng, 3, 9);
        std::vector<Shape4> shapes;
        try {
            shapes = layerStackShapes(Shape4{1, 1, h, w}, layers);
        } catch (const ParameterError&) {
            continue;  // an intermediate size went empty
        }
        const ConvParams& e = analyzeLayerStack(layers).equivalent;
        const auto size = [](int64_t in, int s, int k, int p, int pe, int q) { return (in - 1) * s + k - p - pe + q; };
        QCOMPARE(shapes.back().h, size(h, e.stride.h, e.kernel.h, e.padding.h, padEnd(e).h, e.outputPadding.h));
        QCOMPARE(shapes.back().w, size(w, e.stride.w, e.kernel.w, e.padding.w, padEnd(e).w, e.outputPadding.w));
    }
}

void TestPhaseGain::stackRunAndCancel() {
    std::mt19937 rng(9);
    const std::vector<ConvLayer> layers = {randomStackLayer(rng), randomStackLayer(rng)};
    const Tensor x = randomTensor(rng, Shape4{1, 1, 7, 6});
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{1});
    const std::vector<Tensor> out = runLayerStack(x, layers, *backend);
    QCOMPARE(out.size(), size_t(2));
    const Tensor want = referenceConvTranspose2d(referenceConvTranspose2d(x, layers[0]), layers[1]);
    QCOMPARE(out[1].shape(), want.shape());
    for (size_t i = 0; i < want.storage().size(); ++i)
        QVERIFY(std::abs(out[1].storage()[i] - want.storage()[i]) < 1e-4);
    int asked = 0;
    const std::vector<Tensor> cut = runLayerStack(x, layers, *backend, [&] { return ++asked > 1; });
    QCOMPARE(cut.size(), size_t(1));
}

void TestPhaseGain::stackRejectsBadInput() {
    const auto throwsWith = [](const std::function<void()>& f, const std::string& text) {
        try {
            f();
        } catch (const ParameterError& e) {
            return std::string(e.what()).find(text) != std::string::npos;
        }
        return false;
    };
    QVERIFY(throwsWith([] { analyzeLayerStack({}); }, "a stack has 1 to 8 layers, but got 0"));
    ConvParams s2;
    s2.stride = Size2(2);
    const ConvLayer one = makeDepthwiseLayer(Kernel2D(2, 2, 1.0f), 1, s2);
    QVERIFY(throwsWith([&] { analyzeLayerStack(std::vector<ConvLayer>(9, one)); }, "but got 9"));
    const ConvLayer three = makeDepthwiseLayer(Kernel2D(2, 2, 1.0f), 3, s2);
    QVERIFY(throwsWith(
        [&] {
            analyzeLayerStack({one, three});
        },
        "stack layer 2: expects 3 input channels, but stack layer 1 gives 1"));
    ConvLayer zero = one;
    zero.params.stride = Size2(0, 2);
    QVERIFY(throwsWith([&] { analyzeLayerStack({one, zero}); }, "stack layer 2: "));
    ConvParams s8;
    s8.stride = Size2(8);
    const ConvLayer wide = makeDepthwiseLayer(Kernel2D(1, 1, 1.0f), 1, s8);
    QVERIFY(throwsWith([&] { analyzeLayerStack(std::vector<ConvLayer>(8, wide)); },
                       "stack layer 4: the compound stride reaches 4096x4096, more than 4194304 phases"));
    // 4 layers of dilation 2^30 - 1 (odd: no ripple): the equivalent kernel is 15 (2^30 - 1) + 1.
    ConvLayer dilated = one;
    dilated.params.dilation = Size2((1 << 30) - 1);
    QVERIFY(throwsWith([&] { analyzeLayerStack(std::vector<ConvLayer>(4, dilated)); },
                       "the stack as one layer has an extent or crop of 2147483648, more than 2147483647"));
    // Holes no repair can fill (a zero-order hold of 254 + 2 taps is beyond 255):
    // analysed all the same, with the repair experiment left out (NaN).
    ConvLayer holes = one;
    holes.params.dilation = Size2(254);
    const LayerStackAnalysis h = analyzeLayerStack({holes});
    QVERIFY(h.worstScores().holes);
    QVERIFY(std::isnan(h.stack.cvWithStepRepaired[0]));
    QCOMPARE(h.stack.worstStep, int64_t(-1));
    ConvLayer cropAll = one;
    cropAll.params.padding = Size2(3);  // a 1x1 input gives 2 - 6 < 1 rows
    QVERIFY(throwsWith([&] { layerStackShapes(Shape4{1, 1, 1, 1}, {one, cropAll}); }, "stack layer 2 (input "));
}

QTEST_APPLESS_MAIN(TestPhaseGain)
// The words `tconv analyze` prints and writes to JSON: a contract.
void TestPhaseGain::patternNames() {
    QCOMPARE(std::string(patternName(ArtifactPattern::None)), std::string("none"));
    QCOMPARE(std::string(patternName(ArtifactPattern::Checkerboard)), std::string("checkerboard"));
    QCOMPARE(std::string(patternName(ArtifactPattern::HorizontalStripes)), std::string("horizontal stripes"));
    QCOMPARE(std::string(patternName(ArtifactPattern::VerticalStripes)), std::string("vertical stripes"));
}

#include "test_phase_gain.moc"
