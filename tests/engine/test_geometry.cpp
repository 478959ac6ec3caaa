// SPDX-License-Identifier: MIT
// Output-size formula, padding solver and every validation rule.
#include <QtTest>

#include <algorithm>
#include <tuple>
#include <vector>

#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/OutputGeometry.h"
#include "core/Polyphase.h"
#include "core/ScatterDefinition.h"
#include "core/Validation.h"

using namespace tconv;

class TestGeometry : public QObject {
    Q_OBJECT
private slots:
    void outputExtentMatchesFormula_data();
    void outputExtentMatchesFormula();
    void tutorialSizes();
    void solvePadding();
    void rejects_data();
    void rejects();
    void acceptsOutputPaddingBelowDilation();
    void outputPaddingRule();
    void scatterSourcesInvertTheDefinition();
    void polyphaseSplitsTheDefinition();
    void memoryLimit();
    void emptyBatchAllowedEmptyImageRefused();
};

void TestGeometry::outputExtentMatchesFormula_data() {
    QTest::addColumn<int>("in");
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("s");
    QTest::addColumn<int>("p");
    QTest::addColumn<int>("q");
    QTest::addColumn<int>("d");
    QTest::addColumn<int>("expected");
    // Hand-computed from (in-1)*s - 2p + d(k-1) + q + 1.
    QTest::newRow("basic 2x2 k2") << 2 << 2 << 1 << 0 << 0 << 1 << 3;
    QTest::newRow("k3 s2") << 2 << 3 << 2 << 0 << 0 << 1 << 5;
    QTest::newRow("k3 s2 p2") << 2 << 3 << 2 << 2 << 0 << 1 << 1;
    QTest::newRow("k3 s3 q2") << 2 << 3 << 3 << 0 << 2 << 1 << 8;
    QTest::newRow("k2 s2 d2") << 2 << 2 << 2 << 0 << 0 << 2 << 5;
    QTest::newRow("k4 s2 p1 doubles") << 1024 << 4 << 2 << 1 << 0 << 1 << 2048;
    QTest::newRow("k3 s2 p1 q1 doubles") << 7 << 3 << 2 << 1 << 1 << 1 << 14;
    QTest::newRow("1x1 input") << 1 << 1 << 5 << 0 << 0 << 1 << 1;
}

void TestGeometry::outputExtentMatchesFormula() {
    QFETCH(int, in);
    QFETCH(int, k);
    QFETCH(int, s);
    QFETCH(int, p);
    QFETCH(int, q);
    QFETCH(int, d);
    QFETCH(int, expected);
    QCOMPARE(outputExtent(in, k, s, p, q, d), int64_t(expected));
}

void TestGeometry::tutorialSizes() {
    // shared/seeds/000: 8x8 input, k3 s5 p1 -> 36x36; 4x4 input, k3 s4 op1 -> 16x16.
    ConvParams p;
    p.kernel = 3;
    p.stride = 5;
    p.padding = 1;
    QCOMPARE(outputSize(8, 8, p), (OutputSize{36, 36}));
    ConvParams q;
    q.kernel = 3;
    q.stride = 4;
    q.outputPadding = 1;
    QCOMPARE(outputSize(4, 4, q), (OutputSize{16, 16}));
    // Per axis: 3x2 kernel, 2x3 stride.
    ConvParams r;
    r.kernel = Size2(3, 2);
    r.stride = Size2(2, 3);
    QCOMPARE(outputSize(5, 4, r), (OutputSize{11, 11}));
}

void TestGeometry::solvePadding() {
    // Doubling with k3 s2 needs p=1, q=1 (the classic decoder setting).
    auto a = solvePaddingForExtent(7, 3, 2, 1, 14);
    QVERIFY(a.has_value());
    QCOMPARE(a->padding, 1);
    QCOMPARE(a->outputPadding, 1);
    for (int in = 1; in < 9; ++in)
        for (int k = 1; k < 6; ++k)
            for (int s = 1; s < 5; ++s)
                for (int d = 1; d < 3; ++d)
                    for (int target = 1; target < 40; ++target) {
                        auto sol = solvePaddingForExtent(in, k, s, d, target);
                        if (!sol) continue;
                        QCOMPARE(outputExtent(in, k, s, sol->padding, sol->outputPadding, d), int64_t(target));
                        QVERIFY(sol->padding >= 0);
                        QVERIFY(sol->outputPadding < std::max(s, d));
                    }
    // Too large to reach: q would have to be 5 with s=2.
    QVERIFY(!solvePaddingForExtent(4, 3, 2, 1, 14).has_value());
}

void TestGeometry::rejects_data() {
    QTest::addColumn<ConvParams>("params");
    QTest::addColumn<QString>("needle");
    ConvParams base;
    base.kernel = 3;
    base.stride = 2;
    auto with = [&](auto f) {
        ConvParams p = base;
        f(p);
        return p;
    };
    QTest::newRow("kernel 0") << with([](ConvParams& p) { p.kernel = Size2(0, 3); }) << "kernel_height: 0";
    QTest::newRow("stride 0") << with([](ConvParams& p) { p.stride = Size2(2, 0); }) << "stride_width: 0";
    QTest::newRow("dilation -1") << with([](ConvParams& p) { p.dilation = -1; }) << "dilation should be greater";
    QTest::newRow("negative padding") << with([](ConvParams& p) { p.padding = Size2(0, -1); }) << "padding_width: -1";
    QTest::newRow("negative output padding")
        << with([](ConvParams& p) { p.outputPadding = -2; }) << "negative output_padding";
    QTest::newRow("output padding = stride")
        << with([](ConvParams& p) { p.outputPadding = 2; }) << "output_padding_height: 2";
    QTest::newRow("groups 0") << with([](ConvParams& p) { p.groups = 0; }) << "groups=0";
}

void TestGeometry::rejects() {
    QFETCH(ConvParams, params);
    QFETCH(QString, needle);
    try {
        validateParams(params);
        QFAIL("accepted an invalid parameter set");
    } catch (const ParameterError& e) {
        QVERIFY2(QString(e.what()).contains(needle), e.what());
    }
}

void TestGeometry::acceptsOutputPaddingBelowDilation() {
    // PyTorch accepts output_padding >= stride when it is below the dilation.
    ConvParams p;
    p.kernel = 3;
    p.stride = 1;
    p.dilation = 3;
    p.outputPadding = 2;
    validateParams(p);
    ConvProblem pr{Shape4{1, 1, 4, 4}, Shape4{1, 1, 3, 3}, -1, p};
    QCOMPARE(validateProblem(pr), (Shape4{1, 1, 4 - 1 + 6 + 2 + 1, 12}));
}

void TestGeometry::outputPaddingRule() {
    // PyTorch: q < stride or q < dilation, per axis.
    for (int s = 1; s <= 5; ++s)
        for (int d = 1; d <= 5; ++d) {
            QCOMPARE(maxOutputPadding(s, d), std::max(s, d) - 1);
            for (int q = 0; q <= 6; ++q) QCOMPARE(outputPaddingAllowed(q, s, d), q < s || q < d);
        }
}

void TestGeometry::scatterSourcesInvertTheDefinition() {
    // Scatter every (input pixel, tap) forward and compare, output pixel by
    // output pixel, with what scatterSources enumerates backwards.
    ConvParams p;
    p.kernel = Size2(3, 4);
    p.stride = Size2(2, 3);
    p.padding = Size2(1, 2);
    p.dilation = Size2(2, 1);
    const int inH = 4, inW = 5;
    const OutputSize o = outputSize(inH, inW, p);
    std::vector<std::vector<std::tuple<int64_t, int64_t, int, int>>> forward(static_cast<size_t>(o.h * o.w));
    for (int ky = 0; ky < p.kernel.h; ++ky)
        for (int kx = 0; kx < p.kernel.w; ++kx)
            for (int64_t iy = 0; iy < inH; ++iy)
                for (int64_t ix = 0; ix < inW; ++ix) {
                    const int64_t oy = scatterTarget(iy, ky, p.stride.h, p.padding.h, p.dilation.h);
                    const int64_t ox = scatterTarget(ix, kx, p.stride.w, p.padding.w, p.dilation.w);
                    if (oy >= 0 && oy < o.h && ox >= 0 && ox < o.w)
                        forward[static_cast<size_t>(oy * o.w + ox)].push_back({iy, ix, ky, kx});
                }
    for (int64_t oy = 0; oy < o.h; ++oy)
        for (int64_t ox = 0; ox < o.w; ++ox) {
            std::vector<std::tuple<int64_t, int64_t, int, int>> backward;
            for (const ScatterSource& c : scatterSources(p, inH, inW, oy, ox))
                backward.push_back({c.iy, c.ix, c.ky, c.kx});
            QCOMPARE(backward, forward[static_cast<size_t>(oy * o.w + ox)]);  // both row-major in the taps
        }
}

void TestGeometry::polyphaseSplitsTheDefinition() {
    // Every (input, tap) the definition sends to output o lands in o's phase,
    // and the phase's offset leads back to that input.
    for (int s = 1; s <= 4; ++s)
        for (int d = 1; d <= 3; ++d)
            for (int p = 0; p <= 3; ++p)
                for (int64_t j = 0; j < 5; ++j)
                    for (int64_t i = 0; i < 6; ++i) {
                        const int64_t o = scatterTarget(i, static_cast<int>(j), s, p, d);
                        if (o < 0) continue;
                        const int r = polyphase::outputPhase(o, s, p);
                        const int64_t m = polyphase::outputGroup(o, s, p);
                        QCOMPARE(polyphase::tapPhase(j, d, s), r);
                        QCOMPARE(m - polyphase::tapOffset(j, d, s, r), i);
                        QCOMPARE(polyphase::outputOf(m, r, s, p), o);
                    }
}

void TestGeometry::memoryLimit() {
    ConvParams p;
    p.kernel = 2;
    p.stride = 2000;
    ConvProblem pr{Shape4{1, 3, 1000, 1000}, Shape4{3, 1, 2, 2}, -1, p};
    pr.params.groups = 3;
    ResourceLimits limits;
    limits.maxOutputBytes = 1ull << 30;
    try {
        validateProblem(pr, limits);
        QFAIL("accepted a 48 TB output");
    } catch (const ParameterError& e) {
        QVERIFY2(QString(e.what()).contains("memory limit"), e.what());
    }
}

void TestGeometry::emptyBatchAllowedEmptyImageRefused() {
    // PyTorch accepts N = 0 (empty output) but refuses a zero-sized image.
    ConvParams p;
    p.kernel = 3;
    p.stride = 2;
    QCOMPARE(validateProblem(ConvProblem{Shape4{0, 1, 4, 4}, Shape4{1, 1, 3, 3}, -1, p}), (Shape4{0, 1, 9, 9}));
    QVERIFY_THROWS_EXCEPTION(ParameterError,
                             validateProblem(ConvProblem{Shape4{1, 1, 0, 4}, Shape4{1, 1, 3, 3}, -1, p}));
    QVERIFY_THROWS_EXCEPTION(ParameterError,
                             validateProblem(ConvProblem{Shape4{-1, 1, 4, 4}, Shape4{1, 1, 3, 3}, -1, p}));
}

QTEST_APPLESS_MAIN(TestGeometry)
#include "test_geometry.moc"
