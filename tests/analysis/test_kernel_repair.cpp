// SPDX-License-Identifier: MIT
// Kernel repairs (additive, zero-order hold) and the artifact component:
// CV after repair, unchanged output size, the refusals, and E = ConvT(x; K) -
// ConvT(x; K_additive) checked against the reference implementation.
#include <QtTest>

#include <cmath>
#include <random>

#include "analysis/AnalysisTestUtil.h"
#include "analysis/ArtifactComponent.h"
#include "analysis/KernelRepair.h"
#include "analysis/LayerKernels.h"
#include "analysis/PhaseGain.h"
#include "backends/BackendFactory.h"
#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/ReferenceConvTranspose.h"

using namespace tconv;
using namespace tconv::testutil;

class TestKernelRepair : public QObject {
    Q_OBJECT
private slots:
    void parseNames();
    void additiveRandom();
    void additiveRefusesHoles();
    void zohRandom();
    void zohKnownCase();
    void zohRefusesLargeOutputPadding();
    void repairedResponseIsFlat();
    void layerRepairAllSlices();
    void artifactComponentIsWhatAdditiveRemoves();
};

void TestKernelRepair::parseNames() {
    QCOMPARE(parseRepairMethod("additive"), std::optional<RepairMethod>(RepairMethod::Additive));
    QCOMPARE(parseRepairMethod("zoh"), std::optional<RepairMethod>(RepairMethod::ZeroOrderHold));
    QVERIFY(!parseRepairMethod("ZOH").has_value());
    QCOMPARE(std::string(repairMethodName(RepairMethod::ZeroOrderHold)), std::string("zoh"));
}

void TestKernelRepair::additiveRandom() {
    std::mt19937 rng(2024);
    int repaired = 0;
    for (int trial = 0; trial < 500; ++trial) {
        const AxisParams ah = randomAxis(rng, 8, 7), aw = randomAxis(rng, 8, 7);
        const ConvParams p = makeParams(ah, aw);
        const Kernel2D k = randomKernel(rng, ah.k, aw.k, -1.0f, 2.0f);
        const KernelRepair r = repairKernel(k, p, RepairMethod::Additive);
        const bool holes = artifactScores(phaseGainTable(k, p.stride, p.dilation)).holes;
        QCOMPARE(r.ok, !holes);
        if (!r.ok) continue;
        ++repaired;
        QCOMPARE(r.params, p);
        QCOMPARE(r.kernel.h, k.h);
        QVERIFY(std::abs(r.kernel.sum() - k.sum()) < 1e-4);
        const ArtifactScores after = artifactScores(phaseGainTable(r.kernel, p.stride, p.dilation));
        if (std::abs(after.mean) > 0.05)  // CV is relative to the mean; skip near-zero-sum kernels
            QVERIFY2(after.cv < 1e-6, qPrintable(QString("cv %1 for %2").arg(after.cv).arg(describe(p).c_str())));
        for (double g : phaseGainTable(r.kernel, p.stride, p.dilation).gain) QVERIFY(std::abs(g - after.mean) < 1e-5);
    }
    QVERIFY(repaired > 100);
}

void TestKernelRepair::additiveRefusesHoles() {
    ConvParams p;
    p.stride = Size2(2);
    KernelRepair r = repairKernel(Kernel2D(1, 3, 1.0f), p, RepairMethod::Additive);
    QVERIFY(!r.ok);
    QVERIFY(r.reason.find("no kernel tap") != std::string::npos);
    QVERIFY(r.reason.find("kernel size 1 is smaller than stride 2 along height") != std::string::npos);
    p.dilation = Size2(2);
    r = repairKernel(Kernel2D(3, 3, 1.0f), p, RepairMethod::Additive);
    QVERIFY(!r.ok);
    QVERIFY(r.reason.find("dilation 2 shares the factor 2") != std::string::npos);
    // The zero-order hold handles the same kernels.
    QVERIFY(repairKernel(Kernel2D(3, 3, 1.0f), p, RepairMethod::ZeroOrderHold).ok);
}

void TestKernelRepair::zohRandom() {
    std::mt19937 rng(77);
    int repaired = 0;
    for (int trial = 0; trial < 500; ++trial) {
        const int H = pick(rng, 3, 20), W = pick(rng, 3, 20);
        const AxisParams ah = randomAxis(rng, H), aw = randomAxis(rng, W);
        const ConvParams p = makeParams(ah, aw);
        const Kernel2D k = randomKernel(rng, ah.k, aw.k);
        const KernelRepair r = repairKernel(k, p, RepairMethod::ZeroOrderHold);
        if (!r.ok) {
            // Only a large output_padding (allowed by the dilation) can stop it.
            QVERIFY(ah.q >= ah.s || aw.q >= aw.s);
            QVERIFY(!r.reason.empty());
            continue;
        }
        ++repaired;
        QCOMPARE(r.params.dilation, Size2(1));
        QCOMPARE(r.params.kernel, Size2(ah.d * (ah.k - 1) + ah.s, aw.d * (aw.k - 1) + aw.s));
        QCOMPARE(r.kernel.h, r.params.kernel.h);
        QCOMPARE(outputSize(H, W, r.params), outputSize(H, W, p));
        QVERIFY(std::abs(r.kernel.sum() - k.sum()) < 1e-4 * k.sum() + 1e-5);
        const ArtifactScores after = artifactScores(phaseGainTable(r.kernel, r.params.stride, r.params.dilation));
        QVERIFY2(after.cv < 1e-6, qPrintable(QString("cv %1 for %2").arg(after.cv).arg(describe(p).c_str())));
        QVERIFY(!after.holes);
    }
    QVERIFY(repaired > 400);
}

void TestKernelRepair::zohKnownCase() {
    // 2-tap kernel [1, 3] (1x2), s = 2: box [1,1] * [1,3] / 2 = [0.5, 2, 1.5].
    ConvParams p;
    p.stride = Size2(1, 2);
    Kernel2D k(1, 2);
    k.at(0, 0) = 1;
    k.at(0, 1) = 3;
    const KernelRepair r = repairKernel(k, p, RepairMethod::ZeroOrderHold);
    QVERIFY(r.ok);
    QCOMPARE(r.kernel.w, 3);
    QCOMPARE(r.kernel.at(0, 0), 0.5f);
    QCOMPARE(r.kernel.at(0, 1), 2.0f);
    QCOMPARE(r.kernel.at(0, 2), 1.5f);
    // Even s, q = 0: one more padding and output_padding 1 keep the size.
    QCOMPARE(r.params.padding, Size2(0, 1));
    QCOMPARE(r.params.outputPadding, Size2(0, 1));
    // Odd s: padding grows by (s-1)/2, output_padding unchanged.
    p.stride = Size2(3);
    p.padding = Size2(1);
    p.outputPadding = Size2(2);
    const KernelRepair r3 = repairKernel(Kernel2D(2, 2, 1.0f), p, RepairMethod::ZeroOrderHold);
    QVERIFY(r3.ok);
    QCOMPARE(r3.params.padding, Size2(2));
    QCOMPARE(r3.params.outputPadding, Size2(2));
    // Even s with q = 1 prefers floor((s-1)/2): padding + 0, output_padding 0.
    p.stride = Size2(2);
    p.padding = Size2(0);
    p.outputPadding = Size2(1);
    const KernelRepair r2 = repairKernel(Kernel2D(3, 3, 1.0f), p, RepairMethod::ZeroOrderHold);
    QCOMPARE(r2.params.padding, Size2(0));
    QCOMPARE(r2.params.outputPadding, Size2(0));
}

void TestKernelRepair::zohRefusesLargeOutputPadding() {
    // s = 2, d = 4: PyTorch allows q = 3 (< d); with dilation 1 the new q must be
    // < 2, reachable only by taking padding away.
    ConvParams p;
    p.kernel = Size2(2);
    p.stride = Size2(2);
    p.dilation = Size2(4);
    p.outputPadding = Size2(3);
    const KernelRepair no = repairKernel(Kernel2D(2, 2, 1.0f), p, RepairMethod::ZeroOrderHold);
    QVERIFY(!no.ok);
    QVERIFY(no.reason.find("output_padding 3") != std::string::npos);
    p.padding = Size2(1);
    const KernelRepair yes = repairKernel(Kernel2D(2, 2, 1.0f), p, RepairMethod::ZeroOrderHold);
    QVERIFY(yes.ok);
    QCOMPARE(yes.params.padding, Size2(0));
    QCOMPARE(yes.params.outputPadding, Size2(0));
    QCOMPARE(outputSize(5, 7, yes.params), outputSize(5, 7, p));
    // Invalid parameters are errors, not refusals.
    p.stride = Size2(0);
    QVERIFY_THROWS_EXCEPTION(ParameterError, repairKernel(Kernel2D(2, 2, 1.0f), p, RepairMethod::ZeroOrderHold));
}

// Constant input through a repaired kernel: flat away from the borders.
void TestKernelRepair::repairedResponseIsFlat() {
    std::mt19937 rng(5);
    for (int trial = 0; trial < 60; ++trial) {
        const AxisParams ah = randomAxis(rng, 10, 6), aw = randomAxis(rng, 10, 6);
        const ConvParams p = makeParams(ah, aw);
        const Kernel2D k = randomKernel(rng, ah.k, aw.k);
        for (RepairMethod m : {RepairMethod::Additive, RepairMethod::ZeroOrderHold}) {
            const KernelRepair r = repairKernel(k, p, m);
            if (!r.ok) continue;
            const Tensor out =
                referenceConvTranspose2d(Tensor(Shape4{1, 1, 10, 10}, 1.0f), makeDepthwiseLayer(r.kernel, 1, r.params));
            const ConvParams& q = r.params;
            const double gbar = k.sum() / (q.stride.h * q.stride.w);
            for (int64_t oy = 0; oy < out.shape().h; ++oy) {
                if (oy + q.padding.h - q.dilation.h * (q.kernel.h - 1) < 0 || oy + q.padding.h > 9 * q.stride.h)
                    continue;
                for (int64_t ox = 0; ox < out.shape().w; ++ox) {
                    if (ox + q.padding.w - q.dilation.w * (q.kernel.w - 1) < 0 || ox + q.padding.w > 9 * q.stride.w)
                        continue;
                    QVERIFY(std::abs(out.at(0, 0, oy, ox) - gbar) < 1e-4 * gbar);
                }
            }
        }
    }
}

void TestKernelRepair::layerRepairAllSlices() {
    std::mt19937 rng(31);
    ConvLayer layer;
    layer.params.kernel = Size2(3, 4);
    layer.params.stride = Size2(2, 3);
    layer.params.padding = Size2(1, 0);
    layer.params.groups = 2;
    layer.weight = randomTensor(rng, Shape4{4, 2, 3, 4}, 0.1f, 1.0f);
    layer.bias = {0.5f, -0.25f, 0.125f, 1.0f};
    for (RepairMethod m : {RepairMethod::Additive, RepairMethod::ZeroOrderHold}) {
        const LayerRepair r = repairLayer(layer, m);
        QVERIFY(r.ok);
        QCOMPARE(r.layer.bias, layer.bias);
        QCOMPARE(r.layer.params.groups, 2);
        QCOMPARE(outputSize(9, 11, r.layer.params), outputSize(9, 11, layer.params));
        for (int co = 0; co < 4; ++co) {
            const ArtifactScores s = artifactScores(
                phaseGainTable(channelKernel(r.layer, co), r.layer.params.stride, r.layer.params.dilation));
            QVERIFY(s.cv < 1e-6);
        }
        const Kernel2D slice = weightSlice(r.layer, 3, 1);
        const KernelRepair single = repairKernel(weightSlice(layer, 3, 1), layer.params, m);
        QCOMPARE(slice, single.kernel);
    }
}

void TestKernelRepair::artifactComponentIsWhatAdditiveRemoves() {
    std::mt19937 rng(11);
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{1});
    for (int trial = 0; trial < 40; ++trial) {
        const AxisParams ah = randomAxis(rng, 7, 6), aw = randomAxis(rng, 7, 6);
        const ConvParams p = makeParams(ah, aw, 3);
        const Kernel2D k = randomKernel(rng, ah.k, aw.k);
        const ConvLayer layer = makeDepthwiseLayer(k, 3, p, {0.25f});
        const Tensor x = randomTensor(rng, Shape4{1, 3, 7, 7}, 0.0f, 1.0f);
        const Tensor e = artifactComponent(x, layer, *backend);
        // dK by its definition.
        const PhaseGainTable g = phaseGainTable(k, p.stride, p.dilation);
        const Kernel2D dk = artifactKernel(k, p.stride, p.dilation);
        const double gbar = k.sum() / (p.stride.h * p.stride.w);
        for (int y = 0; y < k.h; ++y)
            for (int xx = 0; xx < k.w; ++xx) {
                const int ry = (ah.d * y) % ah.s, rx = (aw.d * xx) % aw.s;
                QVERIFY(std::abs(dk.at(y, xx) - (g.at(ry, rx) - gbar) / g.count(ry, rx)) < 1e-6);
            }
        const Tensor expected = referenceConvTranspose2d(x, makeDepthwiseLayer(dk, 3, p));
        QCOMPARE(e.shape(), expected.shape());
        QVERIFY(maxAbsDiff(e, expected) < 1e-4);
        const KernelRepair r = repairKernel(k, p, RepairMethod::Additive);
        if (!r.ok) continue;
        const Tensor full = referenceConvTranspose2d(x, layer);
        const Tensor fixed = referenceConvTranspose2d(x, makeDepthwiseLayer(r.kernel, 3, p, {0.25f}));
        Tensor sum(full.shape());
        for (int64_t i = 0; i < sum.size(); ++i) sum.data()[i] = fixed.data()[i] + e.data()[i];
        QVERIFY(maxAbsDiff(sum, full) < 1e-4);
    }
}

QTEST_APPLESS_MAIN(TestKernelRepair)
#include "test_kernel_repair.moc"
