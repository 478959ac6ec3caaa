// SPDX-License-Identifier: MIT
// Resize-then-convolution: the resize against hand-computed (PyTorch
// interpolate) values, the whole path against a direct double-precision
// implementation written from the definition, output sizes, border modes and
// the exact equality with a transposed convolution for odd strides.
#include <QtTest>

#include <cmath>
#include <random>

#include "analysis/AnalysisTestUtil.h"
#include "analysis/KernelRepair.h"
#include "analysis/ResizeConv.h"
#include "analysis/internal/BorderPad.h"
#include "analysis/internal/Upsample.h"
#include "backends/BackendFactory.h"
#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/ReferenceConvTranspose.h"
#include "core/Validation.h"

using namespace tconv;
using namespace tconv::testutil;

namespace {

// Source index for a padded position, written independently of BorderPad.
int64_t sourceIndex(int64_t i, int64_t n, BorderMode mode) {
    if (i >= 0 && i < n) return i;
    if (mode == BorderMode::Zeros) return -1;
    if (mode == BorderMode::Replicate) return std::clamp<int64_t>(i, 0, n - 1);
    if (n == 1) return 0;
    while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;  // mirror until inside
    return i;
}

// u at (y, x) for one plane, from the definition of each resize.
double resized(const Tensor& x, int64_t n, int64_t c, int64_t y, int64_t xx, Size2 s, ResizeMode mode) {
    if (mode == ResizeMode::Nearest) return x.at(n, c, y / s.h, xx / s.w);
    auto axis = [](int64_t o, int f, int64_t size, int64_t& i0, int64_t& i1, double& w) {
        double src = (o + 0.5) / f - 0.5;
        if (src < 0) src = 0;
        i0 = std::min<int64_t>(int64_t(src), size - 1);
        i1 = std::min<int64_t>(i0 + 1, size - 1);
        w = src - i0;
    };
    int64_t y0, y1, x0, x1;
    double wy, wx;
    axis(y, s.h, x.shape().h, y0, y1, wy);
    axis(xx, s.w, x.shape().w, x0, x1, wx);
    return (1 - wy) * ((1 - wx) * x.at(n, c, y0, x0) + wx * x.at(n, c, y0, x1)) +
           wy * ((1 - wx) * x.at(n, c, y1, x0) + wx * x.at(n, c, y1, x1));
}

// v = bias + sum over the group's input channels and taps of
// u_pad[o + d*j] * flip(K)[j] / (sH sW), u_pad = u shifted by P_l.
Tensor directResizeConv(const Tensor& x, const ConvLayer& layer, ResizeMode mode, BorderMode border) {
    const ConvParams& p = layer.params;
    const Shape4 out = validateProblem(layer.problemFor(x.shape()));
    const Shape4 w = layer.weight.shape();
    const int64_t UH = x.shape().h * p.stride.h, UW = x.shape().w * p.stride.w;
    const int64_t ehh = p.dilation.h * (p.kernel.h - 1) + 1, eww = p.dilation.w * (p.kernel.w - 1) + 1;
    const int64_t plH = ehh - 1 - p.padding.h - (p.stride.h - 1) / 2;
    const int64_t plW = eww - 1 - p.padding.w - (p.stride.w - 1) / 2;
    const int64_t cinG = w.n / p.groups;
    Tensor v(out);
    for (int64_t n = 0; n < out.n; ++n)
        for (int64_t co = 0; co < out.c; ++co) {
            const int64_t g = co / w.c, col = co % w.c;
            for (int64_t oy = 0; oy < out.h; ++oy)
                for (int64_t ox = 0; ox < out.w; ++ox) {
                    double acc = layer.bias.empty() ? 0.0 : layer.bias[size_t(co)];
                    for (int64_t ci = g * cinG; ci < (g + 1) * cinG; ++ci)
                        for (int64_t j = 0; j < p.kernel.h; ++j) {
                            const int64_t uy = sourceIndex(oy + p.dilation.h * j - plH, UH, border);
                            if (uy < 0) continue;
                            for (int64_t i = 0; i < p.kernel.w; ++i) {
                                const int64_t ux = sourceIndex(ox + p.dilation.w * i - plW, UW, border);
                                if (ux < 0) continue;
                                const double kflip = layer.weight.at(ci, col, p.kernel.h - 1 - j, p.kernel.w - 1 - i);
                                acc += resized(x, n, ci, uy, ux, p.stride, mode) * kflip / (p.stride.h * p.stride.w);
                            }
                        }
                    v.at(n, co, oy, ox) = float(acc);
                }
        }
    return v;
}

ConvLayer randomLayer(std::mt19937& rng, const ConvParams& p, int cin, int coutPerGroup, bool bias) {
    ConvLayer layer;
    layer.params = p;
    layer.weight = randomTensor(rng, Shape4{cin, coutPerGroup, p.kernel.h, p.kernel.w});
    if (bias) layer.bias = randomTensor(rng, Shape4{1, 1, 1, coutPerGroup * p.groups}).storage();
    return layer;
}

}  // namespace

class TestResizeConv : public QObject {
    Q_OBJECT
private slots:
    void bilinearHalfPixelCentres();
    void nearestRepeats();
    void borderPadModes();
    void parseNames();
    void outputSizeMatchesTransposed();
    void matchesDirectRandom();
    void oddStrideEqualsTransposedWithBoxKernel();
    void constantInputWithReplicateIsFlat();
    void differenceImage();
    void rejectsInvalid();
    void perSidePaddingMatchesDirect();
    void perSideZeroOrderHoldRepairEqualsNearest();
};

void TestResizeConv::bilinearHalfPixelCentres() {
    // 2x2 [[0,1],[2,3]] by 2: the effective source coordinates per output index
    // are 0, 0.25, 0.75, 1, so u(y, x) = 2 e(y) + e(x).
    Tensor x(Shape4{1, 1, 2, 2});
    x.storage() = {0, 1, 2, 3};
    const Tensor u = upsample(x, Size2(2), ResizeMode::Bilinear);
    const float e[4] = {0, 0.25f, 0.75f, 1};
    for (int y = 0; y < 4; ++y)
        for (int xx = 0; xx < 4; ++xx) QCOMPARE(u.at(0, 0, y, xx), 2 * e[y] + e[xx]);
    // 2x3 input by (3, 2); torch.nn.functional.interpolate(mode='bilinear',
    // align_corners=False) gives these values times 36.
    Tensor x2(Shape4{1, 1, 2, 3});
    x2.storage() = {0, 1, 4, 2, 3, -1};
    const int expected36[6][6] = {{0, 9, 27, 63, 117, 144}, {0, 9, 27, 63, 117, 144}, {24, 33, 51, 66, 78, 84},
                                  {48, 57, 75, 69, 39, 24}, {72, 81, 99, 72, 0, -36}, {72, 81, 99, 72, 0, -36}};
    const Tensor u2 = upsample(x2, Size2(3, 2), ResizeMode::Bilinear);
    QCOMPARE(u2.shape(), (Shape4{1, 1, 6, 6}));
    for (int y = 0; y < 6; ++y)
        for (int xx = 0; xx < 6; ++xx) QVERIFY(std::abs(u2.at(0, 0, y, xx) - expected36[y][xx] / 36.0) < 1e-6);
}

void TestResizeConv::nearestRepeats() {
    std::mt19937 rng(3);
    const Tensor x = randomTensor(rng, Shape4{2, 3, 4, 5});
    const Tensor u = upsample(x, Size2(3, 2), ResizeMode::Nearest);
    QCOMPARE(u.shape(), (Shape4{2, 3, 12, 10}));
    for (int n = 0; n < 2; ++n)
        for (int c = 0; c < 3; ++c)
            for (int y = 0; y < 12; ++y)
                for (int xx = 0; xx < 10; ++xx) QCOMPARE(u.at(n, c, y, xx), x.at(n, c, y / 3, xx / 2));
}

void TestResizeConv::borderPadModes() {
    Tensor x(Shape4{1, 1, 1, 4});
    x.storage() = {1, 2, 3, 4};
    auto row = [](const Tensor& t) { return std::vector<float>(t.storage().begin(), t.storage().end()); };
    QCOMPARE(row(padPlanes(x, Pad4{0, 0, 2, 3}, BorderMode::Zeros)), (std::vector<float>{0, 0, 1, 2, 3, 4, 0, 0, 0}));
    QCOMPARE(row(padPlanes(x, Pad4{0, 0, 2, 3}, BorderMode::Replicate)),
             (std::vector<float>{1, 1, 1, 2, 3, 4, 4, 4, 4}));
    QCOMPARE(row(padPlanes(x, Pad4{0, 0, 2, 3}, BorderMode::Reflect)), (std::vector<float>{3, 2, 1, 2, 3, 4, 3, 2, 1}));
    QCOMPARE(row(padPlanes(x, Pad4{0, 0, -1, -2}, BorderMode::Zeros)), (std::vector<float>{2}));
    // Pads wider than the plane keep mirroring.
    for (int64_t i = -20; i < 24; ++i)
        QCOMPARE(borderSource(i, 4, BorderMode::Reflect), sourceIndex(i, 4, BorderMode::Reflect));
    QVERIFY_THROWS_EXCEPTION(ParameterError, padPlanes(x, Pad4{0, 0, -2, -2}, BorderMode::Zeros));
}

void TestResizeConv::parseNames() {
    QCOMPARE(parseResizeMode("bilinear"), std::optional<ResizeMode>(ResizeMode::Bilinear));
    QVERIFY(!parseResizeMode("cubic").has_value());
    QCOMPARE(parseBorderMode("reflect"), std::optional<BorderMode>(BorderMode::Reflect));
    QCOMPARE(std::string(borderModeName(BorderMode::Replicate)), std::string("replicate"));
}

void TestResizeConv::outputSizeMatchesTransposed() {
    std::mt19937 rng(8);
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{1});
    for (int trial = 0; trial < 400; ++trial) {
        const int H = pick(rng, 1, 9), W = pick(rng, 1, 9);
        const ConvParams p = makeParams(randomAxis(rng, H, 6, 5, 3), randomAxis(rng, W, 6, 5, 3));
        const ConvLayer layer = randomLayer(rng, p, 1, 1, false);
        const Tensor v = resizeConv2d(
            Tensor(Shape4{1, 1, H, W}, 1.0f), layer,
            ResizeConvOptions{trial % 2 ? ResizeMode::Bilinear : ResizeMode::Nearest, BorderMode(trial % 3)}, *backend);
        QCOMPARE(v.shape(), validateProblem(layer.problemFor(Shape4{1, 1, H, W})));
    }
}

void TestResizeConv::matchesDirectRandom() {
    std::mt19937 rng(4242);
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{2});
    for (int trial = 0; trial < 150; ++trial) {
        const int H = pick(rng, 1, 7), W = pick(rng, 1, 7);
        const int groups = pick(rng, 1, 2), cinG = pick(rng, 1, 2), coutG = pick(rng, 1, 2);
        const ConvParams p = makeParams(randomAxis(rng, H), randomAxis(rng, W), groups);
        const ConvLayer layer = randomLayer(rng, p, groups * cinG, coutG, trial % 2 == 0);
        const Tensor x = randomTensor(rng, Shape4{pick(rng, 1, 2), groups * cinG, H, W});
        const ResizeConvOptions o{trial % 2 ? ResizeMode::Bilinear : ResizeMode::Nearest, BorderMode(trial % 3)};
        const Tensor v = resizeConv2d(x, layer, o, *backend);
        const Tensor expected = directResizeConv(x, layer, o.resize, o.border);
        QCOMPARE(v.shape(), expected.shape());
        QVERIFY2(maxAbsDiff(v, expected) < 1e-5, qPrintable(QString("trial %1: %2, %3/%4, diff %5")
                                                                .arg(trial)
                                                                .arg(describe(p).c_str())
                                                                .arg(resizeModeName(o.resize))
                                                                .arg(borderModeName(o.border))
                                                                .arg(maxAbsDiff(v, expected))));
    }
}

// Odd s, nearest resize, q < s: v is the transposed convolution with kernel
// box_s * dilate_d(K) / (sH sW), dilation 1 and padding p + (s-1)/2.
void TestResizeConv::oddStrideEqualsTransposedWithBoxKernel() {
    std::mt19937 rng(17);
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{1});
    const int odd[3] = {1, 3, 5};
    for (int trial = 0; trial < 120; ++trial) {
        const int H = pick(rng, 1, 8), W = pick(rng, 1, 8);
        AxisParams ah, aw;
        do {
            ah = {pick(rng, 1, 5), odd[pick(rng, 0, 2)], pick(rng, 0, 3), 0, pick(rng, 1, 3)};
            aw = {pick(rng, 1, 5), odd[pick(rng, 0, 2)], pick(rng, 0, 3), 0, pick(rng, 1, 3)};
            ah.q = pick(rng, 0, ah.s - 1);
            aw.q = pick(rng, 0, aw.s - 1);
        } while (outputExtent(H, ah.k, ah.s, ah.p, ah.q, ah.d) <= 0 ||
                 outputExtent(W, aw.k, aw.s, aw.p, aw.q, aw.d) <= 0);
        const ConvParams p = makeParams(ah, aw, 2);
        const Kernel2D k = randomKernel(rng, ah.k, aw.k);
        const ConvLayer layer = makeDepthwiseLayer(k, 2, p, {0.5f, -1.0f});
        const Tensor x = randomTensor(rng, Shape4{1, 2, H, W});
        const Tensor v = resizeConv2d(x, layer, ResizeConvOptions{}, *backend);

        // box_s * dilate_d(K) / (sH sW), built here tap by tap.
        Kernel2D z(ah.d * (ah.k - 1) + ah.s, aw.d * (aw.k - 1) + aw.s, 0.0f);
        for (int y = 0; y < k.h; ++y)
            for (int xx = 0; xx < k.w; ++xx)
                for (int by = 0; by < ah.s; ++by)
                    for (int bx = 0; bx < aw.s; ++bx)
                        z.at(y * ah.d + by, xx * aw.d + bx) += k.at(y, xx) / (ah.s * aw.s);
        ConvParams q = p;
        q.dilation = Size2(1);
        q.kernel = Size2(z.h, z.w);
        q.padding = Size2(ah.p + (ah.s - 1) / 2, aw.p + (aw.s - 1) / 2);
        const Tensor t = referenceConvTranspose2d(x, makeDepthwiseLayer(z, 2, q, {0.5f, -1.0f}));
        QCOMPARE(v.shape(), t.shape());
        QVERIFY2(maxAbsDiff(v, t) < 1e-5, qPrintable(QString("%1: %2").arg(describe(p).c_str()).arg(maxAbsDiff(v, t))));
        // The zero-order-hold repair is that same kernel with those parameters.
        const KernelRepair r = repairKernel(k, p, RepairMethod::ZeroOrderHold);
        QVERIFY(r.ok);
        QCOMPARE(r.params, q);
    }
}

void TestResizeConv::constantInputWithReplicateIsFlat() {
    std::mt19937 rng(21);
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{1});
    for (int trial = 0; trial < 40; ++trial) {
        const ConvParams p = makeParams(randomAxis(rng, 6), randomAxis(rng, 6));
        const Kernel2D k = randomKernel(rng, p.kernel.h, p.kernel.w);
        const ConvLayer layer = makeDepthwiseLayer(k, 1, p, {0.25f});
        for (BorderMode b : {BorderMode::Replicate, BorderMode::Reflect})
            for (ResizeMode m : {ResizeMode::Nearest, ResizeMode::Bilinear}) {
                const Tensor v =
                    resizeConv2d(Tensor(Shape4{1, 1, 6, 6}, 2.0f), layer, ResizeConvOptions{m, b}, *backend);
                const double expected = 0.25 + 2.0 * k.sum() / (p.stride.h * p.stride.w);
                for (float value : v.storage()) QVERIFY(std::abs(value - expected) < 1e-5);
            }
    }
}

void TestResizeConv::differenceImage() {
    Tensor a(Shape4{1, 1, 1, 3}), b(Shape4{1, 1, 1, 3});
    a.storage() = {1, 2, 3};
    b.storage() = {0.5f, 2, 4};
    const Tensor d = tconv::differenceImage(a, b);
    QCOMPARE(d.storage(), (std::vector<float>{0.5f, 0, -1}));
    QVERIFY_THROWS_EXCEPTION(ParameterError, tconv::differenceImage(a, Tensor(Shape4{1, 1, 3, 1})));
}

void TestResizeConv::rejectsInvalid() {
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{1});
    ConvParams p;
    p.kernel = Size2(3);
    p.stride = Size2(2);
    p.outputPadding = Size2(2);  // not < stride nor < dilation
    const ConvLayer layer = makeDepthwiseLayer(Kernel2D(3, 3, 1.0f), 1, p);
    QVERIFY_THROWS_EXCEPTION(ParameterError,
                             resizeConv2d(Tensor(Shape4{1, 1, 4, 4}), layer, ResizeConvOptions{}, *backend));
    p.outputPadding = Size2(0);
    p.padding = Size2(9);  // output size <= 0
    QVERIFY_THROWS_EXCEPTION(ParameterError,
                             resizeConv2d(Tensor(Shape4{1, 1, 2, 2}), makeDepthwiseLayer(Kernel2D(3, 3, 1.0f), 1, p),
                                          ResizeConvOptions{}, *backend));
    // Channel mismatch.
    p.padding = Size2(0);
    QVERIFY_THROWS_EXCEPTION(ParameterError,
                             resizeConv2d(Tensor(Shape4{1, 2, 4, 4}), makeDepthwiseLayer(Kernel2D(3, 3, 1.0f), 1, p),
                                          ResizeConvOptions{}, *backend));
}

void TestResizeConv::perSidePaddingMatchesDirect() {
    // Per-side padding (ONNX pads) through every resize and border mode, the
    // nearest/zeros fast path (whose end crop is the layer's end padding
    // adjusted by ceil((s-1)/2)) included, against the definition.
    std::mt19937 rng(4343);
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{2});
    for (int trial = 0; trial < 150; ++trial) {
        const int H = pick(rng, 1, 7), W = pick(rng, 1, 7);
        const int groups = pick(rng, 1, 2), cinG = pick(rng, 1, 2), coutG = pick(rng, 1, 2);
        const ConvParams p =
            withRandomEndPadding(rng, makeParams(randomAxis(rng, H), randomAxis(rng, W), groups), H, W);
        const ConvLayer layer = randomLayer(rng, p, groups * cinG, coutG, trial % 2 == 0);
        const Tensor x = randomTensor(rng, Shape4{pick(rng, 1, 2), groups * cinG, H, W});
        // Half the trials nearest + zeros: the fast path.
        const ResizeConvOptions o =
            trial % 2
                ? ResizeConvOptions{}
                : ResizeConvOptions{trial % 4 ? ResizeMode::Bilinear : ResizeMode::Nearest, BorderMode(trial % 3)};
        const Tensor v = resizeConv2d(x, layer, o, *backend);
        const Tensor expected = directResizeConv(x, layer, o.resize, o.border);
        QCOMPARE(v.shape(), expected.shape());
        QVERIFY2(maxAbsDiff(v, expected) < 1e-5, qPrintable(QString("trial %1: %2, %3/%4, diff %5")
                                                                .arg(trial)
                                                                .arg(describe(p).c_str())
                                                                .arg(resizeModeName(o.resize))
                                                                .arg(borderModeName(o.border))
                                                                .arg(maxAbsDiff(v, expected))));
    }
    // The padding around u: the begin crop on the before side only, the end crop on the after side only.
    ConvParams p;
    p.kernel = 3;
    p.stride = 2;
    setPads(p, Pads4{1, 0, 2, 3});
    const ResizeConvPadding pad = resizeConvPadding(p);
    QCOMPARE(pad.beforeH, int64_t(3 - 1 - 1 - 0));
    QCOMPARE(pad.beforeW, int64_t(3 - 1 - 0 - 0));
    QCOMPARE(pad.afterH, int64_t(3 - 1 - 2 + 0 - 1));
    QCOMPARE(pad.afterW, int64_t(3 - 1 - 3 + 0 - 1));
}

void TestResizeConv::perSideZeroOrderHoldRepairEqualsNearest() {
    // Odd s, q < s: the zero-order-hold repair of a per-side layer adds
    // (s-1)/2 to both crops, and that layer computes nearest resize-conv.
    std::mt19937 rng(18);
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{1});
    const int odd[3] = {1, 3, 5};
    for (int trial = 0; trial < 80; ++trial) {
        const int H = pick(rng, 1, 8), W = pick(rng, 1, 8);
        AxisParams ah, aw;
        do {
            ah = {pick(rng, 1, 5), odd[pick(rng, 0, 2)], pick(rng, 0, 3), 0, pick(rng, 1, 3)};
            aw = {pick(rng, 1, 5), odd[pick(rng, 0, 2)], pick(rng, 0, 3), 0, pick(rng, 1, 3)};
            ah.q = pick(rng, 0, ah.s - 1);
            aw.q = pick(rng, 0, aw.s - 1);
        } while (outputExtent(H, ah.k, ah.s, ah.p, ah.q, ah.d) <= 0 ||
                 outputExtent(W, aw.k, aw.s, aw.p, aw.q, aw.d) <= 0);
        const ConvParams p = withRandomEndPadding(rng, makeParams(ah, aw, 2), H, W);
        const Kernel2D k = randomKernel(rng, ah.k, aw.k);
        const ConvLayer layer = makeDepthwiseLayer(k, 2, p, {0.5f, -1.0f});
        const KernelRepair r = repairKernel(k, p, RepairMethod::ZeroOrderHold);
        QVERIFY(r.ok);
        const Pads4 before = pads(p), after = pads(r.params);
        QCOMPARE(after.top, before.top + (ah.s - 1) / 2);
        QCOMPARE(after.bottom, before.bottom + (ah.s - 1) / 2);
        QCOMPARE(after.left, before.left + (aw.s - 1) / 2);
        QCOMPARE(after.right, before.right + (aw.s - 1) / 2);
        QCOMPARE(r.params.outputPadding, p.outputPadding);
        const Tensor x = randomTensor(rng, Shape4{1, 2, H, W});
        const Tensor v = resizeConv2d(x, layer, ResizeConvOptions{}, *backend);
        const Tensor t = referenceConvTranspose2d(x, makeDepthwiseLayer(r.kernel, 2, r.params, {0.5f, -1.0f}));
        QCOMPARE(v.shape(), t.shape());
        QVERIFY2(maxAbsDiff(v, t) < 1e-5, qPrintable(QString("%1: %2").arg(describe(p).c_str()).arg(maxAbsDiff(v, t))));
    }
}

QTEST_APPLESS_MAIN(TestResizeConv)
#include "test_resize_conv.moc"
