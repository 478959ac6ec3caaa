// SPDX-License-Identifier: MIT
// PyTorch's output_size rule (torch.nn.modules.conv._ConvTransposeNd
// ._output_padding): padding kept, output_padding = target − min, sizes
// outside [min, min + s − 1] refused with PyTorch's message. Exact cases
// worked out from that code, then every reachable size of seeded random
// geometries.
#include <QtTest>
#include <optional>
#include <random>

#include "common/TestPrinters.h"
#include "core/AutoPad.h"
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
    void keepsPerSidePadding();
    void autoPadNames();
    void autoPadHandChecked_data();
    void autoPadHandChecked();
    void autoPadSameIsInputTimesStride();
    void onnxOutputShape();
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

void TestOutputSizeSolver::keepsPerSidePadding() {
    // 4x4 input, k3 s2, pads [0, 1, 2, 0]: rows (4-1)*2 - 0 - 2 + 2 + 1 = 7..8, columns 9 - 1 = 8..9.
    ConvParams g = geometry(3, 2, 0, 1);
    setPads(g, Pads4{0, 1, 2, 0});
    QCOMPARE(outputSizeRange(4, 3, 2, 0, 2, 1).min, int64_t(7));
    QCOMPARE(outputPaddingForSize(4, 4, g, 8, 8), Size2(1, 0));
    QCOMPARE(outputPaddingForSize(4, 4, g, 7, 9), Size2(0, 1));
    ConvParams solved = g;
    solved.outputPadding = Size2(1, 0);
    QCOMPARE(outputSize(4, 4, solved), (OutputSize{8, 8}));
    try {
        outputPaddingForSize(4, 4, g, 9, 8);
        QFAIL("9 rows is above the range");
    } catch (const ParameterError& e) {
        QVERIFY2(QString(e.what()).contains("valid sizes range from [7, 8] to [8, 9]"), e.what());
    }
}

void TestOutputSizeSolver::autoPadNames() {
    QCOMPARE(parseAutoPad("same-upper"), std::optional<AutoPad>(AutoPad::SameUpper));
    QCOMPARE(parseAutoPad("SAME_UPPER"), std::optional<AutoPad>(AutoPad::SameUpper));
    QCOMPARE(parseAutoPad("same-lower"), std::optional<AutoPad>(AutoPad::SameLower));
    QCOMPARE(parseAutoPad("SAME_LOWER"), std::optional<AutoPad>(AutoPad::SameLower));
    QCOMPARE(parseAutoPad("valid"), std::optional<AutoPad>(AutoPad::Valid));
    QCOMPARE(parseAutoPad("NOTSET"), std::optional<AutoPad>(AutoPad::NotSet));
    QVERIFY(!parseAutoPad("same").has_value());
    QVERIFY(!parseAutoPad("Same_Upper").has_value());
    for (AutoPad m : {AutoPad::NotSet, AutoPad::SameUpper, AutoPad::SameLower, AutoPad::Valid}) {
        QCOMPARE(parseAutoPad(autoPadName(m)), std::optional<AutoPad>(m));
        QCOMPARE(parseAutoPad(onnxAutoPadName(m)), std::optional<AutoPad>(m));
    }
    QCOMPARE(std::string(autoPadName(AutoPad::SameLower)), std::string("same-lower"));
    QCOMPARE(std::string(onnxAutoPadName(AutoPad::SameUpper)), std::string("SAME_UPPER"));
}

Q_DECLARE_METATYPE(tconv::AutoPad)

void TestOutputSizeSolver::autoPadHandChecked_data() {
    QTest::addColumn<ConvParams>("g");
    QTest::addColumn<AutoPad>("mode");
    QTest::addColumn<QList<int>>("expected");  // top, left, bottom, right, output_padding h, w
    // total = d(k-1) + 1 + q - s per axis.
    // k3 s2: total 1; SAME_UPPER crops the last row/column (ONNX test_convtranspose_autopad_same).
    QTest::newRow("k3 s2 upper") << geometry(3, 2, 0, 1) << AutoPad::SameUpper << QList<int>{0, 0, 1, 1, 0, 0};
    QTest::newRow("k3 s2 lower") << geometry(3, 2, 0, 1) << AutoPad::SameLower << QList<int>{1, 1, 0, 0, 0, 0};
    // k4 s2: total 2, symmetric (PyTorch's k4 s2 p1).
    QTest::newRow("k4 s2 upper") << geometry(4, 2, 0, 1) << AutoPad::SameUpper << QList<int>{1, 1, 1, 1, 0, 0};
    // k5x4 s2x3 d1: totals 3 and 1.
    QTest::newRow("k5x4 s2x3 upper") << geometry(Size2(5, 4), Size2(2, 3), 0, 1) << AutoPad::SameUpper
                                     << QList<int>{1, 0, 2, 1, 0, 0};
    QTest::newRow("k5x4 s2x3 lower") << geometry(Size2(5, 4), Size2(2, 3), 0, 1) << AutoPad::SameLower
                                     << QList<int>{2, 1, 1, 0, 0, 0};
    // k3 d2 s2: k_e 5, total 3.
    QTest::newRow("k3 d2 s2 upper") << geometry(3, 2, 0, 2) << AutoPad::SameUpper << QList<int>{1, 1, 2, 2, 0, 0};
    // k1 s2: total -1 -> output_padding 1 (zeros at the end), out = 2*in.
    QTest::newRow("k1 s2 short kernel") << geometry(1, 2, 0, 1) << AutoPad::SameUpper << QList<int>{0, 0, 0, 0, 1, 1};
    // VALID: no padding, output_padding kept; the given padding is replaced.
    ConvParams padded = geometry(3, 2, 1, 1);
    padded.outputPadding = 1;
    QTest::newRow("valid") << padded << AutoPad::Valid << QList<int>{0, 0, 0, 0, 1, 1};
    // NOTSET: unchanged.
    QTest::newRow("notset") << padded << AutoPad::NotSet << QList<int>{1, 1, 1, 1, 1, 1};
    // output_padding counts: k3 s2 q1: total 2.
    QTest::newRow("k3 s2 q1 upper") << padded << AutoPad::SameUpper << QList<int>{1, 1, 1, 1, 1, 1};
}

void TestOutputSizeSolver::autoPadHandChecked() {
    QFETCH(ConvParams, g);
    QFETCH(AutoPad, mode);
    QFETCH(QList<int>, expected);
    const ConvParams r = withAutoPad(g, mode);
    const Pads4 four = pads(r);
    const QList<int> got{four.top, four.left, four.bottom, four.right, r.outputPadding.h, r.outputPadding.w};
    QCOMPARE(got, expected);
    QCOMPARE(r.kernel, g.kernel);
    QCOMPARE(r.stride, g.stride);
    QCOMPARE(r.dilation, g.dilation);
}

void TestOutputSizeSolver::autoPadSameIsInputTimesStride() {
    std::mt19937 rng(20261130);
    auto in = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int trial = 0; trial < 500; ++trial) {
        ConvParams g = geometry(Size2(in(1, 7), in(1, 7)), Size2(in(1, 5), in(1, 5)), 0, Size2(in(1, 3), in(1, 3)));
        g.outputPadding =
            Size2(in(0, std::max(g.stride.h, g.dilation.h) - 1), in(0, std::max(g.stride.w, g.dilation.w) - 1));
        const int h = in(1, 20), w = in(1, 20);
        for (AutoPad mode : {AutoPad::SameUpper, AutoPad::SameLower}) {
            const ConvParams r = withAutoPad(g, mode);
            validateParams(r);  // pads >= 0, output_padding legal
            QCOMPARE(outputSize(h, w, r), (OutputSize{int64_t(h) * g.stride.h, int64_t(w) * g.stride.w}));
            const Pads4 f = pads(r);
            // The odd pixel: at the end for SAME_UPPER, at the beginning for SAME_LOWER.
            const int diffH = f.bottom - f.top, diffW = f.right - f.left;
            QVERIFY(diffH == 0 || diffH == (mode == AutoPad::SameUpper ? 1 : -1));
            QVERIFY(diffW == 0 || diffW == (mode == AutoPad::SameUpper ? 1 : -1));
        }
        const ConvParams v = withAutoPad(g, AutoPad::Valid);
        QCOMPARE(pads(v), Pads4{});
    }
}

void TestOutputSizeSolver::onnxOutputShape() {
    // ONNX test_convtranspose_output_shape: 3x3, k3, strides [3, 2], output_shape [10, 8]:
    // full 9 x 7, total -1 per axis -> output_padding 1, pads 0.
    ConvParams g = geometry(3, Size2(3, 2), 0, 1);
    ConvParams r = withOutputShape(g, AutoPad::NotSet, 3, 3, 10, 8);
    QCOMPARE(pads(r), Pads4{});
    QCOMPARE(r.outputPadding, Size2(1, 1));
    QCOMPARE(outputSize(3, 3, r), (OutputSize{10, 8}));
    // Smaller than the full output: total 3 rows, 1 column; NOTSET puts the odd pixel at the beginning.
    r = withOutputShape(g, AutoPad::NotSet, 3, 3, 6, 6);
    QCOMPARE(pads(r), (Pads4{2, 1, 1, 0}));
    QCOMPARE(outputSize(3, 3, r), (OutputSize{6, 6}));
    r = withOutputShape(g, AutoPad::SameUpper, 3, 3, 6, 6);
    QCOMPARE(pads(r), (Pads4{1, 0, 2, 1}));
    QVERIFY_THROWS_EXCEPTION(ParameterError, withOutputShape(g, AutoPad::NotSet, 3, 3, 0, 6));
    // The pieces: splitTotalPadding.
    QCOMPARE(splitTotalPadding(5, AutoPad::SameUpper).begin, 2);
    QCOMPARE(splitTotalPadding(5, AutoPad::SameUpper).end, 3);
    QCOMPARE(splitTotalPadding(5, AutoPad::SameLower).begin, 3);
    QCOMPARE(splitTotalPadding(-2, AutoPad::SameLower).extraOutputPadding, 2);
    QCOMPARE(splitTotalPadding(7, AutoPad::Valid).end, 0);
}

QTEST_MAIN(TestOutputSizeSolver)
#include "test_output_size_solver.moc"
