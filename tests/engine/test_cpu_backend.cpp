// SPDX-License-Identifier: MIT
// The fast CPU backend against the reference scatter: hand-checked exact
// cases, wide rows that run the SIMD interior for every stride kernel, and
// hundreds of seeded random configurations (every parameter per axis, groups,
// bias, batch, sizes down to 1x1, heavy cropping, 1/2/3 threads; channel
// mixing with 2..9 output channels per group, which the backend computes in
// blocks of up to 4; a few outputs above the 16 MiB streaming threshold).
// Outputs are pre-filled with NaN so an output the backend forgets to write
// fails too.
#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

#include "BackendCheck.h"
#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/OutputGeometry.h"
#include "core/ReferenceConvTranspose.h"
#include "core/Validation.h"
#include "cpu/CpuBackend.h"
#include "cpu/internal/PhaseTable.h"

using namespace tconv;

namespace {

using test::compareToExpected;
using test::randomLayer;
using test::randomTensor;
using test::runOnNanOutput;

Tensor tensorOf(Shape4 s, std::initializer_list<float> values) {
    Tensor t(s);
    Q_ASSERT(static_cast<int64_t>(values.size()) == s.count());
    std::copy(values.begin(), values.end(), t.data());
    return t;
}

struct RandomCase {
    Shape4 input;
    ConvLayer layer;
    QString text;
};

int pick(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

// One axis: k 1..7, s 1..5, d 1..3, p from 0 up to beyond the kernel's reach
// (heavy cropping), op below max(s, d); input 1..9, sometimes wide.
void randomAxis(std::mt19937& rng, int& k, int& s, int& p, int& op, int& d, int64_t& in, bool wide) {
    k = pick(rng, 1, 7);
    s = pick(rng, 1, 5);
    d = pick(rng, 1, 3);
    p = pick(rng, 0, 3) == 0 ? pick(rng, 0, d * (k - 1) + 3) : pick(rng, 0, std::max(0, (d * (k - 1)) / 2));
    op = pick(rng, 0, std::max(s, d) - 1);
    in = wide ? pick(rng, 20, 70) : pick(rng, 1, 9);
}

QString caseText(const Shape4& input, const ConvLayer& layer) {
    return QString("in %1 C_in %2 C_out %3 %4 bias %5")
        .arg(QString::fromStdString(shapeText(input)))
        .arg(layer.inChannels())
        .arg(layer.outChannels())
        .arg(QString::fromStdString(describe(layer.params)))
        .arg(layer.bias.empty() ? "no" : "yes");
}

RandomCase randomCase(std::mt19937& rng) {
    for (;;) {
        ConvParams p;
        int64_t h = 0, w = 0;
        randomAxis(rng, p.kernel.h, p.stride.h, p.padding.h, p.outputPadding.h, p.dilation.h, h, false);
        randomAxis(rng, p.kernel.w, p.stride.w, p.padding.w, p.outputPadding.w, p.dilation.w, w, pick(rng, 0, 2) == 0);
        int64_t cin = 1, cout = 1;
        switch (pick(rng, 0, 5)) {
            case 0: cin = cout = p.groups = pick(rng, 1, 3); break;                      // depthwise
            case 1: cin = pick(rng, 1, 3), cout = pick(rng, 1, 3), p.groups = 1; break;  // full mixing
            case 2: cin = 4, cout = 6, p.groups = 2; break;                              // mixed groups
            case 3: p.groups = 2, cin = 2 * pick(rng, 1, 2), cout = 2 * pick(rng, 1, 3); break;
            default:  // 2..9 output channels per group: blocks of 4 and what is left
                p.groups = pick(rng, 1, 3);
                cin = p.groups * pick(rng, 1, 3);
                cout = p.groups * pick(rng, 2, 9);
                break;
        }
        const Shape4 input{pick(rng, 1, 3), cin, h, w};
        ConvLayer layer = randomLayer(p, cin, cout, pick(rng, 0, 1) == 1, rng);
        try {
            validateProblem(layer.problemFor(input));
        } catch (const ParameterError&) {
            continue;  // e.g. cropped to nothing; draw again
        }
        return {input, layer, caseText(input, layer)};
    }
}

// Channel mixing (2..9 output channels per group) with an output just above
// the 16 MiB from which the backend streams: few multiply-adds per output
// (k <= 4, s >= 2, at most 2 input channels per group) keep the reference
// fast, the input width is arbitrary (rows at every alignment).
// oneOutputPerGroup: the row path, which streams outputs this large; else the
// channel-block path, which writes them in place.
RandomCase largeCase(std::mt19937& rng, bool oneOutputPerGroup) {
    for (;;) {
        ConvParams p;
        int64_t unusedH = 0, unusedW = 0;
        randomAxis(rng, p.kernel.h, p.stride.h, p.padding.h, p.outputPadding.h, p.dilation.h, unusedH, false);
        randomAxis(rng, p.kernel.w, p.stride.w, p.padding.w, p.outputPadding.w, p.dilation.w, unusedW, false);
        p.kernel = Size2(std::min(p.kernel.h, 4), std::min(p.kernel.w, 4));
        p.stride = Size2(std::max(p.stride.h, 2), std::max(p.stride.w, 2));
        p.dilation = Size2(std::min(p.dilation.h, 2), std::min(p.dilation.w, 2));
        p.padding = Size2(std::min(p.padding.h, p.dilation.h * (p.kernel.h - 1)),
                          std::min(p.padding.w, p.dilation.w * (p.kernel.w - 1)));
        p.outputPadding = Size2(std::min(p.outputPadding.h, std::max(p.stride.h, p.dilation.h) - 1),
                                std::min(p.outputPadding.w, std::max(p.stride.w, p.dilation.w) - 1));
        p.groups = pick(rng, 1, 2);
        const int64_t cin = p.groups * pick(rng, 1, 2), cout = p.groups * (oneOutputPerGroup ? 1 : pick(rng, 2, 9));
        const int64_t n = pick(rng, 1, 2), w = pick(rng, 200, 700);
        const int64_t target = (16ll << 20) / int64_t(sizeof(float)) + pick(rng, 1, 100000);  // output floats
        int64_t h = 1;
        while (n * cout * outputSize(h, w, p).h * outputSize(h, w, p).w < target) ++h;
        const Shape4 input{n, cin, h, w};
        ConvLayer layer = randomLayer(p, cin, cout, pick(rng, 0, 1) == 1, rng);
        try {
            validateProblem(layer.problemFor(input));
        } catch (const ParameterError&) {
            continue;
        }
        return {input, layer, caseText(input, layer)};
    }
}

// One axis of a per-side padding case: k, s, d as randomAxis, the begin and
// end crops drawn separately (from none to beyond the kernel's reach).
void randomPerSideAxis(std::mt19937& rng, int& k, int& s, int& d, int& op, int& begin, int& end, int64_t& in,
                       bool wide) {
    int p = 0;
    randomAxis(rng, k, s, p, op, d, in, wide);
    const int reach = d * (k - 1);
    begin = pick(rng, 0, 2) == 0 ? pick(rng, 0, reach + 3) : pick(rng, 0, std::max(0, reach / 2 + 1));
    end = pick(rng, 0, 2) == 0 ? pick(rng, 0, reach + 3) : pick(rng, 0, std::max(0, reach / 2 + 1));
}

// The [top, top + out.h) x [left, left + out.w) window of every plane of `t`.
Tensor cropOf(const Tensor& t, int64_t top, int64_t left, const Shape4& out) {
    Tensor c(out);
    for (int64_t n = 0; n < out.n; ++n)
        for (int64_t ch = 0; ch < out.c; ++ch)
            for (int64_t y = 0; y < out.h; ++y)
                for (int64_t x = 0; x < out.w; ++x) c.at(n, ch, y, x) = t.at(n, ch, y + top, x + left);
    return c;
}

}  // namespace

class TestCpuBackend : public QObject {
    Q_OBJECT
private slots:
    void handCheckedCases();
    void phaseTableSplitsTaps();
    void wideRowsEveryStride_data();
    void wideRowsEveryStride();
    void randomConfigurations();
    void everyChannelBlock();
    void rowsWiderThanATile();
    void manyChannels();
    void streamedLargeOutput();
    void threadCountsAgreeBitwise();
    void reportsTarget();
    void perSidePaddingHandChecked();
    void perSidePaddingRandom();
};

void TestCpuBackend::handCheckedCases() {
    auto backend = createCpuBackend(2);
    ConvParams p;
    // Stride 1, k 2: out[o] = sum in[i] * W[o - i], worked out by hand.
    p.kernel = 2;
    ConvLayer a{p, tensorOf({1, 1, 2, 2}, {1, 2, 3, 4}), {}};
    const Tensor inA = tensorOf({1, 1, 2, 2}, {1, 2, 3, 4});
    QCOMPARE(runOnNanOutput(*backend, inA, a).storage(), (std::vector<float>{1, 4, 4, 6, 20, 16, 9, 24, 16}));
    // k == s == 2: each input pixel becomes an in * W block.
    p.stride = 2;
    ConvLayer b{p, a.weight, {}};
    QCOMPARE(runOnNanOutput(*backend, inA, b).storage(),
             (std::vector<float>{1, 2, 2, 4, 3, 4, 6, 8, 3, 6, 4, 8, 9, 12, 12, 16}));
    // 1-D k3 s2 p1 op1 with bias: uncropped [1,2,5,4,9,6,9,0], crop 1 -> 6 values, + 0.5.
    ConvParams c;
    c.kernel = Size2(1, 3);
    c.stride = Size2(1, 2);
    c.padding = Size2(0, 1);
    c.outputPadding = Size2(0, 1);
    ConvLayer lc{c, tensorOf({1, 1, 1, 3}, {1, 2, 3}), {0.5f}};
    QCOMPARE(runOnNanOutput(*backend, tensorOf({1, 1, 1, 3}, {1, 2, 3}), lc).storage(),
             (std::vector<float>{2.5f, 5.5f, 4.5f, 9.5f, 6.5f, 9.5f}));
    // Dilation 2: taps at 0 and 2 -> [1, 2, 3+10, 20, 30].
    ConvParams d;
    d.kernel = Size2(1, 2);
    d.dilation = Size2(1, 2);
    ConvLayer ld{d, tensorOf({1, 1, 1, 2}, {1, 10}), {}};
    QCOMPARE(runOnNanOutput(*backend, tensorOf({1, 1, 1, 3}, {1, 2, 3}), ld).storage(),
             (std::vector<float>{1, 2, 13, 20, 30}));
    // Channel mixing: 2 -> 1, 1x1 input (2, 3), W ch0 [1 2], ch1 [10 20].
    ConvParams e;
    e.kernel = Size2(1, 2);
    ConvLayer le{e, tensorOf({2, 1, 1, 2}, {1, 2, 10, 20}), {}};
    QCOMPARE(runOnNanOutput(*backend, tensorOf({1, 2, 1, 1}, {2, 3}), le).storage(), (std::vector<float>{32, 64}));
    // k 1 < s 3, op 2: phases 1 and 2 get no tap, only the bias (added once).
    ConvParams f;
    f.stride = Size2(1, 3);
    f.outputPadding = Size2(0, 2);
    ConvLayer lf{f, tensorOf({1, 1, 1, 1}, {2}), {0.25f}};
    QCOMPARE(runOnNanOutput(*backend, tensorOf({1, 1, 1, 2}, {1, 3}), lf).storage(),
             (std::vector<float>{2.25f, 0.25f, 0.25f, 6.25f, 0.25f, 0.25f}));
    // Depthwise, 2 channels with their own kernels and biases, k 2 s 2.
    ConvParams g;
    g.kernel = Size2(1, 2);
    g.stride = Size2(1, 2);
    g.groups = 2;
    ConvLayer lg{g, tensorOf({2, 1, 1, 2}, {1, -1, 2, 3}), {1, -1}};
    QCOMPARE(runOnNanOutput(*backend, tensorOf({1, 2, 1, 2}, {1, 2, 3, 4}), lg).storage(),
             (std::vector<float>{2, 0, 3, -1, 5, 8, 7, 11}));
}

void TestCpuBackend::phaseTableSplitsTaps() {
    // k4 s2 p1: phase 0 gets taps 0 (t 0) and 2 (t 1), phase 1 taps 1 and 3.
    const cpu::PhaseTable t(8, 16, 4, 2, 1, 1);
    QCOMPARE(t.taps(0).size(), size_t(2));
    QCOMPARE(t.taps(0)[1].k, 2);
    QCOMPARE(t.taps(0)[1].t, int64_t(1));
    QCOMPARE(t.taps(1)[0].k, 1);
    QCOMPARE(t.phaseOf(0), 1);  // output 0 = 2*0 + 1 - 1
    QCOMPARE(t.groupOf(0), int64_t(0));
    // Interior: m >= 1 (t up to 1; group 0 is cut by the padding) and m < 8.
    QCOMPARE(t.interiorBegin(), int64_t(1));
    QCOMPARE(t.interiorEnd(), int64_t(8));
    // d 2, s 2: every tap is in phase 0; phase 1 is empty.
    const cpu::PhaseTable u(5, 11, 3, 2, 0, 2);
    QCOMPARE(u.taps(0).size(), size_t(3));
    QCOMPARE(u.taps(1).size(), size_t(0));
    QCOMPARE(u.maxOffset(), int64_t(2));
}

void TestCpuBackend::wideRowsEveryStride_data() {
    QTest::addColumn<ConvParams>("params");
    QTest::addColumn<int>("groups");  // 0: depthwise over 3 channels; else full 2 -> 3
    auto make = [](int k, int s, int p, int op, int d) {
        ConvParams c;
        c.kernel = k, c.stride = s, c.padding = p, c.outputPadding = op, c.dilation = d;
        return c;
    };
    QTest::newRow("image case k4 s2 p1") << make(4, 2, 1, 0, 1) << 0;
    QTest::newRow("stride 1 k3 p1") << make(3, 1, 1, 0, 1) << 0;
    QTest::newRow("k3 s2 p1 op1") << make(3, 2, 1, 1, 1) << 0;
    QTest::newRow("k5 s3 p1") << make(5, 3, 1, 0, 1) << 0;
    QTest::newRow("k == s == 4") << make(4, 4, 0, 0, 1) << 0;
    QTest::newRow("k7 s5 p2 op3") << make(7, 5, 2, 3, 1) << 0;
    QTest::newRow("k3 s2 p2 op1 d2") << make(3, 2, 2, 1, 2) << 0;
    QTest::newRow("full k4 s2 p1") << make(4, 2, 1, 0, 1) << 1;
    QTest::newRow("full k2 s6") << make(2, 6, 0, 0, 1) << 1;
}

void TestCpuBackend::wideRowsEveryStride() {
    QFETCH(ConvParams, params);
    QFETCH(int, groups);
    std::mt19937 rng(7);
    const int64_t cin = groups == 0 ? 3 : 2, cout = 3;
    params.groups = groups == 0 ? 3 : 1;
    const Tensor input = randomTensor(Shape4{2, cin, 13, 131}, rng);
    const ConvLayer layer = randomLayer(params, cin, cout, true, rng);
    const Tensor expected = referenceConvTranspose2d(input, layer);
    for (int threads : {1, 2, 3}) {
        auto backend = createCpuBackend(threads);
        const QString diff = compareToExpected(runOnNanOutput(*backend, input, layer), expected, input, layer);
        QVERIFY2(diff.isEmpty(), qPrintable(QString("%1 threads: %2").arg(threads).arg(diff)));
    }
}

void TestCpuBackend::randomConfigurations() {
    std::mt19937 rng(20240611);
    std::unique_ptr<Backend> backends[3] = {createCpuBackend(1), createCpuBackend(2), createCpuBackend(3)};
    int withInterior = 0, cropped = 0, mixing = 0, blocked = 0, unevenBlocks = 0, groupedBlocks = 0, batchedBlocks = 0,
        streamed = 0, largeBlocked = 0;
    const int cases = 600;
    for (int i = 0; i < cases; ++i) {
        // Three of the cases (slow-ish: ~17 MB of output each) are above the
        // 16 MiB streaming threshold: one through the row path, two blocked.
        const RandomCase rc = i % 200 == 100 ? largeCase(rng, i == 100) : randomCase(rng);
        const Tensor input = randomTensor(rc.input, rng);
        const Tensor expected = referenceConvTranspose2d(input, rc.layer);
        const QString diff =
            compareToExpected(runOnNanOutput(*backends[i % 3], input, rc.layer), expected, input, rc.layer);
        QVERIFY2(diff.isEmpty(),
                 qPrintable(QString("case %1 (%2, %3 threads): %4").arg(i).arg(rc.text).arg(i % 3 + 1).arg(diff)));
        const ConvParams& p = rc.layer.params;
        const cpu::PhaseTable x(rc.input.w, expected.shape().w, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w);
        const int64_t coutPerGroup = rc.layer.weight.shape().c;
        withInterior += x.interiorEnd() - x.interiorBegin() >= 16;
        cropped +=
            p.padding.h > p.dilation.h * (p.kernel.h - 1) / 2 || p.padding.w > p.dilation.w * (p.kernel.w - 1) / 2;
        mixing += rc.layer.weight.shape().n / p.groups > 1;
        blocked += coutPerGroup > 1;
        unevenBlocks += coutPerGroup > 4 && coutPerGroup % 4 != 0;
        groupedBlocks += coutPerGroup > 1 && p.groups > 1;
        batchedBlocks += coutPerGroup > 1 && rc.input.n > 1;
        const bool large = expected.size() * int64_t(sizeof(float)) >= (16ll << 20);
        streamed += large && coutPerGroup == 1;
        largeBlocked += large && coutPerGroup > 1;
    }
    // The draw must reach the SIMD interior, heavy cropping, channel mixing,
    // the channel blocks (uneven splits, several groups, batches), streaming,
    // and large blocked outputs.
    QVERIFY2(withInterior > cases / 10, qPrintable(QString::number(withInterior)));
    QVERIFY2(cropped > cases / 10, qPrintable(QString::number(cropped)));
    QVERIFY2(mixing > cases / 10, qPrintable(QString::number(mixing)));
    QVERIFY2(blocked > cases / 4, qPrintable(QString::number(blocked)));
    QVERIFY2(unevenBlocks > cases / 20, qPrintable(QString::number(unevenBlocks)));
    QVERIFY2(groupedBlocks > cases / 10, qPrintable(QString::number(groupedBlocks)));
    QVERIFY2(batchedBlocks > cases / 10, qPrintable(QString::number(batchedBlocks)));
    QCOMPARE(streamed, 1);
    QCOMPARE(largeBlocked, 2);
}

void TestCpuBackend::everyChannelBlock() {
    // 1..9 output channels per group (one block; two or three of uneven
    // sizes: 5 = 2 + 3, 7 = 3 + 4, 9 = 3 + 3 + 3) in 1..3 groups, batch 2,
    // rows wide enough for the SIMD interior, strides 1..6 (every stride
    // variant of the block kernel), 1..3 threads.
    std::mt19937 rng(20240612);
    std::unique_ptr<Backend> backends[3] = {createCpuBackend(1), createCpuBackend(2), createCpuBackend(3)};
    int i = 0;
    for (int perGroup = 1; perGroup <= 9; ++perGroup)
        for (int groups = 1; groups <= 3; ++groups, ++i) {
            ConvParams p;
            p.kernel = Size2(pick(rng, 1, 4), pick(rng, 1, 6));
            p.stride = Size2(pick(rng, 1, 3), i % 6 + 1);
            p.dilation = Size2(1, pick(rng, 1, 2));
            p.padding = Size2(pick(rng, 0, p.kernel.h - 1), pick(rng, 0, p.dilation.w * (p.kernel.w - 1)));
            p.outputPadding = Size2(pick(rng, 0, p.stride.h - 1), pick(rng, 0, std::max(p.stride.w, p.dilation.w) - 1));
            p.groups = groups;
            const int64_t cin = groups * pick(rng, 1, 3), cout = int64_t(groups) * perGroup;
            const Shape4 shape{2, cin, pick(rng, 3, 6), pick(rng, 40, 90)};
            const Tensor input = randomTensor(shape, rng);
            const ConvLayer layer = randomLayer(p, cin, cout, pick(rng, 0, 1) == 1, rng);
            const QString diff = compareToExpected(runOnNanOutput(*backends[i % 3], input, layer),
                                                   referenceConvTranspose2d(input, layer), input, layer);
            QVERIFY2(diff.isEmpty(), qPrintable(QString("%1 per group, %2 groups (%3): %4")
                                                    .arg(perGroup)
                                                    .arg(groups)
                                                    .arg(caseText(shape, layer))
                                                    .arg(diff)));
        }
}

void TestCpuBackend::rowsWiderThanATile() {
    // 4200 outputs per row: two tiles of the row path (4096 floats), the
    // second starting inside a group of s outputs; 2 -> 1 mixing (one output
    // channel per group keeps it on the row path) with non-uniform taps (k3 s2).
    // Wide rows of the block path: streamedLargeOutput.
    std::mt19937 rng(11);
    ConvParams p;
    p.kernel = 3, p.stride = 2, p.padding = 1, p.outputPadding = 1;
    const Tensor input = randomTensor(Shape4{1, 2, 3, 2100}, rng);
    const ConvLayer layer = randomLayer(p, 2, 1, true, rng);
    auto backend = createCpuBackend(2);
    const QString diff =
        compareToExpected(runOnNanOutput(*backend, input, layer), referenceConvTranspose2d(input, layer), input, layer);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

void TestCpuBackend::manyChannels() {
    // Long tap lists (8 input channels per group: 8 x 2 x 2 = 32 taps per
    // phase) through the general kernel; and 4 groups of 2 -> 3.
    std::mt19937 rng(13);
    auto backend = createCpuBackend(2);
    for (int groups : {1, 4}) {
        ConvParams p;
        p.kernel = 4, p.stride = 2, p.padding = 1, p.groups = groups;
        const Tensor input = randomTensor(Shape4{2, 8, 9, 45}, rng);
        const ConvLayer layer = randomLayer(p, 8, groups == 1 ? 5 : 12, true, rng);
        const QString diff = compareToExpected(runOnNanOutput(*backend, input, layer),
                                               referenceConvTranspose2d(input, layer), input, layer);
        QVERIFY2(diff.isEmpty(), qPrintable(QString("groups %1: %2").arg(groups).arg(diff)));
    }
}

void TestCpuBackend::streamedLargeOutput() {
    // 1002 x 4198 floats = 16.8 MB: above the 16 MiB from which the backend
    // computes rows tile by tile in a scratch buffer and streams them out.
    // Rows of 4198 floats start at every alignment (the copy's scalar head and
    // tail), span two tiles, and p = 1 makes the tile boundary cut a group of
    // s outputs (an off-by-one there writes outside the scratch: ASan run).
    std::mt19937 rng(12);
    ConvParams p;
    p.kernel = 2, p.stride = 2, p.padding = 1, p.groups = 1;  // k == s keeps the reference cheap
    const Tensor input = randomTensor(Shape4{1, 1, 502, 2100}, rng);
    const ConvLayer layer = randomLayer(p, 1, 1, true, rng);
    auto backend = createCpuBackend(2);
    const Tensor fast = runOnNanOutput(*backend, input, layer);
    QCOMPARE(fast.shape(), (Shape4{1, 1, 1002, 4198}));
    const QString diff = compareToExpected(fast, referenceConvTranspose2d(input, layer), input, layer);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
    // Channel mixing (2 -> 5: blocks of 2 and 3 channels), 5 x 220 x 4200
    // floats = 18.5 MB: as large, written in place by the block path, rows of
    // 4200 at every alignment (k3 s2 p1 op1).
    ConvParams q;
    q.kernel = 3, q.stride = 2, q.padding = 1, q.outputPadding = 1;
    const Tensor mixIn = randomTensor(Shape4{1, 2, 110, 2100}, rng);
    const ConvLayer mixing = randomLayer(q, 2, 5, true, rng);
    const Tensor mixOut = runOnNanOutput(*backend, mixIn, mixing);
    QCOMPARE(mixOut.shape(), (Shape4{1, 5, 220, 4200}));
    const QString mixDiff = compareToExpected(mixOut, referenceConvTranspose2d(mixIn, mixing), mixIn, mixing);
    QVERIFY2(mixDiff.isEmpty(), qPrintable(mixDiff));
}

void TestCpuBackend::threadCountsAgreeBitwise() {
    // Each output row is computed by one thread in a fixed order, so the
    // result cannot depend on the thread count.
    std::mt19937 rng(3);
    ConvParams p;
    p.kernel = 4, p.stride = 2, p.padding = 1, p.groups = 3;
    const Tensor input = randomTensor(Shape4{1, 3, 61, 97}, rng);
    const ConvLayer layer = randomLayer(p, 3, 3, true, rng);
    auto one = createCpuBackend(1), three = createCpuBackend(3);
    QCOMPARE(runOnNanOutput(*one, input, layer).storage(), runOnNanOutput(*three, input, layer).storage());
    // Channel mixing in blocks (7 = 3 + 4 channels): the same holds.
    p.groups = 1;
    const ConvLayer mixing = randomLayer(p, 3, 7, true, rng);
    QCOMPARE(runOnNanOutput(*one, input, mixing).storage(), runOnNanOutput(*three, input, mixing).storage());
}

void TestCpuBackend::reportsTarget() {
    const QString target = QString::fromStdString(cpuSimdTarget());
    QVERIFY(!target.isEmpty());
    QVERIFY(cpuDefaultThreadCount() >= 1);
    auto backend = createCpuBackend(3);
    QVERIFY2(QString::fromStdString(backend->description()).contains("3 threads"), backend->description().c_str());
    QVERIFY(!cpuThreadingLibrary().empty());
}

void TestCpuBackend::perSidePaddingHandChecked() {
    // 1 x 3 input [1, 2, 3], kernel [1, 10, 100], stride 2: full output
    // [1, 10, 102, 20, 203, 30, 300]; pads left 1, right 2 (ONNX [0, 1, 0, 2])
    // keep [10, 102, 20, 203], + bias 0.5. 2x1 rows: kernel [1, 2] stride 1,
    // input rows a, b: full [a, 2a + b, 2b]; top 0, bottom 1 keep [a, 2a + b].
    ConvParams p;
    p.kernel = Size2(2, 3);
    p.stride = Size2(1, 2);
    setPads(p, Pads4{0, 1, 1, 2});
    ConvLayer layer;
    layer.params = p;
    layer.weight = tensorOf(Shape4{1, 1, 2, 3}, {1, 10, 100, 2, 20, 200});
    layer.bias = {0.5f};
    const Tensor input = tensorOf(Shape4{1, 1, 2, 3}, {1, 2, 3, 4, 5, 6});
    // Row 0 = a-row * [1, 10, 100]; row 1 = 2 * a-row * [1, 10, 100] + b-row * [1, 10, 100].
    const Tensor expected = tensorOf(Shape4{1, 1, 2, 4}, {10.5f, 102.5f, 20.5f, 203.5f,  //
                                                          2 * 10 + 40 + 0.5f, 2 * 102 + 5 * 1 + 4 * 100 + 0.5f,
                                                          2 * 20 + 50 + 0.5f, 2 * 203 + 6 * 1 + 5 * 100 + 0.5f});
    QCOMPARE(referenceConvTranspose2d(input, layer).storage(), expected.storage());
    for (CpuPath path : {CpuPath::Direct, CpuPath::Gemm}) {
        auto backend = createCpuBackend(1, path);
        const Tensor got = runOnNanOutput(*backend, input, layer);
        QCOMPARE(got.shape(), expected.shape());
        QCOMPARE(got.storage(), expected.storage());
    }
}

void TestCpuBackend::perSidePaddingRandom() {
    // Seeded random per-side crops (ONNX pads) over every parameter: the
    // reference equals the unpadded reference cropped [top:H-bottom,
    // left:W-right] (the definition, checked independently), and the direct
    // and GEMM paths equal the reference, at 1..3 threads.
    std::mt19937 rng(20261130);
    std::unique_ptr<Backend> direct[3] = {createCpuBackend(1, CpuPath::Direct), createCpuBackend(2, CpuPath::Direct),
                                          createCpuBackend(3, CpuPath::Direct)};
    std::unique_ptr<Backend> gemm[2] = {createCpuBackend(1, CpuPath::Gemm), createCpuBackend(2, CpuPath::Gemm)};
    const int cases = 200;
    int asymmetric = 0, wideInterior = 0, endHeavy = 0;
    for (int i = 0; i < cases;) {
        ConvParams p;
        int64_t h = 0, w = 0;
        int t = 0, l = 0, b = 0, r = 0;
        randomPerSideAxis(rng, p.kernel.h, p.stride.h, p.dilation.h, p.outputPadding.h, t, b, h, false);
        randomPerSideAxis(rng, p.kernel.w, p.stride.w, p.dilation.w, p.outputPadding.w, l, r, w, pick(rng, 0, 2) == 0);
        setPads(p, Pads4{t, l, b, r});
        p.groups = pick(rng, 1, 2);
        const int64_t cin = p.groups * pick(rng, 1, 2), cout = p.groups * pick(rng, 1, 5);
        const Shape4 shape{pick(rng, 1, 2), cin, h, w};
        const ConvLayer layer = randomLayer(p, cin, cout, pick(rng, 0, 1) == 1, rng);
        Shape4 out;
        try {
            out = validateProblem(layer.problemFor(shape));
        } catch (const ParameterError&) {
            continue;  // cropped to nothing: draw again
        }
        const Tensor input = randomTensor(shape, rng);
        const Tensor expected = referenceConvTranspose2d(input, layer);
        ConvLayer unpadded = layer;
        setPads(unpadded.params, Pads4{});
        QCOMPARE(expected.storage(), cropOf(referenceConvTranspose2d(input, unpadded), t, l, out).storage());
        const QString text = caseText(shape, layer);
        const QString d1 = compareToExpected(runOnNanOutput(*direct[i % 3], input, layer), expected, input, layer);
        QVERIFY2(d1.isEmpty(), qPrintable(QString("case %1 direct (%2): %3").arg(i).arg(text).arg(d1)));
        const QString d2 = compareToExpected(runOnNanOutput(*gemm[i % 2], input, layer), expected, input, layer);
        QVERIFY2(d2.isEmpty(), qPrintable(QString("case %1 gemm (%2): %3").arg(i).arg(text).arg(d2)));
        asymmetric += hasAsymmetricPadding(p);
        wideInterior += w >= 20;
        endHeavy += b > t + 1 || r > l + 1;
        ++i;
    }
    QVERIFY2(asymmetric > cases * 3 / 4, qPrintable(QString::number(asymmetric)));
    QVERIFY2(wideInterior > cases / 5, qPrintable(QString::number(wideInterior)));
    QVERIFY2(endHeavy > cases / 5, qPrintable(QString::number(endHeavy)));
}

QTEST_APPLESS_MAIN(TestCpuBackend)
#include "test_cpu_backend.moc"
