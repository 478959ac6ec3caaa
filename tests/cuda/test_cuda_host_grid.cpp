// SPDX-License-Identifier: MIT
// The CUDA kernels' index arithmetic, tested without a GPU: their per-thread
// bodies run on the host over every block and thread of the launches the
// backend makes (HostGrid.h) and must reproduce the reference scatter.
#include <QtTest>

#include <cstring>
#include <random>
#include <set>

#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/ReferenceConvTranspose.h"
#include "cuda/HostGrid.h"
#include "cuda/MixingGemmCases.h"
#include "cuda/RandomConvCases.h"
#include "cuda/Conv2dHostGrid.h"

using namespace tconv;
using namespace tconv::testing;
using tconv::cuda::KernelVariant;

namespace {

const KernelVariant kAllVariants[] = {KernelVariant::Tiled1, KernelVariant::Tiled4, KernelVariant::Direct};

Tensor tensorOf(Shape4 s, std::initializer_list<float> v) {
    Tensor t(s);
    std::copy(v.begin(), v.end(), t.data());
    return t;
}

}  // namespace

class TestCudaHostGrid : public QObject {
    Q_OBJECT
private slots:
    void phaseTapsMatchBruteForce();
    void clipTapsKeepInputsInside();
    void handCheckedExamples();
    void randomConfigurationsEveryVariant();
    void gridChunkingCoversEverything();
    void largeKernelsFallBackToDirect();
    void suiteShapesPlanTiled();
    void uniformPhasesOnlyWhereStridesDivideTheThreadSteps();
    void hugeExtentsAreRefused();
    void image8RoundTripIsExact();
    void image8UnpackAndPack();
    void gemmHandCheckedMixing();
    void gemmRandomMixingLayers();
    void gemmEveryRandomConfiguration();
    void gemmSelectionRule();
    void gemmGridChunkingCoversEverything();
    void conv2dEveryThreadMatchesReference();
};

void TestCudaHostGrid::phaseTapsMatchBruteForce() {
    for (int s = 1; s <= 7; ++s)
        for (int d = 1; d <= 6; ++d)
            for (int k = 1; k <= 9; ++k) {
                const cuda::ConvGeometry g = cuda::makeGeometry(
                    Shape4{1, 1, 3, 3},
                    [&] {
                        ConvLayer l;
                        l.params.kernel = k, l.params.stride = s, l.params.dilation = d;
                        l.weight = Tensor(Shape4{1, 1, k, k});
                        return l;
                    }(),
                    Shape4{1, 1, 5, 5});
                for (int r = 0; r < s; ++r) {
                    std::set<int> expected;  // taps kk with (r - kk*d) divisible by s
                    for (int kk = 0; kk < k; ++kk)
                        if ((r - kk * d) % s == 0) expected.insert(kk);
                    const cuda::PhaseTap t = cuda::makePhaseTap(g.y, r);
                    std::set<int> got;
                    for (int m = 0; m < t.count; ++m) {
                        const int kk = t.k0 + m * g.y.tapStep;
                        got.insert(kk);
                        // Its input offset: (r - kk*d) / s = off - m*inStep.
                        QCOMPARE((r - kk * d) / s, t.off - m * g.y.inStep);
                    }
                    QVERIFY2(got == expected, qPrintable(QString("s=%1 d=%2 k=%3 r=%4").arg(s).arg(d).arg(k).arg(r)));
                }
            }
}

void TestCudaHostGrid::clipTapsKeepInputsInside() {
    for (int in = 1; in < 7; ++in)
        for (int inStep = 1; inStep < 4; ++inStep)
            for (int count = 0; count < 6; ++count)
                for (int i0 = -8; i0 < 14; ++i0) {
                    const cuda::TapSpan span = cuda::clipTaps(i0, count, in, inStep);
                    for (int m = 0; m < count; ++m) {
                        const int i = i0 - m * inStep;
                        QCOMPARE(m >= span.lo && m <= span.hi, i >= 0 && i < in);
                    }
                }
}

void TestCudaHostGrid::handCheckedExamples() {
    // [[1,2],[3,4]] with a 2x2 box: stride 1 overlaps, stride 2 tiles.
    ConvLayer layer;
    layer.params.kernel = 2;
    layer.weight = Tensor(Shape4{1, 1, 2, 2}, 1.0f);
    const Tensor in = tensorOf(Shape4{1, 1, 2, 2}, {1, 2, 3, 4});
    const Tensor s1 = tensorOf(Shape4{1, 1, 3, 3}, {1, 3, 2, 4, 10, 6, 3, 7, 4});
    ConvLayer layer2 = layer;
    layer2.params.stride = 2;
    const Tensor s2 = tensorOf(Shape4{1, 1, 4, 4}, {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
    // k3 s2 p1 op1 with bias 0.5 on [[1,2],[3,4]], kernel 1..9 (checked with
    // torch.nn.functional.conv_transpose2d).
    ConvLayer layer3;
    layer3.params.kernel = 3, layer3.params.stride = 2, layer3.params.padding = 1, layer3.params.outputPadding = 1;
    layer3.weight = tensorOf(Shape4{1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
    layer3.bias = {0.5f};
    const Tensor s3 = tensorOf(Shape4{1, 1, 4, 4}, {5.5f, 14.5f, 10.5f, 12.5f, 14.5f, 36.5f, 24.5f, 30.5f, 15.5f, 34.5f,
                                                    20.5f, 24.5f, 24.5f, 55.5f, 32.5f, 36.5f});
    // Per-side padding: the stride-2 box output above with ONNX pads [1, 0, 0, 1]
    // (top 1, right 1 cropped): rows 1..3, columns 0..2.
    ConvLayer layer4 = layer2;
    setPads(layer4.params, Pads4{1, 0, 0, 1});
    const Tensor s4 = tensorOf(Shape4{1, 1, 3, 3}, {1, 1, 2, 3, 3, 4, 3, 3, 4});
    for (KernelVariant v : kAllVariants) {
        QCOMPARE(emulateConv(in, layer, v).output.storage(), s1.storage());
        QCOMPARE(emulateConv(in, layer2, v).output.storage(), s2.storage());
        QCOMPARE(emulateConv(in, layer3, v).output.storage(), s3.storage());
        QCOMPARE(emulateConv(in, layer4, v).output.storage(), s4.storage());
    }
    QCOMPARE(referenceConvTranspose2d(in, layer3).storage(), s3.storage());
}

void TestCudaHostGrid::randomConfigurationsEveryVariant() {
    int tiledRuns = 0, perSide = 0;
    for (uint64_t seed = 1; seed <= 250; ++seed) {
        const RandomCase rc = makeRandomCase(seed);
        perSide += hasAsymmetricPadding(rc.layer.params);
        const Tensor ref = referenceConvTranspose2d(rc.input, rc.layer);
        for (KernelVariant v : kAllVariants) {
            HostGridRun run;
            try {
                run = emulateConv(rc.input, rc.layer, v);
            } catch (const std::exception& e) {
                QFAIL(qPrintable(QString("%1 [%2]: %3").arg(rc.label.c_str(), cuda::variantName(v), e.what())));
            }
            if (run.plan.variant != KernelVariant::Direct) ++tiledRuns;
            const double err = relativeL2(run.output, ref);
            QVERIFY2(err < kMaxRelativeL2, qPrintable(QString("%1 [%2]: relative L2 error %3")
                                                          .arg(rc.label.c_str(), cuda::variantName(run.plan.variant))
                                                          .arg(err)));
        }
    }
    QVERIFY(tiledRuns > 400);                                      // the shared-memory kernels were really exercised
    QVERIFY2(perSide > 50, qPrintable(QString::number(perSide)));  // and per-side padding (ONNX pads)
}

void TestCudaHostGrid::gridChunkingCoversEverything() {
    // Many planes and rows with a grid limit of 2 blocks in y and z.
    for (uint64_t seed = 300; seed < 330; ++seed) {
        RandomCaseLimits lim;
        lim.maxExtent = 40;
        const RandomCase rc = makeRandomCase(seed, lim);
        const Tensor ref = referenceConvTranspose2d(rc.input, rc.layer);
        for (KernelVariant v : kAllVariants) {
            const HostGridRun run = emulateConv(rc.input, rc.layer, v, 2);
            QVERIFY2(relativeL2(run.output, ref) < kMaxRelativeL2, rc.label.c_str());
            const int expected = ((run.plan.grid.y + 1) / 2) * ((run.plan.grid.z + 1) / 2);
            QCOMPARE(run.launches, expected);
        }
    }
}

void TestCudaHostGrid::largeKernelsFallBackToDirect() {
    ConvLayer layer;
    layer.params.kernel = 41;
    layer.params.dilation = 3;
    layer.weight = Tensor(Shape4{1, 1, 41, 41});
    std::mt19937_64 rng(7);
    fillUniform(layer.weight, rng);
    Tensor in(Shape4{1, 1, 6, 5});
    fillUniform(in, rng);
    const HostGridRun run = emulateConv(in, layer);
    QCOMPARE(run.plan.variant, KernelVariant::Direct);
    QVERIFY(relativeL2(run.output, referenceConvTranspose2d(in, layer)) < kMaxRelativeL2);
}

void TestCudaHostGrid::suiteShapesPlanTiled() {
    // The benchmark suite's parameters on small images: the planned (tiled)
    // kernel, shared memory within the default 48 KiB, several tiles per axis.
    struct Case {
        int c, h, w, k, s, p, q, d;
        bool full;
    };
    const Case cases[] = {{3, 40, 70, 4, 2, 1, 0, 1, false}, {3, 40, 70, 3, 2, 1, 1, 1, false},
                          {3, 30, 50, 5, 3, 1, 0, 1, false}, {1, 40, 40, 4, 4, 0, 0, 1, false},
                          {3, 40, 70, 4, 2, 1, 0, 1, true},  {3, 40, 70, 3, 2, 2, 1, 2, false}};
    std::mt19937_64 rng(11);
    for (const Case& c : cases) {
        ConvLayer layer;
        layer.params.kernel = c.k, layer.params.stride = c.s, layer.params.padding = c.p;
        layer.params.outputPadding = c.q, layer.params.dilation = c.d;
        layer.params.groups = c.full ? 1 : c.c;
        layer.weight = Tensor(Shape4{c.c, c.full ? c.c : 1, c.k, c.k});
        fillUniform(layer.weight, rng);
        Tensor in(Shape4{1, c.c, c.h, c.w});
        fillUniform(in, rng);
        const HostGridRun run = emulateConv(in, layer);
        QCOMPARE(run.plan.variant, c.full ? KernelVariant::Tiled4 : KernelVariant::Tiled1);
        QVERIFY(run.plan.smemBytes <= cuda::kDefaultSmemLimit);
        QVERIFY(run.plan.grid.x >= 2);
        // Strides 2 and 4 take the uniform-phase path (8 rows per thread for
        // Tiled1), stride 3 the per-output one.
        const bool uniform = c.s != 3;
        const int outH = run.output.shape().h;
        const int rows = cuda::kThreadsY * (c.full ? cuda::kTiled4R : uniform ? cuda::kTiled1UniformR : cuda::kTiled1R);
        QCOMPARE(run.plan.grid.y, (outH + rows - 1) / rows);
        QVERIFY(relativeL2(run.output, referenceConvTranspose2d(in, layer)) < kMaxRelativeL2);
    }
}

void TestCudaHostGrid::uniformPhasesOnlyWhereStridesDivideTheThreadSteps() {
    // A tiled thread's outputs lie kThreadsX columns and kThreadsY rows apart:
    // they share one phase exactly when the stride divides that step.
    for (int sy = 1; sy <= 40; ++sy)
        for (int sx = 1; sx <= 40; ++sx) {
            cuda::ConvGeometry g;
            g.y.s = sy, g.x.s = sx;
            bool same = true;
            for (int o = 0; o < 3 * sx * sy && same; ++o)
                same = (o % sx == (o + cuda::kThreadsX) % sx) && (o % sy == (o + cuda::kThreadsY) % sy);
            QCOMPARE(cuda::tiledPhasesUniform(g), same);
        }
    for (int s = 1; s <= 100; ++s) {
        const int shift = cuda::strideShift(s);
        QCOMPARE(shift >= 0, (s & (s - 1)) == 0);
        if (shift >= 0) {
            QCOMPARE(1 << shift, s);
            for (int v = -3 * s - 1; v <= 3 * s + 1; ++v)  // floor division, negatives too
                QCOMPARE(cuda::floorDivStride(v, s, shift), cuda::floorDiv(v, s));
        }
    }
}

void TestCudaHostGrid::hugeExtentsAreRefused() {
    ConvLayer layer;
    layer.weight = Tensor(Shape4{1, 1, 1, 1});
    try {
        cuda::makeGeometry(Shape4{1, 1, 1, int64_t(3) << 30}, layer, Shape4{1, 1, 1, int64_t(3) << 30});
        QFAIL("accepted an extent beyond int");
    } catch (const ParameterError& e) {
        QVERIFY2(QString(e.what()).contains("input extent of 3221225472"), e.what());
    }
}

void TestCudaHostGrid::image8RoundTripIsExact() {
    for (int b = 0; b < 256; ++b) QCOMPARE(int(cuda::quantize8(cuda::unquantize8(uint8_t(b)))), b);
    QCOMPARE(int(cuda::quantize8(-0.25f)), 0);
    QCOMPARE(int(cuda::quantize8(std::numeric_limits<float>::quiet_NaN())), 0);
    QCOMPARE(int(cuda::quantize8(1.0f)), 255);
    QCOMPARE(int(cuda::quantize8(7.0f)), 255);
    QCOMPARE(int(cuda::quantize8(0.5f / 255.0f)), 0);  // 0.5 -> even
    QCOMPARE(int(cuda::quantize8(0.6f / 255.0f)), 1);
}

void TestCudaHostGrid::image8UnpackAndPack() {
    std::mt19937_64 rng(5);
    for (int channels = 1; channels <= 4; ++channels)
        for (int width : {1, 3, 4, 8, 517, 1024})
            for (int padding : {0, 3}) {
                const int height = 5;
                const int64_t pitch = int64_t(width) * channels + padding;
                std::vector<uint8_t> bytes(static_cast<size_t>(pitch * height));
                for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
                std::vector<float> planes(static_cast<size_t>(channels) * height * width, -1.0f);
                cuda::Image8Args a;
                a.height = height, a.width = width, a.channels = channels, a.pitch = pitch;
                a.bytesIn = bytes.data();
                a.planesOut = planes.data();
                emulateImageGrid(
                    a, 2, [](const cuda::Image8Args& x, cuda::Idx3 b, cuda::Idx3 t) { cuda::unpackImage8(x, b, t); });
                for (int c = 0; c < channels; ++c)
                    for (int y = 0; y < height; ++y)
                        for (int x = 0; x < width; ++x)
                            QCOMPARE(planes[(size_t(c) * height + y) * width + x],
                                     float(bytes[size_t(y * pitch + x * channels + c)]) / 255.0f);
                // Back to packed 8-bit: the original pixels, without the row padding.
                std::vector<uint8_t> packed(static_cast<size_t>(width) * channels * height, 0xAB);
                a.planesIn = planes.data();
                a.bytesOut = packed.data();
                emulateImageGrid(
                    a, 2, [](const cuda::Image8Args& x, cuda::Idx3 b, cuda::Idx3 t) { cuda::packImage8(x, b, t); });
                for (int y = 0; y < height; ++y)
                    QVERIFY(std::memcmp(packed.data() + size_t(y) * width * channels, bytes.data() + size_t(y * pitch),
                                        size_t(width) * channels) == 0);
            }
}

// The channel-mixing GEMM variant (MixingGemmKernels.cuh) ----------------------

void TestCudaHostGrid::gemmHandCheckedMixing() {
    // 2 -> 3 channels, k1 s2 op1 with bias: even (y, x) hold bias[co] + sum_c w[c][co] * in[c] at (y/2, x/2); the other
    // three phases have no tap (GEMM depth 0) and hold the bias alone.
    ConvLayer layer;
    layer.params.stride = 2, layer.params.outputPadding = 1;
    layer.weight = tensorOf(Shape4{2, 3, 1, 1}, {1, 2, 3, 10, 20, 30});
    layer.bias = {0.5f, -1, 2};
    const Tensor in = tensorOf(Shape4{1, 2, 1, 2}, {1, 2, 3, 4});
    // co 0: 1*in0 + 10*in1 = 31, 42; co 1: 2*in0 + 20*in1 = 62, 84; co 2: 93, 126.
    const Tensor expected = tensorOf(Shape4{1, 3, 2, 4}, {31.5f, 0.5f, 42.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f,  //
                                                          61,    -1,   83,    -1,   -1,   -1,   -1,   -1,    //
                                                          95,    2,    128,   2,    2,    2,    2,    2});
    const HostGridRun run = emulateConv(in, layer, KernelVariant::Gemm);
    QCOMPARE(run.plan.variant, KernelVariant::Gemm);
    QCOMPARE(run.output.storage(), expected.storage());
    QCOMPARE(referenceConvTranspose2d(in, layer).storage(), expected.storage());
}

void TestCudaHostGrid::gemmRandomMixingLayers() {
    int multiTileM = 0, multiTileN = 0, grouped = 0, perSide = 0, autoGemm = 0;
    for (uint64_t seed = 1; seed <= 40; ++seed) {
        const RandomCase rc = makeMixingCase(seed);
        const Tensor ref = referenceConvTranspose2d(rc.input, rc.layer);
        HostGridRun run;
        try {
            run = emulateConv(rc.input, rc.layer, KernelVariant::Gemm);
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QString("%1: %2").arg(rc.label.c_str(), e.what())));
        }
        QCOMPARE(run.plan.variant, KernelVariant::Gemm);
        const double err = relativeL2(run.output, ref);
        QVERIFY2(err < kMaxRelativeL2, qPrintable(QString("%1: relative L2 error %2").arg(rc.label.c_str()).arg(err)));
        const int coutG = int(rc.layer.weight.shape().c);
        multiTileM += coutG > cuda::kGemmTileM;
        multiTileN += run.plan.grid.x > 1;
        grouped += rc.layer.params.groups > 1;
        perSide += hasAsymmetricPadding(rc.layer.params);
        const Shape4 outShape = validateProblem(rc.layer.problemFor(rc.input.shape()));
        autoGemm +=
            cuda::planLaunch(cuda::makeGeometry(rc.input.shape(), rc.layer, outShape)).variant == KernelVariant::Gemm;
    }
    // The cases really straddle channel and pixel tiles, and cover groups, per-side pads and the planner's choice.
    QVERIFY2(
        multiTileM >= 5 && multiTileN >= 5 && grouped >= 5 && perSide >= 5 && autoGemm >= 5,
        qPrintable(QString("%1 %2 %3 %4 %5").arg(multiTileM).arg(multiTileN).arg(grouped).arg(perSide).arg(autoGemm)));
}

void TestCudaHostGrid::gemmEveryRandomConfiguration() {
    // The general random problems (every parameter per axis, sizes down to 1x1, few channels) forced through the
    // GEMM variant: its phase decoding must hold for any layer, not only for the ones the planner gives it.
    // (60 seeds: under ASan each costs ~40 ms, and CI runs this test there too.)
    for (uint64_t seed = 1; seed <= 60; ++seed) {
        const RandomCase rc = makeRandomCase(seed);
        const HostGridRun run = emulateConv(rc.input, rc.layer, KernelVariant::Gemm);
        const double err = relativeL2(run.output, referenceConvTranspose2d(rc.input, rc.layer));
        QVERIFY2(err < kMaxRelativeL2, qPrintable(QString("%1: relative L2 error %2").arg(rc.label.c_str()).arg(err)));
    }
}

void TestCudaHostGrid::gemmSelectionRule() {
    // planLaunch picks the GEMM exactly when C_out/g >= 16 and C_in/g * kH*kW / (sH*sW) >= 128 (the CPU's gemmPays).
    struct Case {
        int cin, cout, groups, k, s;
        bool gemm;
    };
    const Case cases[] = {
        {32, 16, 1, 4, 2, true},    // depth 32*16/4 = 128, C_out 16: both at the threshold
        {32, 15, 1, 4, 2, false},   // C_out/g below 16
        {31, 64, 1, 4, 2, false},   // depth 124
        {64, 64, 2, 4, 2, true},    // per group: C_in 32 -> depth 128, C_out 32
        {64, 64, 4, 4, 2, false},   // per group: C_in 16 -> depth 64
        {256, 64, 2, 4, 2, true},   // per group: C_in 128 -> depth 512, C_out 32
        {128, 128, 1, 3, 1, true},  // depth 1152
        {3, 3, 3, 4, 2, false},     // depthwise image case
        {16, 16, 16, 4, 2, false},  // depthwise, many channels
        {8, 64, 1, 4, 1, true},     // depth 128 at stride 1
        {8, 64, 1, 4, 2, false},    // depth 32
    };
    for (const Case& c : cases) {
        ConvLayer layer;
        layer.params.kernel = c.k, layer.params.stride = c.s, layer.params.groups = c.groups;
        layer.weight = Tensor(Shape4{c.cin, c.cout / c.groups, c.k, c.k});
        const Shape4 in{1, c.cin, 9, 9};
        const Shape4 out = validateProblem(layer.problemFor(in));
        const cuda::ConvGeometry g = cuda::makeGeometry(in, layer, out);
        const double depth = double(g.cinPerGroup) * c.k * c.k / (c.s * c.s);
        const bool expected = g.coutPerGroup >= 16 && depth >= 128;
        QCOMPARE(expected, c.gemm);  // the table above is right about the rule
        QCOMPARE(cuda::mixingGemmPays(g), c.gemm);
        const cuda::LaunchPlan plan = cuda::planLaunch(g);
        QCOMPARE(plan.variant == KernelVariant::Gemm, c.gemm);
        if (c.gemm) {
            QCOMPARE(plan.block.x * plan.block.y, cuda::kGemmThreads);
            QCOMPARE(plan.grid.y, c.s * c.s);
            QVERIFY(plan.smemBytes <= cuda::kDefaultSmemLimit);
        }
        // Forcing another variant is honoured; forcing the GEMM always gives it.
        QCOMPARE(cuda::planLaunch(g, KernelVariant::Direct).variant, KernelVariant::Direct);
        QCOMPARE(cuda::planLaunch(g, KernelVariant::Gemm).variant, KernelVariant::Gemm);
    }
    // A phase with more pixels than the kernel's int pixel index (60000 x 60000 outputs, stride 1): the planner
    // keeps the tiled kernel, also when the GEMM is asked for.
    cuda::ConvGeometry huge;
    huge.inChannels = huge.outChannels = huge.cinPerGroup = huge.coutPerGroup = 64;
    huge.y.in = huge.x.in = 59999;
    huge.y.out = huge.x.out = 60000;
    huge.y.k = huge.x.k = 2;
    QVERIFY(cuda::mixingGemmPays(huge));
    QVERIFY(!cuda::planMixingGemm(huge));
    QCOMPARE(cuda::planLaunch(huge).variant, KernelVariant::Tiled4);
    QCOMPARE(cuda::planLaunch(huge, KernelVariant::Gemm).variant, KernelVariant::Tiled4);
}

void TestCudaHostGrid::gemmGridChunkingCoversEverything() {
    // Phases (grid y) and channel tiles x batch x groups (grid z) split into launches of at most 2 blocks in y and z.
    for (uint64_t seed = 100; seed < 112; ++seed) {
        MixingCaseLimits lim;
        lim.maxChannels = 72;
        const RandomCase rc = makeMixingCase(seed, lim);
        const HostGridRun run = emulateConv(rc.input, rc.layer, KernelVariant::Gemm, 2);
        QVERIFY2(relativeL2(run.output, referenceConvTranspose2d(rc.input, rc.layer)) < kMaxRelativeL2,
                 rc.label.c_str());
        QCOMPARE(run.launches, ((run.plan.grid.y + 1) / 2) * ((run.plan.grid.z + 1) / 2));
    }
}

// The forward conv2d kernel (deconvolutional networks, issue 15): Conv2dHostGrid.h.
void TestCudaHostGrid::conv2dEveryThreadMatchesReference() { checkConv2dHostGrid(); }

QTEST_APPLESS_MAIN(TestCudaHostGrid)
#include "test_cuda_host_grid.moc"
