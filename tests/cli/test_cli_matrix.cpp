// SPDX-License-Identifier: MIT
// The convolution matrix (analysis/ConvMatrix.h, `tconv matrix`): C^T @ x is
// the engine's output on seeded random layers (per-side pads included), C is
// the forward convolution (core/Conv2d.h's reference, an independent loop),
// one hand-checked case, and the CLI end to end: `tconv apply` of x equals
// C @ x.ravel() with C from `tconv matrix`, plus its bad inputs.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

#include "analysis/ConvMatrix.h"
#include "common/ProcessResult.h"
#include "core/Conv2d.h"
#include "core/ConvError.h"
#include "core/ConvLayer.h"
#include "core/NpyFile.h"
#include "core/OutputGeometry.h"
#include "core/ReferenceConvTranspose.h"

using namespace tconv;

namespace {

Kernel2D randomKernel(std::mt19937& rng, int h, int w) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    Kernel2D k(h, w);
    for (float& t : k.taps) t = u(rng);
    return k;
}

std::vector<double> multiply(const ConvMatrix& m, const float* x) {
    std::vector<double> y(static_cast<size_t>(m.rows()), 0.0);
    for (int64_t r = 0; r < m.rows(); ++r)
        for (int64_t c = 0; c < m.cols(); ++c) y[static_cast<size_t>(r)] += double(m.at(r, c)) * x[c];
    return y;
}

std::vector<double> multiplyTransposed(const ConvMatrix& m, const float* y) {
    std::vector<double> x(static_cast<size_t>(m.cols()), 0.0);
    for (int64_t r = 0; r < m.rows(); ++r)
        for (int64_t c = 0; c < m.cols(); ++c) x[static_cast<size_t>(c)] += double(m.at(r, c)) * y[r];
    return x;
}

void compare(const std::vector<double>& got, const Tensor& want, const QString& what) {
    QCOMPARE(int64_t(got.size()), want.shape().count());
    for (size_t i = 0; i < got.size(); ++i)
        if (std::abs(got[i] - want.data()[i]) > 1e-5 * (1 + std::abs(want.data()[i])))
            QFAIL(qPrintable(what + QString(": element %1 is %2, expected %3").arg(i).arg(got[i]).arg(want.data()[i])));
}

ProcessResult runTconv(const QStringList& args) {
    QProcess p;
    p.start(TCONV_EXE, args);
    return finishProcess(p);
}

}  // namespace

class TestCliMatrix : public QObject {
    Q_OBJECT
private slots:
    // Rows are outputs, columns are inputs: input (0,0)'s column holds the
    // kernel at outputs (0..1, 0..1) of a 3x3 output (k 2, s 1, p 0).
    void handChecked() {
        ConvParams p;
        p.kernel = {2, 2};
        Kernel2D k(2, 2);
        k.taps = {1, 2, 3, 4};
        const ConvMatrix m = transposedConvMatrix(p, k, 2, 2);
        QCOMPARE(m.rows(), int64_t(9));
        QCOMPARE(m.cols(), int64_t(4));
        QCOMPARE(m.at(0, 0), 1.0f);  // out (0,0) <- in (0,0) tap (0,0)
        QCOMPARE(m.at(1, 0), 2.0f);  // out (0,1) <- in (0,0) tap (0,1)
        QCOMPARE(m.at(3, 0), 3.0f);  // out (1,0)
        QCOMPARE(m.at(4, 0), 4.0f);  // out (1,1)
        QCOMPARE(m.at(2, 0), 0.0f);  // out (0,2) is out of input (0,0)'s reach
        QCOMPARE(m.at(4, 3), 1.0f);  // out (1,1) <- in (1,1) tap (0,0)
        QCOMPARE(m.at(8, 3), 4.0f);  // out (2,2) <- in (1,1) tap (1,1)
    }

    // C^T @ x == the reference transposed convolution, on seeded random
    // layers with every parameter per axis and per-side pads.
    void matchesTheEngine() {
        std::mt19937 rng(20261130);
        std::uniform_int_distribution<int> kd(1, 4), sd(1, 3), dd(1, 2), nd(1, 5);
        int tested = 0;
        for (int trial = 0; trial < 300 && tested < 120; ++trial) {
            ConvParams p;
            p.kernel = {kd(rng), kd(rng)};
            p.stride = {sd(rng), sd(rng)};
            p.dilation = {dd(rng), dd(rng)};
            p.padding = {std::uniform_int_distribution<int>(0, 2)(rng), std::uniform_int_distribution<int>(0, 2)(rng)};
            if (trial % 3 == 0)
                p.paddingEnd =
                    Size2{std::uniform_int_distribution<int>(0, 2)(rng), std::uniform_int_distribution<int>(0, 2)(rng)};
            p.outputPadding = {std::uniform_int_distribution<int>(0, maxOutputPadding(p.stride.h, p.dilation.h))(rng),
                               std::uniform_int_distribution<int>(0, maxOutputPadding(p.stride.w, p.dilation.w))(rng)};
            const int64_t inH = nd(rng), inW = nd(rng);
            const OutputSize out = outputSize(inH, inW, p);
            if (out.h < 1 || out.w < 1) continue;
            const Kernel2D k = randomKernel(rng, p.kernel.h, p.kernel.w);
            const ConvMatrix m = transposedConvMatrix(p, k, inH, inW);
            QCOMPARE(m.outH, out.h);
            QCOMPARE(m.outW, out.w);
            Tensor x(Shape4{1, 1, inH, inW});
            std::uniform_real_distribution<float> u(-1.0f, 1.0f);
            for (int64_t i = 0; i < x.shape().count(); ++i) x.data()[i] = u(rng);
            const Tensor want = referenceConvTranspose2d(x, makeDepthwiseLayer(k, 1, p));
            compare(multiply(m, x.data()), want, QString::fromStdString(describe(p)));
            ++tested;
        }
        QVERIFY(tested >= 100);
    }

    // C itself (the transpose) is the forward convolution with the same kernel,
    // stride, padding and dilation, and it maps the output size back to the
    // input size (output_padding < stride here; above it, sizes differ, which
    // is why output_padding exists).
    void transposeIsTheForwardConvolution() {
        std::mt19937 rng(7);
        std::uniform_int_distribution<int> kd(1, 4), sd(1, 3), dd(1, 2), nd(1, 5), pd(0, 2);
        int tested = 0;
        for (int trial = 0; trial < 300 && tested < 80; ++trial) {
            ConvParams p;
            p.kernel = {kd(rng), kd(rng)};
            p.stride = {sd(rng), sd(rng)};
            p.dilation = {dd(rng), dd(rng)};
            p.padding = {pd(rng), pd(rng)};
            p.outputPadding = {std::uniform_int_distribution<int>(0, p.stride.h - 1)(rng),
                               std::uniform_int_distribution<int>(0, p.stride.w - 1)(rng)};
            const int64_t inH = nd(rng), inW = nd(rng);
            const OutputSize out = outputSize(inH, inW, p);
            if (out.h < 1 || out.w < 1) continue;
            const Kernel2D k = randomKernel(rng, p.kernel.h, p.kernel.w);
            const ConvMatrix m = transposedConvMatrix(p, k, inH, inW);
            Conv2dLayer fwd;
            fwd.params = Conv2dParams{p.kernel, p.stride, p.padding, p.dilation, 1};
            fwd.weight = Tensor(Shape4{1, 1, p.kernel.h, p.kernel.w});
            std::copy(k.taps.begin(), k.taps.end(), fwd.weight.data());
            Tensor y(Shape4{1, 1, out.h, out.w});
            std::uniform_real_distribution<float> u(-1.0f, 1.0f);
            for (int64_t i = 0; i < y.shape().count(); ++i) y.data()[i] = u(rng);
            const Tensor want = referenceConv2d(y, fwd);
            QCOMPARE(want.shape().h, inH);
            QCOMPARE(want.shape().w, inW);
            compare(multiplyTransposed(m, y.data()), want, QString::fromStdString(describe(p)));
            ++tested;
        }
        QVERIFY(tested >= 60);
    }

    void refusesWhatTheEngineRefuses() {
        ConvParams p;
        p.kernel = {3, 3};
        p.stride = {2, 2};
        QVERIFY_THROWS_EXCEPTION(ParameterError, transposedConvMatrix(p, Kernel2D(2, 2), 4, 4));  // wrong kernel size
        p.outputPadding = {2, 0};  // >= stride and dilation
        QVERIFY_THROWS_EXCEPTION(ParameterError, transposedConvMatrix(p, Kernel2D(3, 3), 4, 4));
        p.outputPadding = {0, 0};
        QVERIFY_THROWS_EXCEPTION(ParameterError, transposedConvMatrix(p, Kernel2D(3, 3), 300, 300));  // too big
    }

    // The promise, end to end: C @ x.ravel() == tconv apply's output .ravel().
    void cliMatrixTimesInputIsApply() {
        QTemporaryDir dir;
        const QString x = dir.filePath("x.npy"), k = dir.filePath("k.npy"), y = dir.filePath("y.npy"),
                      c = dir.filePath("C.npy");
        std::mt19937 rng(3);
        const Kernel2D kernel = randomKernel(rng, 3, 4);
        writeNpy(k.toStdString(), {3, 4}, kernel.taps.data());
        std::vector<float> xs(5 * 4);
        std::uniform_real_distribution<float> u(0.0f, 1.0f);
        for (float& v : xs) v = u(rng);
        writeNpy(x.toStdString(), {5, 4}, xs.data());
        const QStringList params{"--kernel",   k,     "--stride",         "2x3", "--pads", "1,0,0,2",
                                 "--dilation", "1x2", "--output-padding", "1x0"};
        const ProcessResult a = runTconv(QStringList{"apply", x, y} + params);
        QVERIFY2(a.code == 0, qPrintable(a.err));
        const ProcessResult m = runTconv(QStringList{"matrix", "--size", "5x4", "--out", c} + params);
        QVERIFY2(m.code == 0, qPrintable(m.err));
        QVERIFY2(m.out.contains("non-zero"), qPrintable(m.out));
        const NpyArray cm = readNpy(c.toStdString()), ym = readNpy(y.toStdString());
        QCOMPARE(int(cm.shape.size()), 2);
        QCOMPARE(cm.shape[1], int64_t(20));
        int64_t outPixels = 1;
        for (int64_t d : ym.shape) outPixels *= d;
        QCOMPARE(cm.shape[0], outPixels);
        for (int64_t r = 0; r < cm.shape[0]; ++r) {
            double s = 0;
            for (int64_t col = 0; col < 20; ++col) s += double(cm.values[size_t(r * 20 + col)]) * xs[size_t(col)];
            QVERIFY2(std::abs(s - ym.values[size_t(r)]) < 1e-5, qPrintable(QString("row %1").arg(r)));
        }
    }

    void cliBadInputs() {
        QTemporaryDir dir;
        const QString c = dir.filePath("C.npy");
        struct Case {
            QStringList args;
            QString message;
        };
        const QList<Case> cases{
            {{"matrix", "--out", c}, "--size"},
            {{"matrix", "--size", "3x3"}, "--out"},
            {{"matrix", "--size", "0x3", "--out", c}, "--size"},
            {{"matrix", "--size", "300x300", "--out", c}, "allowed"},
            {{"matrix", "--size", "3x3", "--out-channel", "1", "--out", c}, "--out-channel"},
            {{"matrix", "--size", "3x3", "--stride", "2", "--output-padding", "2", "--out", c}, "output_padding"},
        };
        for (const Case& k : cases) {
            const ProcessResult r = runTconv(k.args);
            QVERIFY2(r.code == 2, qPrintable(k.args.join(' ') + " -> " + QString::number(r.code) + ": " + r.err));
            QVERIFY2(r.err.startsWith("tconv: error:") && r.err.contains(k.message, Qt::CaseInsensitive),
                     qPrintable(k.args.join(' ') + ": " + r.err));
        }
        QVERIFY(!QFile::exists(c));
        const ProcessResult p = runTconv({"matrix", "--size", "2x2", "--kernel-size", "2", "--stride", "1", "--print"});
        QVERIFY2(p.code == 0, qPrintable(p.err));
        QVERIFY2(p.out.contains("out(2,2)"), qPrintable(p.out));
    }
};

QTEST_MAIN(TestCliMatrix)
#include "test_cli_matrix.moc"
