// SPDX-License-Identifier: MIT
// The input gradient of a strided convolution (analysis/InputGradient.h):
// PyTorch's conv2d backward on the committed golden vectors
// (scripts/make_gradient_fixtures.py, tests/fixtures/gradient/), hand-checked
// output paddings and a gradient with holes, and the adjoint identity
// <C x, u> = <x, C^T u> on seeded random layers, with C the forward
// convolution (core/Conv2d.h: the plain double reference and the engine) and
// C^T the engine's transposed convolution, and against the explicit matrix
// (analysis/ConvMatrix.h).
#include <QDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <functional>
#include <random>
#include <string>

#include "analysis/AnalysisTestUtil.h"
#include "analysis/ConvMatrix.h"
#include "analysis/InputGradient.h"
#include "backends/BackendFactory.h"
#include "core/Conv2d.h"
#include "core/ConvError.h"
#include "core/ReferenceConvTranspose.h"

using namespace tconv;
using namespace tconv::testutil;

namespace {

struct GradientCase {
    std::string name;
    Conv2dLayer conv;
    Shape4 input, upstreamShape;
    Size2 outputPadding;
    Tensor upstream, expected;
};

Size2 readPair(std::istream& in, const std::string& key) {
    std::string k;
    int h = 0, w = 0;
    in >> k >> h >> w;
    if (k != key) throw std::runtime_error("expected '" + key + "', got '" + k + "'");
    return Size2(h, w);
}

Shape4 readShape(std::istream& in, const std::string& key) {
    std::string k;
    Shape4 s;
    in >> k >> s.n >> s.c >> s.h >> s.w;
    if (k != key) throw std::runtime_error("expected '" + key + "', got '" + k + "'");
    return s;
}

void readValues(std::istream& in, const std::string& key, Tensor& t) {
    std::string values, k;
    size_t count = 0;
    in >> values >> k >> count;
    if (values != "values" || k != key || count != t.storage().size())
        throw std::runtime_error("bad 'values " + key + "' line (count " + std::to_string(count) + ")");
    for (float& v : t.storage()) in >> v;
    if (!in) throw std::runtime_error("too few numbers for " + key);
}

GradientCase readCase(const std::string& path) {
    std::ifstream in(path);
    std::string magic, version, key;
    in >> magic >> version;
    if (magic != "tconv-gradient" || version != "1") throw std::runtime_error(path + ": not a tconv-gradient 1 file");
    GradientCase c;
    in >> key >> c.name;
    c.conv.params.stride = readPair(in, "stride");
    c.conv.params.padding = readPair(in, "padding");
    c.conv.params.dilation = readPair(in, "dilation");
    in >> key >> c.conv.params.groups;
    c.input = readShape(in, "input");
    const Shape4 w = readShape(in, "weight");
    c.conv.params.kernel = Size2(static_cast<int>(w.h), static_cast<int>(w.w));
    c.upstreamShape = readShape(in, "upstream");
    c.outputPadding = readPair(in, "output_padding");
    c.conv.weight = Tensor(w);
    c.upstream = Tensor(c.upstreamShape);
    c.expected = Tensor(c.input);
    readValues(in, "weight", c.conv.weight);
    readValues(in, "upstream", c.upstream);
    readValues(in, "grad_input", c.expected);
    return c;
}

double maxAbs(const Tensor& t) {
    double m = 0;
    for (float v : t.storage()) m = std::max(m, double(std::abs(v)));
    return m;
}

// The largest |a - b| over the elements (shapes must match).
double maxDiff(const Tensor& a, const Tensor& b) {
    double m = 0;
    for (size_t i = 0; i < a.storage().size(); ++i)
        m = std::max(m, std::abs(double(a.storage()[i]) - double(b.storage()[i])));
    return m;
}

double dot(const Tensor& a, const Tensor& b, double* absSum = nullptr) {
    double s = 0, abs = 0;
    for (size_t i = 0; i < a.storage().size(); ++i) {
        const double p = double(a.storage()[i]) * double(b.storage()[i]);
        s += p;
        abs += std::abs(p);
    }
    if (absSum) *absSum = abs;
    return s;
}

// A random strided convolution whose output is non-empty for an h x w input.
Conv2dLayer randomConv(std::mt19937& rng, int64_t h, int64_t w, int64_t& cin) {
    for (;;) {
        Conv2dLayer c;
        c.params.kernel = Size2(pick(rng, 1, 5), pick(rng, 1, 5));
        c.params.stride = Size2(pick(rng, 1, 3), pick(rng, 1, 3));
        c.params.padding = Size2(pick(rng, 0, 2), pick(rng, 0, 2));
        c.params.dilation = Size2(pick(rng, 1, 3), pick(rng, 1, 3));
        c.params.groups = pick(rng, 1, 3);
        cin = c.params.groups * pick(rng, 1, 2);
        const int64_t cout = c.params.groups * pick(rng, 1, 2);
        const Conv2dParams& p = c.params;
        if (conv2dOutputExtent(h, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h) <= 0 ||
            conv2dOutputExtent(w, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w) <= 0)
            continue;
        c.weight = randomTensor(rng, Shape4{cout, cin / c.params.groups, p.kernel.h, p.kernel.w});
        return c;
    }
}

bool throwsWith(const std::function<void()>& f, const std::string& text) {
    try {
        f();
    } catch (const ParameterError& e) {
        if (std::string(e.what()).find(text) != std::string::npos) return true;
        qWarning("message: %s", e.what());
    }
    return false;
}

}  // namespace

class TestInputGradient : public QObject {
    Q_OBJECT
private slots:
    void matchesPyTorchBackward();
    void outputPaddingHandChecked();
    void strideBeyondKernelLeavesHoles();
    void adjointIdentityRandom();
    void matrixIdentityRandom();
    void rejectsBadInput();
};

void TestInputGradient::matchesPyTorchBackward() {
    const QDir dir(QStringLiteral(TCONV_FIXTURES_DIR "/gradient"));
    const QStringList files = dir.entryList({QStringLiteral("*.txt")}, QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 10,
             qPrintable(QString("only %1 gradient fixtures in %2").arg(files.size()).arg(dir.path())));
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{1});
    int withOutputPadding = 0;
    for (const QString& f : files) {
        const GradientCase c = readCase(dir.filePath(f).toStdString());
        const Size2 inputSize(static_cast<int>(c.input.h), static_cast<int>(c.input.w));
        QCOMPARE(inputGradientOutputPadding(c.conv.params, inputSize), c.outputPadding);
        withOutputPadding += !(c.outputPadding == Size2(0, 0));
        const Tensor got = conv2dInputGradient(c.upstream, c.conv, inputSize, *backend);
        QCOMPARE(got.shape(), c.input);
        const double tol = 1e-5 * std::max(1.0, maxAbs(c.expected));
        QVERIFY2(maxDiff(got, c.expected) <= tol, qPrintable(QString("%1: engine off PyTorch by %2")
                                                                 .arg(QString::fromStdString(c.name))
                                                                 .arg(maxDiff(got, c.expected))));
        const Tensor ref = referenceConvTranspose2d(c.upstream, inputGradientLayer(c.conv, inputSize));
        QVERIFY2(maxDiff(ref, c.expected) <= tol, qPrintable(QString::fromStdString(c.name + ": reference off")));
    }
    QVERIFY(withOutputPadding >= 3);
}

// out = floor((in + 2p - d(k-1) - 1) / s) + 1 and back: the remainder is the output padding.
void TestInputGradient::outputPaddingHandChecked() {
    Conv2dParams p;
    p.kernel = Size2(3);
    p.stride = Size2(2);
    p.padding = Size2(1);
    QCOMPARE(inputGradientOutputPadding(p, Size2(8, 7)), Size2(1, 0));  // 8: 4 outputs, (4-1)*2 - 2 + 3 = 7
    p.kernel = Size2(1);
    p.stride = Size2(3);
    p.padding = Size2(0);
    QCOMPARE(inputGradientOutputPadding(p, Size2(10, 12)), Size2(0, 2));  // both give 4 outputs; 3*3 + 1 = 10
    p.kernel = Size2(3, 2);
    p.stride = Size2(2, 3);
    p.dilation = Size2(2, 3);
    p.padding = Size2(2, 1);
    // rows: 9 + 4 - 4 - 1 = 8, 8 mod 2 = 0; columns: 11 + 2 - 3 - 1 = 9, 9 mod 3 = 0
    QCOMPARE(inputGradientOutputPadding(p, Size2(9, 11)), Size2(0, 0));
    QCOMPARE(inputGradientOutputPadding(p, Size2(10, 13)), Size2(1, 2));
}

// A 1x1 kernel at stride 3 reads every third pixel: its gradient is w*u there
// and 0 elsewhere (a checkerboard of holes), including the two trailing rows
// output_padding restores.
void TestInputGradient::strideBeyondKernelLeavesHoles() {
    Conv2dLayer c;
    c.params.stride = Size2(3);
    c.weight = Tensor(Shape4{1, 1, 1, 1}, 0.5f);
    Tensor u(Shape4{1, 1, 4, 4});
    for (size_t i = 0; i < u.storage().size(); ++i) u.storage()[i] = float(i + 1);
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{1});
    const Tensor g = conv2dInputGradient(u, c, Size2(12, 11), *backend);
    QCOMPARE(g.shape(), (Shape4{1, 1, 12, 11}));
    for (int64_t y = 0; y < 12; ++y)
        for (int64_t x = 0; x < 11; ++x) {
            const float want = (y % 3 == 0 && x % 3 == 0) ? 0.5f * float(y / 3 * 4 + x / 3 + 1) : 0.0f;
            QCOMPARE(g.at(0, 0, y, x), want);
        }
}

// <C x, u> = <x, C^T u>: C = conv2d (the plain double reference), C^T = the
// engine's input gradient; seeded random layers with groups, stride, padding, dilation.
void TestInputGradient::adjointIdentityRandom() {
    std::mt19937 rng(1401);
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{1});
    for (int trial = 0; trial < 60; ++trial) {
        const int64_t h = pick(rng, 1, 13), w = pick(rng, 1, 13);
        int64_t cin = 1;
        const Conv2dLayer conv = randomConv(rng, h, w, cin);
        const Tensor x = randomTensor(rng, Shape4{pick(rng, 1, 2), cin, h, w});
        const Tensor cx = referenceConv2d(x, conv);
        const Tensor u = randomTensor(rng, cx.shape());
        const Tensor ctu = conv2dInputGradient(u, conv, Size2(static_cast<int>(h), static_cast<int>(w)), *backend);
        QCOMPARE(ctu.shape(), x.shape());
        double scaleA = 0, scaleB = 0;
        const double a = dot(cx, u, &scaleA), b = dot(x, ctu, &scaleB);
        QVERIFY2(std::abs(a - b) <= 1e-5 * std::max(1.0, std::max(scaleA, scaleB)),
                 qPrintable(QString("trial %1 (%2): <Cx,u> %3, <x,C^T u> %4")
                                .arg(trial)
                                .arg(QString::fromStdString(describe(conv.params)))
                                .arg(a)
                                .arg(b)));
        // The engine's forward convolution satisfies it too.
        Tensor engineCx;
        conv2d(x, conv, *backend, engineCx);
        QVERIFY(maxDiff(engineCx, cx) <= 1e-4);
    }
}

// One channel: the explicit matrix M = C^T (rows: input pixels of the
// convolution, columns: its output pixels) gives the engine's gradient M u and
// the forward convolution M^T x, and <M^T x, u> = <x, M u>.
void TestInputGradient::matrixIdentityRandom() {
    std::mt19937 rng(1402);
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{1});
    for (int trial = 0; trial < 40; ++trial) {
        const int64_t h = pick(rng, 2, 9), w = pick(rng, 2, 9);
        int64_t cin = 1;
        Conv2dLayer conv = randomConv(rng, h, w, cin);
        conv.params.groups = 1;
        conv.weight = randomTensor(rng, Shape4{1, 1, conv.params.kernel.h, conv.params.kernel.w});
        const Size2 size(static_cast<int>(h), static_cast<int>(w));
        const ConvLayer t = inputGradientLayer(conv, size);
        Kernel2D k(conv.params.kernel.h, conv.params.kernel.w);
        std::copy(conv.weight.storage().begin(), conv.weight.storage().end(), k.taps.begin());
        const Tensor x = randomTensor(rng, Shape4{1, 1, h, w});
        Tensor cx;
        conv2d(x, conv, *backend, cx);
        const ConvMatrix m = transposedConvMatrix(t.params, k, cx.shape().h, cx.shape().w);
        QCOMPARE(m.rows(), h * w);
        QCOMPARE(m.cols(), cx.shape().h * cx.shape().w);
        const Tensor u = randomTensor(rng, cx.shape());
        const Tensor g = conv2dInputGradient(u, conv, size, *backend);
        double xMu = 0, cxu = 0;
        for (int64_t r = 0; r < m.rows(); ++r) {
            double mu = 0;
            for (int64_t c = 0; c < m.cols(); ++c) mu += double(m.at(r, c)) * u.storage()[static_cast<size_t>(c)];
            QVERIFY(std::abs(mu - g.storage()[static_cast<size_t>(r)]) <= 1e-4);
            xMu += double(x.storage()[static_cast<size_t>(r)]) * mu;
        }
        for (int64_t c = 0; c < m.cols(); ++c) {
            double mtx = 0;
            for (int64_t r = 0; r < m.rows(); ++r) mtx += double(m.at(r, c)) * x.storage()[static_cast<size_t>(r)];
            QVERIFY(std::abs(mtx - cx.storage()[static_cast<size_t>(c)]) <= 1e-4);
            cxu += mtx * u.storage()[static_cast<size_t>(c)];
        }
        QVERIFY(std::abs(xMu - cxu) <= 1e-9 * std::max(1.0, std::abs(xMu)));
    }
}

void TestInputGradient::rejectsBadInput() {
    auto backend = createBackend(BackendKind::Cpu, BackendOptions{1});
    Conv2dLayer c;
    c.params.kernel = Size2(3);
    c.params.stride = Size2(2);
    c.params.padding = Size2(1);
    c.weight = Tensor(Shape4{2, 1, 3, 3}, 1.0f);
    const Tensor wrong(Shape4{1, 2, 4, 5});
    QVERIFY(throwsWith([&] { conv2dInputGradient(wrong, c, Size2(8, 8), *backend); },
                       "the upstream gradient should have conv2d's output shape (1, 2, 4, 4) for an input (1, 1, 8, "
                       "8), but has (1, 2, 4, 5)"));
    c.params.kernel = Size2(5);
    c.params.padding = Size2(0);
    c.weight = Tensor(Shape4{2, 1, 5, 5}, 1.0f);
    QVERIFY(throwsWith([&] { inputGradientOutputPadding(c.params, Size2(2, 2)); }, "Kernel size can't be greater"));
    Conv2dParams zero;
    zero.kernel = Size2(0, 3);
    QVERIFY(
        throwsWith([&] { inputGradientOutputPadding(zero, Size2(4, 4)); }, "kernel size should be greater than zero"));
    Conv2dParams huge;  // refused before anything of its size is allocated
    huge.kernel = Size2(100000);
    QVERIFY(throwsWith([&] { inputGradientOutputPadding(huge, Size2(4, 4)); }, "kernel size should be at most 255"));
    Conv2dParams s0;
    s0.kernel = Size2(3);
    s0.stride = Size2(2, 0);
    QVERIFY(throwsWith([&] { inputGradientOutputPadding(s0, Size2(4, 4)); }, "stride"));
}

QTEST_APPLESS_MAIN(TestInputGradient)
#include "test_input_gradient.moc"
