// SPDX-License-Identifier: MIT
// Output-size formula, padding solver and every validation rule.
#include <QtTest>

#include <algorithm>
#include <climits>
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
    void perSideOutputExtent();
    void perSidePaddingParams();
    void perSidePaddingRejects();
    void perSideScatterHandChecked();
    void perSideIsACropOfTheUnpaddedOutput();
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

void TestGeometry::perSideOutputExtent() {
    // ONNX's example: (6-1)*2 - 1 - 3 + 1*(5-1) + 0 + 1 = 11 rows; (7-1)*2 - 2 - 4 + (6-1) + 1 = 12 columns.
    QCOMPARE(outputExtent(6, 5, 2, 1, 3, 0, 1), int64_t(11));
    QCOMPARE(outputExtent(7, 6, 2, 2, 4, 0, 1), int64_t(12));
    ConvParams p;
    p.kernel = Size2(5, 6);
    p.stride = 2;
    setPads(p, Pads4{1, 2, 3, 4});
    QCOMPARE(outputSize(6, 7, p), (OutputSize{11, 12}));
    // The end padding and output_padding trade one for one; the symmetric form is pBegin = pEnd.
    for (int pb = 0; pb < 4; ++pb)
        for (int pe = 0; pe < 4; ++pe) {
            QCOMPARE(outputExtent(9, 4, 3, pb, pe, 2, 2), outputExtent(9, 4, 3, pb, pe + 1, 3, 2));
            QCOMPARE(outputExtent(9, 4, 3, pb, pe, 0, 2), int64_t((9 - 1) * 3 - pb - pe + 2 * 3 + 1));
        }
    QCOMPARE(outputExtent(5, 3, 2, 1, 1, 1, 1), outputExtent(5, 3, 2, 1, 1, 1));
    // Saturated like the symmetric one.
    QCOMPARE(outputExtent(int64_t(1) << 40, 3, INT_MAX, 0, INT_MAX, 0, 1), kMaxExtent);
}

void TestGeometry::perSidePaddingParams() {
    ConvParams a;
    a.padding = 2;
    ConvParams b = a;
    b.paddingEnd = Size2(2, 2);
    QVERIFY(a == b);  // an unset end is the begin: the same layer
    QVERIFY(!hasAsymmetricPadding(b));
    b.paddingEnd = Size2(2, 3);
    QVERIFY(!(a == b));
    QVERIFY(hasAsymmetricPadding(b));
    QCOMPARE(padBegin(b), Size2(2, 2));
    QCOMPARE(padEnd(b), Size2(2, 3));
    QCOMPARE(padEnd(a), Size2(2, 2));
    const Pads4 four = pads(b);
    QCOMPARE(four, (Pads4{2, 2, 2, 3}));
    ConvParams c;
    setPads(c, Pads4{1, 2, 1, 2});
    QVERIFY(!c.paddingEnd.has_value());  // symmetric: reads as PyTorch's padding
    QCOMPARE(c.padding, Size2(1, 2));
    setPads(c, Pads4{1, 2, 3, 4});
    QCOMPARE(c.padding, Size2(1, 2));
    QCOMPARE(c.paddingEnd.value_or(Size2(-1)), Size2(3, 4));
    c.kernel = 5;
    c.stride = 2;
    QCOMPARE(describe(c), std::string("k=5 s=2 pads=1,2,3,4 op=0 d=1 g=1"));
    setPads(c, Pads4{1, 1, 1, 1});
    QCOMPARE(describe(c), std::string("k=5 s=2 p=1 op=0 d=1 g=1"));
    QCOMPARE(padsText(Pads4{0, 10, 2, 3}), std::string("0,10,2,3"));
}

void TestGeometry::perSidePaddingRejects() {
    auto message = [](const ConvParams& p) -> QString {
        try {
            validateParams(p);
        } catch (const ParameterError& e) {
            return e.what();
        }
        return {};
    };
    ConvParams p;
    p.kernel = 3;
    p.stride = 2;
    setPads(p, Pads4{0, 1, 2, -1});
    QCOMPARE(message(p), QString("negative padding is not supported, but got pads [top, left, bottom, right] = "
                                 "[0,1,2,-1]"));
    setPads(p, Pads4{-2, 0, 0, 0});
    QVERIFY2(message(p).contains("[-2,0,0,0]"), qPrintable(message(p)));
    setPads(p, Pads4{1, 2, 3, 4});
    QCOMPARE(message(p), QString());
    // Output too small: 2x2 input, k3 s2 gives 5; pads 1+4 = 5 rows leave 0.
    setPads(p, Pads4{1, 0, 4, 0});
    try {
        validateProblem(ConvProblem{Shape4{1, 1, 2, 2}, Shape4{1, 1, 3, 3}, -1, p});
        QFAIL("accepted an empty output");
    } catch (const ParameterError& e) {
        const QString m = e.what();
        QVERIFY2(m.contains("(0 x 5)") && m.contains("pads [1, 0, 4, 0]"), e.what());
    }
    // One row left is fine.
    setPads(p, Pads4{1, 0, 3, 0});
    QCOMPARE(validateProblem(ConvProblem{Shape4{1, 1, 2, 2}, Shape4{1, 1, 3, 3}, -1, p}), (Shape4{1, 1, 1, 5}));
}

void TestGeometry::perSideScatterHandChecked() {
    // 1-D (1 x n): input [1, 2], kernel [1, 1, 1], stride 2: full output
    // [1, 1, 1+2, 2, 2] = [1, 1, 3, 2, 2]. Begin 1, end 0 -> [1, 3, 2, 2];
    // begin 0, end 2 -> [1, 1, 3]. Only the begin moves an index.
    ConvParams p;
    p.kernel = Size2(1, 3);
    p.stride = Size2(1, 2);
    auto row = [&](const Pads4& four) {
        setPads(p, four);
        const OutputSize o = outputSize(1, 2, p);
        std::vector<double> out;
        const double in[2] = {1, 2};
        for (int64_t ox = 0; ox < o.w; ++ox) {
            double v = 0;
            for (const ScatterSource& src : scatterSources(p, 1, 2, 0, ox)) v += in[src.ix];  // taps are all 1
            out.push_back(v);
        }
        return out;
    };
    QCOMPARE(row(Pads4{0, 0, 0, 0}), (std::vector<double>{1, 1, 3, 2, 2}));
    QCOMPARE(row(Pads4{0, 1, 0, 0}), (std::vector<double>{1, 3, 2, 2}));
    QCOMPARE(row(Pads4{0, 0, 0, 2}), (std::vector<double>{1, 1, 3}));
    QCOMPARE(row(Pads4{0, 2, 0, 1}), (std::vector<double>{3, 2}));
}

void TestGeometry::perSideIsACropOfTheUnpaddedOutput() {
    // For every small geometry: output pixel (oy, ox) with pads [t, l, b, r]
    // has exactly the sources of pixel (oy + t, ox + l) of the unpadded
    // output, and the output is the unpadded one minus t + b rows and l + r columns.
    for (int k = 1; k <= 4; ++k)
        for (int s = 1; s <= 3; ++s)
            for (int d = 1; d <= 2; ++d)
                for (int t = 0; t <= 3; ++t)
                    for (int b = 0; b <= 3; ++b) {
                        ConvParams full;
                        full.kernel = Size2(k, 2);
                        full.stride = Size2(s, 2);
                        full.dilation = Size2(d, 1);
                        ConvParams cropped = full;
                        setPads(cropped, Pads4{t, 1, b, 0});
                        const OutputSize of = outputSize(3, 2, full), oc = outputSize(3, 2, cropped);
                        QCOMPARE(oc.h, of.h - t - b);
                        QCOMPARE(oc.w, of.w - 1);
                        for (int64_t oy = 0; oy < oc.h; ++oy)
                            for (int64_t ox = 0; ox < oc.w; ++ox) {
                                const auto a = scatterSources(cropped, 3, 2, oy, ox);
                                const auto e = scatterSources(full, 3, 2, oy + t, ox + 1);
                                QCOMPARE(a.size(), e.size());
                                for (size_t i = 0; i < a.size(); ++i) {
                                    QCOMPARE(a[i].iy, e[i].iy);
                                    QCOMPARE(a[i].ky, e[i].ky);
                                    QCOMPARE(a[i].ix, e[i].ix);
                                    QCOMPARE(a[i].kx, e[i].kx);
                                }
                            }
                    }
}

QTEST_APPLESS_MAIN(TestGeometry)
#include "test_geometry.moc"
