// SPDX-License-Identifier: MIT
// Issue 13's semantics of `tconv apply`, run as a process:
// - `--output-size HxW`: PyTorch's output_size, exactly. The padding stays,
//   output_padding is chosen (the same result as giving it), and sizes outside
//   [min, min + stride − 1] are refused with PyTorch's message.
// - per-side padding: --pads T,L,B,R crops the full output, --auto-pad follows
//   ONNX (with --output-size: ONNX output_shape), and the padding options
//   exclude each other.
// - batches in one .npy ((N,H,W,C); --layout nchw: PyTorch's (N,C,H,W) and
//   (C,H,W)), N = 0 included, and --bias FILE.npy, against PyTorch's own
//   results (tests/fixtures/golden/apply_npy, tests/generate_golden_npy.py);
// - the effective-parameters line on stderr after every apply.
// (Bad batch, layout and bias files: test_cli's refusals table.)
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "common/ProcessResult.h"
#include "core/NpyFile.h"

using namespace tconv;

class TestCliOutputSize : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void picksTheOutputPaddingPyTorchPicks();
    void refusesSizesOutsideTheRange();
    void otherCommandsRefuseIt();
    void batchesMatchPyTorch_data();
    void batchesMatchPyTorch();
    void emptyBatchGivesEmptyOutput();
    void outputKeepsTheInputsAxes_data();
    void outputKeepsTheInputsAxes();
    void effectiveParametersOnStderr();
    void biasFileIsOneValuePerOutputChannel();
    void analyzeAndRepairIgnoreABiasFile();
    void analyzeAndRepairNamePerSidePads();
    void perSidePadsCropTheFullOutput();
    void autoPadModes();
    void autoPadWithOutputSizeIsOnnxOutputShape();
    void paddingOptionsExcludeEachOther_data();
    void paddingOptionsExcludeEachOther();
    void padsReachEveryCommand();

private:
    ProcessResult run(const QStringList& args) {
        QProcess p;
        p.start(QStringLiteral(TCONV_EXE), args);
        return finishProcess(p);
    }
    QString golden(const QString& name) const { return QStringLiteral(TCONV_FIXTURES_DIR "/golden/apply_npy/") + name; }
    QTemporaryDir dir_;
    QString input_;
    const QStringList geometry_{"--kernel", "box", "--kernel-size", "3", "--stride", "2", "--padding", "1"};
};

void TestCliOutputSize::initTestCase() {
    input_ = dir_.filePath("in.npy");
    std::vector<float> v(5 * 7);
    for (size_t i = 0; i < v.size(); ++i) v[i] = float((i * 37) % 11) / 10.0f;
    writeNpy(input_.toStdString(), {5, 7}, v.data());
}

void TestCliOutputSize::picksTheOutputPaddingPyTorchPicks() {
    // 5x7, k3 s2 p1: heights 9..10, widths 13..14.
    const QString sized = dir_.filePath("sized.npy"), padded = dir_.filePath("padded.npy");
    ProcessResult r = run(QStringList{"apply", input_, sized, "--output-size", "10x13"} + geometry_);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = run(QStringList{"apply", input_, padded, "--output-padding", "1x0"} + geometry_);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const NpyArray a = readNpy(sized.toStdString()), b = readNpy(padded.toStdString());
    QCOMPARE(a.shape, (std::vector<int64_t>{10, 13}));
    QCOMPARE(a.shape, b.shape);
    QVERIFY(a.values == b.values);
}

void TestCliOutputSize::refusesSizesOutsideTheRange() {
    const QString out = dir_.filePath("refused.npy");
    const ProcessResult r = run(QStringList{"apply", input_, out, "--output-size", "12x13"} + geometry_);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("requested an output size of [12, 13], but valid sizes range from [9, 13] to [10, 14] "
                            "(for an input of torch.Size([5, 7]))"),
             qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(out));
    QCOMPARE(run(QStringList{"apply", input_, out, "--output-size", "ten"} + geometry_).code, 2);
}

void TestCliOutputSize::otherCommandsRefuseIt() {
    // Only apply has one input whose size output_size refers to.
    const ProcessResult r = run(QStringList{"analyze", "--input", input_, "--output-size", "10x13"} + geometry_);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--output-size"), qPrintable(r.err));
}

namespace {

// A (shape) float32 .npy of seeded values in [-1, 1).
void writeSeeded(const QString& path, const std::vector<int64_t>& shape, unsigned seed) {
    int64_t count = 1;
    for (int64_t d : shape) count *= d;
    std::vector<float> v(size_t(std::max<int64_t>(count, 1)));
    uint32_t x = seed * 2654435761u + 3;
    for (float& f : v) {
        x = x * 1664525u + 1013904223u;
        f = float(x >> 8) / float(1 << 23) - 1.0f;
    }
    writeNpy(path.toStdString(), shape, v.data());
}

// The one stderr line of a successful apply.
QString appliedLine(const ProcessResult& r) {
    return r.err.count('\n') == 1 && r.err.startsWith("tconv: applied ") ? r.err : QString();
}

}  // namespace

void TestCliOutputSize::batchesMatchPyTorch_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("layout");
    QTest::addColumn<QStringList>("geometry");  // as generate_golden_npy.py's CASES
    QTest::addColumn<QString>("shapes");        // the stderr line's NxCxHxW -> NxCxHxW
    const QStringList full{"--stride", "2", "--padding", "1", "--output-padding", "1"};
    const QStringList dcgan{"--stride", "2", "--padding", "1"};
    const QStringList depthwise{"--stride", "2"};
    QTest::newRow("N=2 nchw full weight") << "batch2_full"
                                          << "nchw" << full << "2x3x4x5 -> 2x2x8x10";
    QTest::newRow("N=2 nhwc full weight") << "batch2_full"
                                          << "nhwc" << full << "2x3x4x5 -> 2x2x8x10";
    QTest::newRow("(C,H,W) nchw") << "chw_full"
                                  << "nchw" << dcgan << "1x2x3x4 -> 1x3x6x8";
    QTest::newRow("N=3 nchw depthwise") << "batch3_depthwise"
                                        << "nchw" << depthwise << "3x3x3x4 -> 3x3x6x8";
    QTest::newRow("N=3 nhwc depthwise") << "batch3_depthwise"
                                        << "nhwc" << depthwise << "3x3x3x4 -> 3x3x6x8";
}

void TestCliOutputSize::batchesMatchPyTorch() {
    QFETCH(QString, name);
    QFETCH(QString, layout);
    QFETCH(QStringList, geometry);
    QFETCH(QString, shapes);
    const QString out = dir_.filePath(name + "_" + layout + "_out.npy");
    const ProcessResult r = run(QStringList{"apply", golden(name + "_" + layout + "_input.npy"), out, "--kernel",
                                            golden(name + "_weight.npy"), "--bias", golden(name + "_bias.npy"),
                                            "--layout", layout, "--backend", "cpu"} +
                                geometry);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QString line = appliedLine(r);
    QVERIFY2(line.contains(" bias=yes ") && line.endsWith(" " + shapes + " on cpu\n"), qPrintable(r.err));
    const NpyArray got = readNpy(out.toStdString());
    const NpyArray want = readNpy(golden(name + "_" + layout + "_expected.npy").toStdString());
    QCOMPARE(got.shape, want.shape);  // the input's layout, batch axis included
    float scale = 0;
    for (float v : want.values) scale = std::max(scale, std::abs(v));
    QVERIFY(scale > 0.1f);
    for (size_t i = 0; i < want.values.size(); ++i)
        QVERIFY2(std::abs(got.values[i] - want.values[i]) <= 1e-5f * scale,
                 qPrintable(QString("value %1: %2, PyTorch %3").arg(i).arg(got.values[i]).arg(want.values[i])));
    // Without the bias file the result differs by exactly the bias per channel: it was used, once.
    const QString noBias = dir_.filePath(name + "_" + layout + "_nobias.npy");
    QCOMPARE(run(QStringList{"apply", golden(name + "_" + layout + "_input.npy"), noBias, "--kernel",
                             golden(name + "_weight.npy"), "--layout", layout, "--backend", "cpu"} +
                 geometry)
                 .code,
             0);
    const NpyArray plain = readNpy(noBias.toStdString()), bias = readNpy(golden(name + "_bias.npy").toStdString());
    const size_t c = bias.values.size(), rank = want.shape.size();
    const size_t plane = size_t(want.shape[rank - 2] * want.shape[rank - 1]);  // nchw: H * W
    for (size_t i = 0; i < want.values.size(); ++i) {
        const size_t channel = layout == "nhwc" ? i % c : (i / plane) % c;
        QVERIFY(std::abs(got.values[i] - plain.values[i] - bias.values[channel]) <= 1e-5f * scale);
    }
}

void TestCliOutputSize::emptyBatchGivesEmptyOutput() {
    // PyTorch: an input of size (0, C, H, W) gives an output of size (0, C_out, H_out, W_out).
    for (const QString layout : {"nhwc", "nchw"}) {
        const bool nchw = layout == "nchw";
        const QString in = dir_.filePath("empty_" + layout + ".npy"),
                      out = dir_.filePath("empty_out_" + layout + ".npy");
        writeSeeded(in, nchw ? std::vector<int64_t>{0, 3, 4, 5} : std::vector<int64_t>{0, 4, 5, 3}, 1);
        const ProcessResult r = run({"apply", in, out, "--layout", layout, "--backend", "cpu", "--bias", "0.5"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        // bilinear k4 s2: (4-1)*2+4 = 10 rows, (5-1)*2+4 = 12 columns.
        QVERIFY2(appliedLine(r).endsWith(" 0x3x4x5 -> 0x3x10x12 on cpu\n"), qPrintable(r.err));
        const NpyArray a = readNpy(out.toStdString());
        QCOMPARE(a.shape, nchw ? (std::vector<int64_t>{0, 3, 10, 12}) : (std::vector<int64_t>{0, 10, 12, 3}));
        QVERIFY(a.values.empty());
    }
}

void TestCliOutputSize::outputKeepsTheInputsAxes_data() {
    QTest::addColumn<QString>("layout");
    QTest::addColumn<QList<qint64>>("in");
    QTest::addColumn<QList<qint64>>("out");  // nearest k2 s2: H and W doubled, channels kept
    QTest::newRow("nhwc (H,W)") << "nhwc" << QList<qint64>{3, 4} << QList<qint64>{6, 8};
    QTest::newRow("nhwc (H,W,1) as always") << "nhwc" << QList<qint64>{3, 4, 1} << QList<qint64>{6, 8};
    QTest::newRow("nhwc (H,W,2)") << "nhwc" << QList<qint64>{3, 4, 2} << QList<qint64>{6, 8, 2};
    QTest::newRow("nhwc (1,H,W,1)") << "nhwc" << QList<qint64>{1, 3, 4, 1} << QList<qint64>{1, 6, 8, 1};
    QTest::newRow("nchw (H,W)") << "nchw" << QList<qint64>{3, 4} << QList<qint64>{6, 8};
    QTest::newRow("nchw (1,H,W)") << "nchw" << QList<qint64>{1, 3, 4} << QList<qint64>{1, 6, 8};
    QTest::newRow("nchw (2,H,W)") << "nchw" << QList<qint64>{2, 3, 4} << QList<qint64>{2, 6, 8};
    QTest::newRow("nchw (1,1,H,W)") << "nchw" << QList<qint64>{1, 1, 3, 4} << QList<qint64>{1, 1, 6, 8};
}

void TestCliOutputSize::outputKeepsTheInputsAxes() {
    QFETCH(QString, layout);
    QFETCH(QList<qint64>, in);
    QFETCH(QList<qint64>, out);
    const QString inPath = dir_.filePath("axes_in.npy"), outPath = dir_.filePath("axes_out.npy");
    const std::vector<int64_t> inShape(in.begin(), in.end());
    writeSeeded(inPath, inShape, 2);
    const ProcessResult r = run({"apply", inPath, outPath, "--layout", layout, "--kernel", "nearest"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const NpyArray a = readNpy(outPath.toStdString()), x = readNpy(inPath.toStdString());
    QCOMPARE(a.shape, std::vector<int64_t>(out.begin(), out.end()));
    // Nearest replicates: each output value is its input pixel, in the same layout.
    const bool channelsLast = layout == "nhwc";
    const int64_t c = inShape.size() == 2 ? 1 : (channelsLast ? inShape.back() : inShape[inShape.size() - 3]);
    const int64_t h = inShape[inShape.size() - (channelsLast && inShape.size() > 2 ? 3 : 2)];
    const int64_t w = inShape[inShape.size() - (channelsLast && inShape.size() > 2 ? 2 : 1)];
    for (int64_t ch = 0; ch < c; ++ch)
        for (int64_t y = 0; y < 2 * h; ++y)
            for (int64_t xx = 0; xx < 2 * w; ++xx) {
                const auto at = [&](const NpyArray& t, int64_t hh, int64_t ww, int64_t yy, int64_t x0) {
                    return channelsLast ? t.values[size_t((yy * ww + x0) * c + ch)]
                                        : t.values[size_t((ch * hh + yy) * ww + x0)];
                };
                QCOMPARE(at(a, 2 * h, 2 * w, y, xx), at(x, h, w, y / 2, xx / 2));
            }
}

void TestCliOutputSize::effectiveParametersOnStderr() {
    const QString out = dir_.filePath("params.npy");
    // tconv's default stride 2 is named as a default that differs from PyTorch's and ONNX's.
    ProcessResult r = run({"apply", input_, out, "--backend", "cpu"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(appliedLine(r), QString("tconv: applied k=4 s=2 p=0 op=0 d=1 g=1 bias=no (stride 2 is tconv's image "
                                     "default; PyTorch's and ONNX's default is 1) 1x1x5x7 -> 1x1x12x16 on cpu\n"));
    QVERIFY2(r.out.startsWith("wrote ") && r.out.count('\n') == 1, qPrintable(r.out));  // stdout as before
    // Given on the command line: no note. --output-size shows the output_padding it chose.
    r = run(QStringList{"apply", input_, out, "--output-size", "10x13", "--backend", "cpu", "--bias", "1"} + geometry_);
    QCOMPARE(appliedLine(r),
             QString("tconv: applied k=3 s=2 p=1 op=1x0 d=1 g=1 bias=yes 1x1x5x7 -> 1x1x10x13 on cpu\n"));
    // --quiet silences stdout only; resize-conv is named.
    r = run(QStringList{"apply", input_, out, "-q", "--method", "resize-conv", "--backend", "cpu"} + geometry_);
    QVERIFY2(r.code == 0 && r.out.isEmpty(), qPrintable(r.out));
    QCOMPARE(appliedLine(r), QString("tconv: applied k=3 s=2 p=1 op=0 d=1 g=1 bias=no method=resize-conv "
                                     "resize=nearest 1x1x5x7 -> 1x1x9x13 on cpu\n"));
    // Per-side pads are printed as ONNX's [T,L,B,R]: 5x7 k3 s2 gives 11x15 before the crop.
    r = run({"apply", input_, out, "--kernel", "box", "--kernel-size", "3", "--stride", "2", "--pads", "1,0,0,1",
             "--backend", "cpu"});
    QCOMPARE(appliedLine(r),
             QString("tconv: applied k=3 s=2 pads=1,0,0,1 op=0 d=1 g=1 bias=no 1x1x5x7 -> 1x1x10x14 on cpu\n"));
    // A failure prints the error line only.
    r = run(QStringList{"apply", input_, out, "--output-size", "12x13"} + geometry_);
    QVERIFY2(r.code == 2 && r.err.startsWith("tconv: error: ") && r.err.count('\n') == 1, qPrintable(r.err));
}

void TestCliOutputSize::biasFileIsOneValuePerOutputChannel() {
    // A (5,7) input through box k3 s2 p1 (depthwise, 1 channel): C_out = 1. float64 is rounded to float32.
    const QString bias64 = dir_.filePath("bias64.npy"), with = dir_.filePath("with.npy"),
                  list = dir_.filePath("list.npy");
    {
        QFile f(bias64);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }";
        while ((10 + header.size() + 1) % 64) header += ' ';
        header += '\n';
        const double value = 0.1;
        f.write(QByteArray("\x93NUMPY\x01\x00", 8) + char(header.size()) + char(0) + header +
                QByteArray(reinterpret_cast<const char*>(&value), 8));
    }
    QCOMPARE(run(QStringList{"apply", input_, with, "--bias", bias64} + geometry_).code, 0);
    QCOMPARE(run(QStringList{"apply", input_, list, "--bias", "0.1"} + geometry_).code, 0);
    QVERIFY(readNpy(with.toStdString()).values == readNpy(list.toStdString()).values);
    // The last --bias wins, a list after a file as a file after a list.
    QCOMPARE(run(QStringList{"apply", input_, with, "--bias", bias64, "--bias", "0.25"} + geometry_).code, 0);
    QCOMPARE(run(QStringList{"apply", input_, list, "--bias", "0.25"} + geometry_).code, 0);
    QVERIFY(readNpy(with.toStdString()).values == readNpy(list.toStdString()).values);
    // A bias for 3 channels on a 1-channel layer: the expected and the actual shape.
    const QString three = dir_.filePath("three.npy");
    writeSeeded(three, {3}, 4);
    const ProcessResult r = run(QStringList{"apply", input_, dir_.filePath("no.npy"), "--bias", three} + geometry_);
    QCOMPARE(r.code, 2);
    QCOMPARE(r.err, "tconv: error: --bias '" + three +
                        "': expected a bias of shape (1,) (one value per output channel, C_out = 1), but got shape "
                        "(3,)\n");
    QVERIFY(!QFileInfo::exists(dir_.filePath("no.npy")));
}

void TestCliOutputSize::analyzeAndRepairIgnoreABiasFile() {
    const QString bias = dir_.filePath("b1.npy");
    writeSeeded(bias, {1}, 5);
    ProcessResult r = run(QStringList{"analyze", "--json", "--bias", bias} + geometry_);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(QJsonDocument::fromJson(r.out.toUtf8()).isObject());  // stdout stays JSON
    QCOMPARE(r.err, "tconv: note: analyze ignores --bias '" + bias +
                        "' (a bias adds one value to every pixel of an output channel, so it neither causes nor hides "
                        "a checkerboard; tconv apply uses it)\n");
    r = run(QStringList{"repair", "--method", "zoh", "--out", dir_.filePath("k.npy"), "--bias", bias} + geometry_);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.err.startsWith("tconv: note: repair ignores --bias '" + bias + "'") && r.err.count('\n') == 1,
             qPrintable(r.err));
}

void TestCliOutputSize::analyzeAndRepairNamePerSidePads() {
    // analyze --json: "padding" stays the begin pads, "pads" is ONNX's [T,L,B,R].
    const QStringList box3{"--kernel", "box", "--kernel-size", "3", "--stride", "2"};
    ProcessResult r = run(QStringList{"analyze", "--json", "--pads", "1,0,2,1"} + box3);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value("pads").toArray(), (QJsonArray{1, 0, 2, 1}));
    QCOMPARE(o.value("padding").toArray(), (QJsonArray{1, 0}));
    r = run(QStringList{"analyze", "--json"} + geometry_);
    QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value("pads").toArray(), (QJsonArray{1, 1, 1, 1}));
    // repair's "use with:" line gives the option that reproduces the layer.
    r = run(QStringList{"repair", "--method", "additive", "--out", dir_.filePath("ka.npy"), "--pads", "1,0,2,1"} +
            box3);
    QVERIFY2(r.code == 0 && r.out.contains(" --stride 2 --pads 1,0,2,1 --output-padding 0 "),
             qPrintable(r.out + r.err));
    r = run(QStringList{"repair", "--method", "additive", "--out", dir_.filePath("kb.npy")} + geometry_);
    QVERIFY2(r.code == 0 && r.out.contains(" --stride 2 --padding 1 --output-padding 0 "), qPrintable(r.out + r.err));
}

namespace {

// The [top, top + h) x [left, left + w) window of a 2-D .npy (H, W).
std::vector<float> window(const NpyArray& a, int64_t top, int64_t left, int64_t h, int64_t w) {
    std::vector<float> v;
    for (int64_t y = top; y < top + h; ++y)
        for (int64_t x = left; x < left + w; ++x) v.push_back(a.values[size_t(y * a.shape[1] + x)]);
    return v;
}

const QStringList kBox3Stride2{"--kernel", "box", "--kernel-size", "3", "--stride", "2"};

}  // namespace

void TestCliOutputSize::perSidePadsCropTheFullOutput() {
    // 5x7, k3 s2: the full output is 11x15; --pads 1,2,0,1 (top, left, bottom, right) keeps rows 1..10, columns 2..13.
    const QString full = dir_.filePath("full.npy"), cropped = dir_.filePath("pads.npy");
    ProcessResult r = run(QStringList{"apply", input_, full} + kBox3Stride2);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = run(QStringList{"apply", input_, cropped, "--pads", "1,2,0,1"} + kBox3Stride2);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const NpyArray a = readNpy(full.toStdString()), b = readNpy(cropped.toStdString());
    QCOMPARE(a.shape, (std::vector<int64_t>{11, 15}));
    QCOMPARE(b.shape, (std::vector<int64_t>{10, 12}));
    QVERIFY(b.values == window(a, 1, 2, 10, 12));
    // Symmetric --pads is --padding.
    const QString sym = dir_.filePath("sym.npy"), padded = dir_.filePath("padded1.npy");
    QCOMPARE(run(QStringList{"apply", input_, sym, "--pads", "1,1,1,1"} + kBox3Stride2).code, 0);
    QCOMPARE(run(QStringList{"apply", input_, padded, "--padding", "1"} + kBox3Stride2).code, 0);
    QVERIFY(readNpy(sym.toStdString()).values == readNpy(padded.toStdString()).values);
}

void TestCliOutputSize::autoPadModes() {
    // k3 s2: total padding 1 per axis; same-upper crops the last row and column,
    // same-lower the first (ONNX); both give input * stride = 10x14. valid crops nothing.
    const QString full = dir_.filePath("full2.npy");
    QCOMPARE(run(QStringList{"apply", input_, full} + kBox3Stride2).code, 0);
    const NpyArray a = readNpy(full.toStdString());
    const QString upper = dir_.filePath("upper.npy"), lower = dir_.filePath("lower.npy"),
                  valid = dir_.filePath("v.npy");
    ProcessResult r = run(QStringList{"apply", input_, upper, "--auto-pad", "same-upper"} + kBox3Stride2);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = run(QStringList{"apply", input_, lower, "--auto-pad", "SAME_LOWER"} + kBox3Stride2);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = run(QStringList{"apply", input_, valid, "--auto-pad", "valid"} + kBox3Stride2);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const NpyArray u = readNpy(upper.toStdString()), l = readNpy(lower.toStdString()), v = readNpy(valid.toStdString());
    QCOMPARE(u.shape, (std::vector<int64_t>{10, 14}));
    QCOMPARE(l.shape, (std::vector<int64_t>{10, 14}));
    QVERIFY(u.values == window(a, 0, 0, 10, 14));
    QVERIFY(l.values == window(a, 1, 1, 10, 14));
    QVERIFY(v.values == a.values);
}

void TestCliOutputSize::autoPadWithOutputSizeIsOnnxOutputShape() {
    // ONNX output_shape 9x13 from a full 11x15: total 2 per axis, split 1 + 1 = --padding 1.
    const QString shaped = dir_.filePath("shaped.npy"), padded = dir_.filePath("padded2.npy");
    ProcessResult r =
        run(QStringList{"apply", input_, shaped, "--auto-pad", "same-upper", "--output-size", "9x13"} + kBox3Stride2);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(run(QStringList{"apply", input_, padded, "--padding", "1"} + kBox3Stride2).code, 0);
    const NpyArray a = readNpy(shaped.toStdString()), b = readNpy(padded.toStdString());
    QCOMPARE(a.shape, (std::vector<int64_t>{9, 13}));
    QVERIFY(a.values == b.values);
    // 10x13: total 1 row, same-upper crops it at the end.
    const QString odd = dir_.filePath("odd.npy"), full = dir_.filePath("full3.npy");
    QCOMPARE(run(QStringList{"apply", input_, odd, "--auto-pad", "same-upper", "--output-size", "10x13"} + kBox3Stride2)
                 .code,
             0);
    QCOMPARE(run(QStringList{"apply", input_, full} + kBox3Stride2).code, 0);
    QVERIFY(readNpy(odd.toStdString()).values == window(readNpy(full.toStdString()), 0, 1, 10, 13));
}

void TestCliOutputSize::paddingOptionsExcludeEachOther_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("pads and padding") << QStringList{"--pads", "1,2,3,4", "--padding", "1"}
                                      << "--pads 1,2,3,4 and --padding 1 both set the padding";
    QTest::newRow("auto-pad and pads") << QStringList{"--auto-pad", "same-upper", "--pads", "0,0,1,1"}
                                       << "--auto-pad same-upper and --pads 0,0,1,1 both set the padding";
    QTest::newRow("auto-pad and padding") << QStringList{"--padding", "0", "--auto-pad", "valid"}
                                          << "--auto-pad valid and --padding 0 both set the padding";
    QTest::newRow("three pads") << QStringList{"--pads", "1,2,3"} << "--pads: expected T,L,B,R: four whole numbers";
    QTest::newRow("negative pad") << QStringList{"--pads", "1,2,3,-4"} << "--pads: expected T,L,B,R";
    QTest::newRow("five pads") << QStringList{"--pads", "1,2,3,4,5"} << "--pads: expected T,L,B,R";
    QTest::newRow("unknown auto-pad") << QStringList{"--auto-pad", "same"}
                                      << "--auto-pad: expected same-upper, same-lower or valid, but got 'same'";
    QTest::newRow("pads crop everything") << QStringList{"--pads", "11,0,0,0"} << "Output size is too small";
}

void TestCliOutputSize::paddingOptionsExcludeEachOther() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const QString out = dir_.filePath("refused2.npy");
    const ProcessResult r = run(QStringList{"apply", input_, out} + kBox3Stride2 + args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.startsWith("tconv: error: ") && r.err.contains(message), qPrintable(r.err));
    QVERIFY(!QFileInfo::exists(out));
}

void TestCliOutputSize::padsReachEveryCommand() {
    for (const char* command : {"apply", "analyze", "repair", "batch"}) {
        const ProcessResult r = run(QStringList{command, "--help"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("--pads") && r.out.contains("--auto-pad"), qPrintable(command + (": " + r.out)));
    }
    // analyze computes on the cropped output: two rows and columns fewer with --pads 1,0,1,2 than with none.
    auto analyzedSize = [&](const QStringList& extra) {
        const ProcessResult r = run(QStringList{"analyze", "--json"} + kBox3Stride2 + extra);
        const QJsonArray size = QJsonDocument::fromJson(r.out.toUtf8()).object().value("output_size").toArray();
        return r.code == 0 && size.size() == 2 ? QList<int>{size[0].toInt(), size[1].toInt()} : QList<int>{};
    };
    const QList<int> none = analyzedSize({}), cropped = analyzedSize({"--pads", "1,0,1,2"});
    QCOMPARE(none.size(), 2);
    QCOMPARE(cropped, (QList<int>{none[0] - 2, none[1] - 2}));
    // repair takes a per-side layer too.
    const ProcessResult r = run(
        QStringList{"repair", "--method", "zoh", "--out", dir_.filePath("kz.npy"), "--pads", "0,1,1,0"} + kBox3Stride2);
    QVERIFY2(r.code == 0, qPrintable(r.err));
}

QTEST_MAIN(TestCliOutputSize)
#include "test_cli_output_size.moc"
