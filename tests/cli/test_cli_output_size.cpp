// SPDX-License-Identifier: MIT
// `tconv apply --output-size HxW`: PyTorch's output_size, exactly. The padding
// stays, output_padding is chosen (the same result as giving it), and sizes
// outside [min, min + stride − 1] are refused with PyTorch's message.
// Per-side padding: --pads T,L,B,R crops the full output, --auto-pad follows
// ONNX (with --output-size: ONNX output_shape), and the padding options
// exclude each other.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

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
