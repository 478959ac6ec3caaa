// SPDX-License-Identifier: MIT
// The CPU backend's channel-mixing GEMM path (GemmPath.cpp) against the
// reference scatter: seeded random layers forced through that path (every
// parameter per axis, groups, bias, batches, sizes down to 1x1, phases no tap
// reaches), channel counts up to 512 and odd ones (edge panels of the 6 x 16
// register tile and of the 256-deep K chunks) on small images, the automatic
// choice agreeing with the direct kernels, packed weights never stale after
// an in-place edit, and results independent of the thread count. Outputs
// are pre-filled with NaN so an output the path forgets to write fails too.
#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

#include "BackendCheck.h"
#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/ReferenceConvTranspose.h"
#include "core/Validation.h"
#include "cpu/CpuBackend.h"

using namespace tconv;

namespace {

using test::compareToExpected;
using test::randomLayer;
using test::randomTensor;
using test::runOnNanOutput;

int pick(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

QString caseText(const Shape4& input, const ConvLayer& layer) {
    return QString("in %1 C_in %2 C_out %3 %4 bias %5")
        .arg(QString::fromStdString(shapeText(input)))
        .arg(layer.inChannels())
        .arg(layer.outChannels())
        .arg(QString::fromStdString(describe(layer.params)))
        .arg(layer.bias.empty() ? "no" : "yes");
}

// One axis: k 1..7, s 1..5, d 1..3, p from 0 to beyond the kernel's reach,
// op below max(s, d).
void randomAxis(std::mt19937& rng, int& k, int& s, int& p, int& op, int& d) {
    k = pick(rng, 1, 7);
    s = pick(rng, 1, 5);
    d = pick(rng, 1, 3);
    p = pick(rng, 0, 3) == 0 ? pick(rng, 0, d * (k - 1) + 3) : pick(rng, 0, std::max(0, (d * (k - 1)) / 2));
    op = pick(rng, 0, std::max(s, d) - 1);
}

struct Case {
    Tensor input;
    ConvLayer layer;
};

// A valid random layer with the given channel range per group.
Case randomCase(std::mt19937& rng, int maxPerGroup, int maxSide) {
    for (;;) {
        ConvParams p;
        randomAxis(rng, p.kernel.h, p.stride.h, p.padding.h, p.outputPadding.h, p.dilation.h);
        randomAxis(rng, p.kernel.w, p.stride.w, p.padding.w, p.outputPadding.w, p.dilation.w);
        p.groups = pick(rng, 1, 3);
        const int64_t cin = p.groups * pick(rng, 1, maxPerGroup), cout = p.groups * pick(rng, 1, maxPerGroup);
        const Shape4 in{pick(rng, 1, 2), cin, pick(rng, 1, maxSide), pick(rng, 1, 3 * maxSide)};
        ConvLayer layer = randomLayer(p, cin, cout, pick(rng, 0, 1) == 1, rng);
        try {
            validateProblem(layer.problemFor(in));
        } catch (const ParameterError&) {
            continue;  // cropped to nothing: draw again
        }
        return {randomTensor(in, rng), layer};
    }
}

}  // namespace

class TestCpuGemm : public QObject {
    Q_OBJECT
private slots:
    void exactSmallCase();
    void randomLayersEveryParameter();
    void largeAndOddChannelCounts();
    void autoPathAgreesWithDirect();
    void editedWeightsAreRepacked();
    void threadCountsAgreeBitwise();
    void peakIsMeasured();
};

void TestCpuGemm::exactSmallCase() {
    // 1x1 input, 2 -> 2 channels, k2 s2: each output pixel is one weight
    // times one input, plus bias. Hand-computed.
    ConvLayer layer;
    layer.params.kernel = 2, layer.params.stride = 2;
    layer.weight = Tensor(Shape4{2, 2, 2, 2});
    for (int64_t i = 0; i < 16; ++i) layer.weight.data()[i] = float(i + 1);
    layer.bias = {0.5f, -1.0f};
    Tensor input(Shape4{1, 2, 1, 1});
    input.data()[0] = 1.0f, input.data()[1] = 2.0f;
    auto gemm = createCpuBackend(1, CpuPath::Gemm);
    const Tensor out = runOnNanOutput(*gemm, input, layer);
    // out[co][y][x] = bias[co] + 1 * w[0][co][y][x] + 2 * w[1][co][y][x]
    for (int co = 0; co < 2; ++co)
        for (int y = 0; y < 2; ++y)
            for (int x = 0; x < 2; ++x) {
                const float w0 = float(co * 4 + y * 2 + x + 1), w1 = float(8 + co * 4 + y * 2 + x + 1);
                QCOMPARE(out.at(0, co, y, x), layer.bias[co] + w0 + 2 * w1);
            }
}

void TestCpuGemm::randomLayersEveryParameter() {
    std::mt19937 rng(1601);
    std::unique_ptr<Backend> backends[3] = {createCpuBackend(1, CpuPath::Gemm), createCpuBackend(2, CpuPath::Gemm),
                                            createCpuBackend(3, CpuPath::Gemm)};
    for (int i = 0; i < 300; ++i) {
        const Case c = randomCase(rng, 9, 9);
        const QString diff = compareToExpected(runOnNanOutput(*backends[i % 3], c.input, c.layer),
                                               referenceConvTranspose2d(c.input, c.layer), c.input, c.layer);
        QVERIFY2(diff.isEmpty(),
                 qPrintable(QString("case %1 (%2): %3").arg(i).arg(caseText(c.input.shape(), c.layer), diff)));
    }
}

void TestCpuGemm::largeAndOddChannelCounts() {
    // Up to 512 channels on small images: several K chunks (C_in * taps > 256),
    // partial last chunks, M not a multiple of 6, pixel counts not multiples
    // of 16, and rows wider than one block of pixels.
    struct Shape {
        int64_t cin, cout, h, w;
        int k, s, p, groups;
    };
    const Shape shapes[] = {
        {512, 512, 3, 4, 4, 2, 1, 1}, {512, 256, 2, 5, 4, 2, 1, 1}, {257, 131, 3, 7, 3, 2, 1, 1},
        {67, 509, 2, 3, 4, 2, 1, 1},  {130, 66, 5, 9, 3, 1, 1, 2},  {96, 7, 3, 300, 4, 2, 1, 1},
        {33, 45, 4, 6, 5, 3, 2, 3},   {256, 128, 6, 6, 4, 4, 0, 1},
    };
    std::mt19937 rng(1602);
    auto backend = createCpuBackend(2, CpuPath::Gemm);
    for (const Shape& s : shapes) {
        ConvParams p;
        p.kernel = s.k, p.stride = s.s, p.padding = s.p, p.groups = s.groups;
        const Tensor input = randomTensor(Shape4{1 + (s.cin % 2), s.cin, s.h, s.w}, rng);
        const ConvLayer layer = randomLayer(p, s.cin, s.cout, s.cout % 2 == 1, rng);
        const QString diff = compareToExpected(runOnNanOutput(*backend, input, layer),
                                               referenceConvTranspose2d(input, layer), input, layer);
        QVERIFY2(diff.isEmpty(), qPrintable(caseText(input.shape(), layer) + ": " + diff));
    }
}

void TestCpuGemm::autoPathAgreesWithDirect() {
    // The default backend on many channels (the GEMM) and the direct kernels
    // compute the same layer, with per-axis parameters.
    std::mt19937 rng(1603);
    ConvParams p;
    p.kernel = Size2(4, 3), p.stride = Size2(2, 3), p.padding = Size2(1, 0), p.outputPadding = Size2(1, 2);
    p.dilation = Size2(1, 2);
    const Tensor input = randomTensor(Shape4{2, 64, 6, 11}, rng);
    const ConvLayer layer = randomLayer(p, 64, 96, true, rng);
    auto automatic = createCpuBackend(2), direct = createCpuBackend(2, CpuPath::Direct);
    const Tensor expected = referenceConvTranspose2d(input, layer);
    QVERIFY2(compareToExpected(runOnNanOutput(*automatic, input, layer), expected, input, layer).isEmpty(), "auto");
    QVERIFY2(compareToExpected(runOnNanOutput(*direct, input, layer), expected, input, layer).isEmpty(), "direct");
}

void TestCpuGemm::editedWeightsAreRepacked() {
    // The studio edits a layer's weights in place and runs it again: the
    // packed-weight cache must notice (same pointer, same shape, new values).
    std::mt19937 rng(1604);
    ConvParams p;
    p.kernel = 4, p.stride = 2, p.padding = 1;
    const Tensor input = randomTensor(Shape4{1, 24, 5, 6}, rng);
    ConvLayer layer = randomLayer(p, 24, 18, true, rng);
    auto backend = createCpuBackend(2, CpuPath::Gemm);
    QVERIFY(
        compareToExpected(runOnNanOutput(*backend, input, layer), referenceConvTranspose2d(input, layer), input, layer)
            .isEmpty());
    layer.weight.data()[layer.weight.size() / 2] += 3.0f;
    const QString diff =
        compareToExpected(runOnNanOutput(*backend, input, layer), referenceConvTranspose2d(input, layer), input, layer);
    QVERIFY2(diff.isEmpty(), qPrintable("after editing one weight: " + diff));
    // Another layer of the same shape, then the first again: both served right.
    ConvLayer other = randomLayer(p, 24, 18, false, rng);
    QVERIFY(
        compareToExpected(runOnNanOutput(*backend, input, other), referenceConvTranspose2d(input, other), input, other)
            .isEmpty());
    QVERIFY(
        compareToExpected(runOnNanOutput(*backend, input, layer), referenceConvTranspose2d(input, layer), input, layer)
            .isEmpty());
}

void TestCpuGemm::threadCountsAgreeBitwise() {
    // Each output's sum runs over the same K chunks in the same order
    // whatever block or thread computes it.
    std::mt19937 rng(1605);
    ConvParams p;
    p.kernel = 4, p.stride = 2, p.padding = 1;
    const Tensor input = randomTensor(Shape4{1, 300, 9, 37}, rng);
    const ConvLayer layer = randomLayer(p, 300, 40, true, rng);
    auto one = createCpuBackend(1, CpuPath::Gemm), three = createCpuBackend(3, CpuPath::Gemm);
    QCOMPARE(runOnNanOutput(*one, input, layer).storage(), runOnNanOutput(*three, input, layer).storage());
}

void TestCpuGemm::peakIsMeasured() {
    const double peak = cpuGemmPeakGflops(1);
    QVERIFY2(peak > 0.1 && std::isfinite(peak), qPrintable(QString::number(peak)));
}

QTEST_APPLESS_MAIN(TestCpuGemm)
#include "test_cpu_gemm.moc"
