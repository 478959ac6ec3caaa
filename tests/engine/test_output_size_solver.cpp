// SPDX-License-Identifier: MIT
// PyTorch's output_size rule (torch.nn.modules.conv._ConvTransposeNd
// ._output_padding): padding kept, output_padding = target − min, sizes
// outside [min, min + s − 1] refused with PyTorch's message. Exact cases
// worked out from that code, then every reachable size of seeded random
// geometries.
#include <QtTest>
#include <random>

#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/OutputGeometry.h"
#include "core/OutputSizeSolver.h"
#include "core/Validation.h"

using namespace tconv;
Q_DECLARE_METATYPE(tconv::Size2)

namespace {

ConvParams geometry(Size2 k, Size2 s, Size2 p, Size2 d) {
    ConvParams g;
    g.kernel = k;
    g.stride = s;
    g.padding = p;
    g.dilation = d;
    return g;
}

}  // namespace

class TestOutputSizeSolver : public QObject {
    Q_OBJECT
private slots:
    void exactCases_data();
    void exactCases();
    void refusesWithPyTorchsMessage();
    void keepsThePadding();
    void everyReachableSizeOfRandomGeometries();
};

void TestOutputSizeSolver::exactCases_data() {
    QTest::addColumn<int>("inH");
    QTest::addColumn<int>("inW");
    QTest::addColumn<ConvParams>("g");
    QTest::addColumn<int>("targetH");
    QTest::addColumn<int>("targetW");
    QTest::addColumn<Size2>("outputPadding");
    // nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1) on 4x4: min (4−1)·2 − 2 + 2 + 1 = 7, max 8.
    const ConvParams k3s2p1 = geometry(3, 2, 1, 1);
    QTest::newRow("k3 s2 p1, 8x8") << 4 << 4 << k3s2p1 << 8 << 8 << Size2(1, 1);
    QTest::newRow("k3 s2 p1, 7x8") << 4 << 4 << k3s2p1 << 7 << 8 << Size2(0, 1);
    QTest::newRow("k3 s2 p1, 7x7") << 4 << 4 << k3s2p1 << 7 << 7 << Size2(0, 0);
    // stride 3, dilation 2, padding 2 on 5: min 4·3 − 4 + 2·2 + 1 = 13, max 15.
    QTest::newRow("k3 s3 p2 d2, 15") << 5 << 5 << geometry(3, 3, 2, 2) << 15 << 13 << Size2(2, 0);
    // per axis: H: 9·2 − 2 + 3 + 1 = 20..21; W: 6·3 − 0 + 2·2 + 1 = 23..25.
    QTest::newRow("non-square") << 10 << 7 << geometry(Size2(4, 3), Size2(2, 3), Size2(1, 0), Size2(1, 2)) << 21 << 25
                                << Size2(1, 2);
    // stride 1: a single size, output_padding 0.
    QTest::newRow("stride 1") << 6 << 6 << geometry(5, 1, 2, 1) << 6 << 6 << Size2(0, 0);
}

void TestOutputSizeSolver::exactCases() {
    QFETCH(int, inH);
    QFETCH(int, inW);
    QFETCH(ConvParams, g);
    QFETCH(int, targetH);
    QFETCH(int, targetW);
    QFETCH(Size2, outputPadding);
    const Size2 q = outputPaddingForSize(inH, inW, g, targetH, targetW);
    QCOMPARE(q, outputPadding);
    ConvParams solved = g;
    solved.outputPadding = q;
    validateParams(solved);  // always a legal output_padding: < stride
    QCOMPARE(outputSize(inH, inW, solved), (OutputSize{targetH, targetW}));
}

void TestOutputSizeSolver::refusesWithPyTorchsMessage() {
    const ConvParams g = geometry(3, 2, 1, 1);
    try {
        outputPaddingForSize(4, 4, g, 9, 8);
        QFAIL("9 is above the range");
    } catch (const ParameterError& e) {
        QCOMPARE(QString::fromUtf8(e.what()),
                 QStringLiteral("requested an output size of [9, 8], but valid sizes range from [7, 7] to [8, 8] "
                                "(for an input of torch.Size([4, 4]))"));
    }
    QVERIFY_THROWS_EXCEPTION(ParameterError, outputPaddingForSize(4, 4, g, 8, 6));  // below the minimum
    // The studio's first start (512x512, k3 s2 p1): PyTorch refuses 1000, it does not change the padding.
    QVERIFY_THROWS_EXCEPTION(ParameterError, outputPaddingForSize(512, 512, g, 1000, 1000));
}

void TestOutputSizeSolver::keepsThePadding() {
    const OutputSizeRange r = outputSizeRange(512, 3, 2, 1, 1);
    QCOMPARE(r.min, int64_t(1023));
    QCOMPARE(r.max, int64_t(1024));
    QVERIFY(r.contains(1024));
    QVERIFY(!r.contains(1000));
}

void TestOutputSizeSolver::everyReachableSizeOfRandomGeometries() {
    std::mt19937 rng(20261129);
    auto in = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int trial = 0; trial < 300; ++trial) {
        const ConvParams g = geometry(Size2(in(1, 7), in(1, 7)), Size2(in(1, 5), in(1, 5)), Size2(in(0, 3), in(0, 3)),
                                      Size2(in(1, 3), in(1, 3)));
        const int h = in(1, 30), w = in(1, 30);
        // Every legal output_padding below the stride gives a size the solver maps back to it.
        for (int qh = 0; qh < g.stride.h; ++qh)
            for (int qw = 0; qw < g.stride.w; ++qw) {
                ConvParams withQ = g;
                withQ.outputPadding = Size2(qh, qw);
                const OutputSize o = outputSize(h, w, withQ);
                QCOMPARE(outputPaddingForSize(h, w, g, o.h, o.w), Size2(qh, qw));
            }
        const OutputSize lo = outputSize(h, w, g);
        QVERIFY_THROWS_EXCEPTION(ParameterError, outputPaddingForSize(h, w, g, lo.h - 1, lo.w));
        QVERIFY_THROWS_EXCEPTION(ParameterError, outputPaddingForSize(h, w, g, lo.h, lo.w + g.stride.w));
    }
}

QTEST_MAIN(TestOutputSizeSolver)
#include "test_output_size_solver.moc"
