// SPDX-License-Identifier: MIT
// Every tensor printed in the tutorials of shared/seeds (000_*, 001_*, 002_*),
// reproduced exactly by the reference and by the CPU backend. All values are
// small integers, so float results must be bit-exact.
#include <QtTest>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "backends/BackendFactory.h"
#include "common/TestPrinters.h"
#include "core/ConvTranspose.h"
#include "core/ReferenceConvTranspose.h"

using namespace tconv;

Q_DECLARE_METATYPE(tconv::Tensor)
Q_DECLARE_METATYPE(tconv::ConvLayer)

namespace {

Tensor tensor(Shape4 s, std::vector<float> v) {
    Tensor t(s);
    if (!v.empty()) t.storage() = std::move(v);
    return t;
}

// One input plane (1, 1, h, w) from row-major values.
Tensor plane(int h, int w, std::vector<float> v) { return tensor(Shape4{1, 1, h, w}, std::move(v)); }

ConvLayer layer(Shape4 weight, std::vector<float> taps, ConvParams p, std::vector<float> bias = {}) {
    ConvLayer l;
    p.kernel = Size2(int(weight.h), int(weight.w));  // PyTorch takes it from the weight
    l.params = p;
    l.weight = tensor(weight, std::move(taps));
    l.bias = std::move(bias);
    return l;
}

ConvParams params(Size2 s, Size2 p = 0, Size2 op = 0, Size2 d = 1) {
    ConvParams c;
    c.stride = s;
    c.padding = p;
    c.outputPadding = op;
    c.dilation = d;
    return c;
}

// Small integer data, the same on every run: v(i) in [-3, 4].
std::vector<float> pattern(int64_t count, int salt) {
    std::vector<float> v(size_t(count), 0.0f);
    for (int64_t i = 0; i < count; ++i) v[size_t(i)] = float((i * 7 + salt * 5 + i / 3) % 8 - 3);
    return v;
}

// A third, independent formulation (001's "implementation principle"): insert
// s-1 zeros between input pixels, pad by d(k-1)-p (crop when negative), then
// correlate at stride 1 with the flipped, dilated kernel.
Tensor zeroInsertionConvTranspose(const Tensor& x, const ConvLayer& l) {
    const ConvParams& p = l.params;
    const Shape4 in = x.shape(), w = l.weight.shape();
    const int64_t coutG = w.c, cinG = w.n / p.groups;
    const int64_t oh = (in.h - 1) * p.stride.h - 2 * p.padding.h + p.dilation.h * (w.h - 1) + p.outputPadding.h + 1;
    const int64_t ow = (in.w - 1) * p.stride.w - 2 * p.padding.w + p.dilation.w * (w.w - 1) + p.outputPadding.w + 1;
    const int64_t padH = p.dilation.h * (w.h - 1) - p.padding.h, padW = p.dilation.w * (w.w - 1) - p.padding.w;
    const int64_t uh = (in.h - 1) * p.stride.h + 1, uw = (in.w - 1) * p.stride.w + 1;
    Tensor out(Shape4{in.n, coutG * p.groups, oh, ow});
    for (int64_t n = 0; n < in.n; ++n)
        for (int64_t co = 0; co < out.shape().c; ++co) {
            const int64_t g = co / coutG;
            for (int64_t y = 0; y < oh; ++y)
                for (int64_t xo = 0; xo < ow; ++xo) {
                    double acc = l.bias.empty() ? 0.0 : l.bias[size_t(co)];
                    for (int64_t ci = g * cinG; ci < (g + 1) * cinG; ++ci)
                        for (int64_t j = 0; j < w.h; ++j)
                            for (int64_t i = 0; i < w.w; ++i) {
                                // Position in the zero-inserted input U (U[s*t] = x[t], zeros between).
                                const int64_t uy = y + j * p.dilation.h - padH, ux = xo + i * p.dilation.w - padW;
                                if (uy < 0 || ux < 0 || uy >= uh || ux >= uw) continue;
                                if (uy % p.stride.h || ux % p.stride.w) continue;  // an inserted zero
                                acc += double(x.at(n, ci, uy / p.stride.h, ux / p.stride.w)) *
                                       l.weight.at(ci, co % coutG, w.h - 1 - j, w.w - 1 - i);
                            }
                    out.at(n, co, y, xo) = float(acc);
                }
        }
    return out;
}

// Empty when equal bit for bit, else where they first differ.
std::string exactDiff(const Tensor& got, const Tensor& want) {
    if (!(got.shape() == want.shape())) return "shape " + shapeText(got.shape()) + " != " + shapeText(want.shape());
    for (int64_t i = 0; i < got.size(); ++i)
        if (got.data()[i] != want.data()[i]) {
            std::ostringstream o;
            o << "element " << i << " (y=" << i / want.shape().w % want.shape().h << ", x=" << i % want.shape().w
              << "): got " << got.data()[i] << ", expected " << want.data()[i];
            return o.str();
        }
    return {};
}

// 000: np.random.seed(0); K = randint(1, 10, (3, 3)); X = randint(1, 5, (6, 6)).
const std::vector<float> kSeed0K = {6, 1, 4, 4, 8, 4, 6, 3, 5};
const std::vector<float> kSeed0X = {4, 3, 1, 1, 1, 3, 2, 3, 4, 4, 3, 1, 2, 2, 2, 2, 1, 2,
                                    1, 4, 1, 4, 2, 3, 4, 4, 1, 3, 4, 1, 2, 4, 2, 4, 4, 3};

}  // namespace

class TestSeeds : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void tutorialTensor_data();
    void tutorialTensor();
    void tutorialShapes_data();
    void tutorialShapes();
    void transposeOfConvMatrix();

private:
    std::unique_ptr<Backend> cpu_;
};

void TestSeeds::initTestCase() { cpu_ = createBackend(BackendKind::Cpu); }

void TestSeeds::tutorialTensor_data() {
    QTest::addColumn<Tensor>("input");
    QTest::addColumn<ConvLayer>("layer");
    QTest::addColumn<Tensor>("expected");
    const Shape4 w3{1, 1, 3, 3};
    const std::vector<float> ones9(9, 1.0f);
    const Tensor x1234 = plane(2, 2, {1, 2, 3, 4});

    QTest::newRow("000 basic: X=K=[[0,1],[2,3]] -> 3x3")
        << plane(2, 2, {0, 1, 2, 3}) << layer({1, 1, 2, 2}, {0, 1, 2, 3}, params(1))
        << plane(3, 3, {0, 0, 1, 0, 4, 6, 4, 12, 9});
    // The 4x4 matrix printed in 000's conv_matrix cell is W.T @ X for a 2x2 X
    // (input_size=2): the only integer solution is this X and K (not seed 0's).
    QTest::newRow("000 printed 4x4: W.T@X, X=[[2,3],[2,1]] K=[[7,5,5],[4,4,8],[2,3,7]]")
        << plane(2, 2, {2, 3, 2, 1}) << layer(w3, {7, 5, 5, 4, 4, 8, 2, 3, 7}, params(1))
        << plane(4, 4, {14, 31, 25, 15, 22, 37, 43, 29, 12, 24, 43, 29, 4, 8, 17, 7});
    // W.T @ X with seed 0's 6x6 X and 3x3 K (computed with numpy from the notebook's conv_matrix).
    QTest::newRow("000 conv_matrix seed 0: W.T@X 6x6 -> 8x8")
        << plane(6, 6, kSeed0X) << layer(w3, kSeed0K, params(1))
        << plane(8, 8, {24,  22,  25, 19, 11, 23,  7,  12, 28, 64, 79, 64, 54, 49,  41, 16, 44, 72, 105, 106, 90, 91,
                        40,  27,  26, 73, 89, 124, 98, 95, 49, 25, 40, 70, 94, 103, 97, 91, 60, 26, 34,  101, 99, 125,
                        109, 130, 62, 31, 32, 68,  86, 89, 94, 93, 63, 17, 12, 30,  34, 50, 46, 50, 29,  15});
    {
        // 000: X = linspace(1, 16) 4x4, ones 3x3, s4 op1 -> 16x16. k < s, so the
        // 3x3 footprints do not overlap: Y[4i+a][4j+b] = X[i][j] for a, b < 3,
        // and rows/columns 3, 7, 11, 15 (the gaps and the output_padding) are 0.
        std::vector<float> x(16), y(256, 0.0f);
        for (int i = 0; i < 16; ++i) x[size_t(i)] = float(i + 1);
        for (int r = 0; r < 16; ++r)
            for (int c = 0; c < 16; ++c)
                if (r % 4 < 3 && c % 4 < 3) y[size_t(r * 16 + c)] = x[size_t((r / 4) * 4 + c / 4)];
        QTest::newRow("000 linspace 4x4 ones k3 s4 op1 -> 16x16")
            << plane(4, 4, x) << layer(w3, ones9, params(4, 0, 1)) << plane(16, 16, y);
    }
    {
        // 000: 8x8 input, k3 s5 p1 -> 36x36. Input pixel i covers output rows
        // 5i-1 .. 5i+1 (clipped at 0); rows with r % 5 in {2, 3} get nothing.
        std::vector<float> x(64), y(36 * 36, 0.0f);
        for (int i = 0; i < 64; ++i) x[size_t(i)] = float(i + 1);
        auto source = [](int r) { return r % 5 == 2 || r % 5 == 3 ? -1 : (r + 1) / 5; };
        for (int r = 0; r < 36; ++r)
            for (int c = 0; c < 36; ++c)
                if (source(r) >= 0 && source(c) >= 0) y[size_t(r * 36 + c)] = x[size_t(source(r) * 8 + source(c))];
        QTest::newRow("000 8x8 ones k3 s5 p1 -> 36x36")
            << plane(8, 8, x) << layer(w3, ones9, params(5, 1)) << plane(36, 36, y);
    }
    QTest::newRow("001 ones 2x2, ones k4 s2 p1 -> 4x4")
        << plane(2, 2, {1, 1, 1, 1}) << layer({1, 1, 4, 4}, std::vector<float>(16, 1.0f), params(2, 1))
        << plane(4, 4, {1, 2, 2, 1, 2, 4, 4, 2, 2, 4, 4, 2, 1, 2, 2, 1});
    QTest::newRow("002 case 1 basic: k3 -> 4x4")
        << x1234 << layer(w3, ones9, params(1)) << plane(4, 4, {1, 3, 3, 2, 4, 10, 10, 6, 4, 10, 10, 6, 3, 7, 7, 4});
    QTest::newRow("002 case 2 stride: k3 s2 -> 5x5")
        << x1234 << layer(w3, ones9, params(2))
        << plane(5, 5, {1, 1, 3, 2, 2, 1, 1, 3, 2, 2, 4, 4, 10, 6, 6, 3, 3, 7, 4, 4, 3, 3, 7, 4, 4});
    // The comment says padding=1 but the code (and the printed [[10]]) use padding=2.
    QTest::newRow("002 case 3 padding: k3 s2 p2 -> [[10]]")
        << x1234 << layer(w3, ones9, params(2, 2)) << plane(1, 1, {10});
    // Built with kernel_size=4, then given a 3x3 weight: PyTorch uses the weight's shape.
    QTest::newRow("002 case 4 output padding: k3 (weight) s3 op2 -> 8x8")
        << x1234 << layer(w3, ones9, params(3, 0, 2))
        << plane(8, 8,
                 {1, 1, 1, 2, 2, 2, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 3, 3, 3, 4, 4, 4, 0, 0,
                  3, 3, 3, 4, 4, 4, 0, 0, 3, 3, 3, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    QTest::newRow("002 case 5 dilation: k2 s2 d2 -> 5x5")
        << x1234 << layer({1, 1, 2, 2}, {1, 1, 1, 1}, params(2, 0, 0, 2))
        << plane(5, 5, {1, 0, 3, 0, 2, 0, 0, 0, 0, 0, 4, 0, 10, 0, 6, 0, 0, 0, 0, 0, 3, 0, 7, 0, 4});
}

void TestSeeds::tutorialTensor() {
    QFETCH(Tensor, input);
    QFETCH(ConvLayer, layer);
    QFETCH(Tensor, expected);
    const std::string ref = exactDiff(referenceConvTranspose2d(input, layer), expected);
    QVERIFY2(ref.empty(), ("reference: " + ref).c_str());
    const std::string cpu = exactDiff(convTranspose2d(input, layer, *cpu_), expected);
    QVERIFY2(cpu.empty(), (cpu_->description() + ": " + cpu).c_str());
}

void TestSeeds::tutorialShapes_data() {
    // 001: input (8, 2, 2, 2) into ConvTranspose2d(2, 3, 3 [, ...]) (bias on, as
    // nn's default). The tutorial's values are random; ours are small integers,
    // checked against the zero-insertion formulation above.
    QTest::addColumn<Tensor>("input");
    QTest::addColumn<ConvLayer>("layer");
    QTest::addColumn<QString>("shape");
    const Tensor x = tensor({8, 2, 2, 2}, pattern(64, 1));
    const Shape4 w{2, 3, 3, 3};
    const std::vector<float> b = {1, -2, 3};
    QTest::newRow("001 (8,2,2,2) k3 -> (8,3,4,4)")
        << x << layer(w, pattern(54, 2), params(1), b) << QString("(8, 3, 4, 4)");
    QTest::newRow("001 (8,2,2,2) k3 p1 -> (8,3,2,2)")
        << x << layer(w, pattern(54, 3), params(1, 1), b) << QString("(8, 3, 2, 2)");
    QTest::newRow("001 (8,2,2,2) k3 s2 p1 op1 -> (8,3,4,4)")
        << x << layer(w, pattern(54, 4), params(2, 1, 1), b) << QString("(8, 3, 4, 4)");
}

void TestSeeds::tutorialShapes() {
    QFETCH(Tensor, input);
    QFETCH(ConvLayer, layer);
    QFETCH(QString, shape);
    const Tensor expected = zeroInsertionConvTranspose(input, layer);
    QCOMPARE(QString::fromStdString(shapeText(expected.shape())), shape);
    const std::string ref = exactDiff(referenceConvTranspose2d(input, layer), expected);
    QVERIFY2(ref.empty(), ("reference: " + ref).c_str());
    const std::string cpu = exactDiff(convTranspose2d(input, layer, *cpu_), expected);
    QVERIFY2(cpu.empty(), (cpu_->description() + ": " + cpu).c_str());
}

void TestSeeds::transposeOfConvMatrix() {
    // 000 builds W, the 36 x 64 matrix of the valid cross-correlation of an 8x8
    // image with K (6x6 out), and computes the transposed convolution as W.T @ X.
    // Ours must be exactly that transpose: ConvT(e_i) == row i of W for every
    // unit 6x6 input e_i, and <ConvT(y), x> == <y, Conv(x)> for seed 0's data.
    std::vector<float> matrixW(36 * 64, 0.0f);  // the notebook's conv_matrix loops
    for (int r = 0; r < 6; ++r)
        for (int c = 0; c < 6; ++c)
            for (int kr = 0; kr < 3; ++kr)
                for (int kc = 0; kc < 3; ++kc)
                    matrixW[size_t((r * 6 + c) * 64 + (r + kr) * 8 + c + kc)] = kSeed0K[size_t(kr * 3 + kc)];
    const ConvLayer l = layer({1, 1, 3, 3}, kSeed0K, params(1));
    for (int i = 0; i < 36; ++i) {
        std::vector<float> unit(36, 0.0f);
        unit[size_t(i)] = 1.0f;
        const Tensor want = plane(8, 8, std::vector<float>(matrixW.begin() + i * 64, matrixW.begin() + (i + 1) * 64));
        const std::string ref = exactDiff(referenceConvTranspose2d(plane(6, 6, unit), l), want);
        QVERIFY2(ref.empty(), qPrintable(QString("reference, column %1 of W.T: %2").arg(i).arg(ref.c_str())));
        const std::string cpu = exactDiff(convTranspose2d(plane(6, 6, unit), l, *cpu_), want);
        QVERIFY2(cpu.empty(), qPrintable(QString("cpu, column %1 of W.T: %2").arg(i).arg(cpu.c_str())));
    }
    // Adjoint identity with y = seed 0's X (6x6) and an integer 8x8 x.
    const std::vector<float> x8 = pattern(64, 5);
    double convSide = 0;  // <y, W x>
    for (int r = 0; r < 36; ++r) {
        double wx = 0;
        for (int c = 0; c < 64; ++c) wx += double(matrixW[size_t(r * 64 + c)]) * x8[size_t(c)];
        convSide += kSeed0X[size_t(r)] * wx;
    }
    for (int which = 0; which < 2; ++which) {
        const Tensor t = which == 0 ? referenceConvTranspose2d(plane(6, 6, kSeed0X), l)
                                    : convTranspose2d(plane(6, 6, kSeed0X), l, *cpu_);
        double tSide = 0;  // <ConvT(y), x>
        for (int i = 0; i < 64; ++i) tSide += double(t.data()[i]) * x8[size_t(i)];
        QCOMPARE(tSide, convSide);
    }
}

QTEST_APPLESS_MAIN(TestSeeds)
#include "test_seeds.moc"
