// SPDX-License-Identifier: MIT
// `tconv apply --output-size HxW`: PyTorch's output_size, exactly. The padding
// stays, output_padding is chosen (the same result as giving it), and sizes
// outside [min, min + stride − 1] are refused with PyTorch's message.
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

QTEST_MAIN(TestCliOutputSize)
#include "test_cli_output_size.moc"
