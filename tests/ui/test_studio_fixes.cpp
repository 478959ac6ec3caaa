// Invalid settings point at their fields and suggest the fix; "Desired output
// size" is PyTorch's output_size (padding kept) with "Solve for padding" as a
// separate action; the explanation gives the right reason for holes and
// writes negative factors in parentheses.
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include "AxisPairEditor.h"
#include "ExplanationPanel.h"
#include "MainWindow.h"
#include "ParameterPanel.h"
#include "ParamsDiagnosis.h"
#include "StudioTestUtil.h"
#include "common/TestPrinters.h"
#include "core/NpyFile.h"

using namespace tconv;
using namespace tconv::ui;

class TestStudioFixes : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void suggestionsNameTheAllowedValues();
    void groupsThatDoNotDivideAreMarked();
    void desiredOutputSizeKeepsThePadding();
    void solveForPaddingIsSeparate();
    void holesSayNoIntegerPairLandsThere();
    void negativeFactorsInParentheses();

private:
    QSpinBox* box(const char* name) const { return w->parameterPanel()->findChild<QSpinBox*>(name); }
    QString provenance() const { return w->explanationPanel()->provenanceLabel()->text(); }
    MainWindow* w = nullptr;
};

void TestStudioFixes::init() {
    w = new MainWindow(test::testWindowOptions());
    w->resize(1200, 800);
    w->show();
    w->setInputTensor(test::seededImage(19, 26, 3, 7), "test", 8);
    QVERIFY(w->waitForIdle());
}

void TestStudioFixes::cleanup() {
    delete w;
    w = nullptr;
}

void TestStudioFixes::suggestionsNameTheAllowedValues() {
    ConvParams g;
    g.kernel = 3;
    g.stride = Size2(2, 4);
    g.outputPadding = Size2(2, 9);
    const QVector<ParamsIssue> issues = diagnoseParams(g, 10, 10, 0, 255);
    QCOMPARE(issues.size(), 2);
    QCOMPARE(issues[0].message, QStringLiteral("output padding must be < stride 2 or dilation 1: use 0 or 1"));
    QCOMPARE(issues[1].message, QStringLiteral("output padding must be < stride 4 or dilation 1: use 0, 1, 2 or 3"));
    QCOMPARE(issues[1].axis, 1);
    g.outputPadding = 0;
    g.stride = 1;
    g.padding = Size2(20, 0);  // 10 + 2 − 40 ≤ 0
    const QVector<ParamsIssue> pad = diagnoseParams(g, 10, 10, 0, 255);
    QCOMPARE(pad.size(), 1);
    QCOMPARE(pad[0].field, QStringLiteral("padding"));
    QVERIFY2(pad[0].message.contains("use 0 to 5"), qPrintable(pad[0].message));
}

void TestStudioFixes::groupsThatDoNotDivideAreMarked() {
    QTemporaryDir dir;
    const QString path = dir.filePath("w8.npy");
    std::vector<float> weight(8 * 1 * 3 * 3, 0.25f);
    writeNpy(path.toStdString(), {8, 1, 3, 3}, weight.data());
    QString error;
    QVERIFY2(w->openKernel(path, &error, true), qPrintable(error));
    QVERIFY(w->waitForIdle());
    QSpinBox* groups = box("groups");
    QVERIFY(groups && groups->isVisibleTo(w));
    groups->setValue(3);
    QVERIFY(w->waitForIdle());
    const QString m = w->parameterPanel()->validationMessage();
    QVERIFY2(m.contains("groups must divide 8: 1, 2, 4, 8"), qPrintable(m));
    QVERIFY(groups->property("invalid").toBool());
    groups->setValue(4);
    QVERIFY(w->waitForIdle());
    QVERIFY(!groups->property("invalid").toBool());
    QVERIFY(w->parameterPanel()->validationMessage().isEmpty());
}

void TestStudioFixes::desiredOutputSizeKeepsThePadding() {
    // 19x26, k3 s2 p1 q1: PyTorch reaches [37, 38] x [51, 52].
    const Size2 padding = w->params().geometry.padding;
    box("targetH")->setValue(37);
    box("targetW")->setValue(52);
    w->parameterPanel()->findChild<QPushButton*>("solveButton")->click();
    QVERIFY(w->waitForIdle());
    QCOMPARE(w->params().geometry.padding, padding);
    QCOMPARE(w->params().geometry.outputPadding, Size2(0, 1));
    QCOMPARE(w->lastResult()->output.shape().h, int64_t(37));
    QCOMPARE(w->lastResult()->output.shape().w, int64_t(52));
    // The old solver's answer (padding changed) is not what output_size does: refused with PyTorch's words.
    const StudioParams before = w->params();
    box("targetH")->setValue(30);
    w->parameterPanel()->findChild<QPushButton*>("solveButton")->click();
    QVERIFY(w->waitForIdle());
    QCOMPARE(w->params(), before);
    QVERIFY2(w->parameterPanel()->validationMessage().contains("valid sizes range from [37, 51] to [38, 52]"),
             qPrintable(w->parameterPanel()->validationMessage()));
}

void TestStudioFixes::solveForPaddingIsSeparate() {
    box("targetH")->setValue(30);
    box("targetW")->setValue(52);
    w->parameterPanel()->findChild<QPushButton*>("solvePaddingButton")->click();
    QVERIFY(w->waitForIdle());
    QVERIFY2(w->currentError().isEmpty(), qPrintable(w->currentError()));
    QCOMPARE(w->lastResult()->output.shape().h, int64_t(30));
    QVERIFY(w->params().geometry.padding.h > 1);
}

void TestStudioFixes::holesSayNoIntegerPairLandsThere() {
    StudioParams p = w->params();
    p.kernelSource = "box";
    p.geometry.kernel = 3;
    p.geometry.stride = 2;
    p.geometry.dilation = 2;
    p.geometry.padding = 0;
    p.geometry.outputPadding = 1;
    w->setParams(p);
    QVERIFY(w->waitForIdle());
    QVERIFY2(w->currentError().isEmpty(), qPrintable(w->currentError()));
    // Taps at offsets 0, 2, 4 from even origins: odd rows are holes.
    w->hoverOutputPixel(1, 2, true);
    QVERIFY2(provenance().contains("hole") && provenance().contains("no integer input/tap pair"),
             qPrintable(provenance()));
    QVERIFY(provenance().contains("row"));
    QVERIFY(!provenance().contains("outside the image"));
}

void TestStudioFixes::negativeFactorsInParentheses() {
    StudioParams p = w->params();
    p.kernelSource = "custom";
    p.geometry.kernel = 2;
    p.geometry.padding = 0;
    p.geometry.outputPadding = 0;
    p.customKernel = Kernel2D(2, 2);
    p.customKernel.taps = {-0.5f, 1.0f, 1.0f, 1.0f};
    p.bias = -0.25f;
    w->setParams(p);
    QVERIFY(w->waitForIdle());
    w->hoverOutputPixel(0, 0, true);
    QVERIFY2(provenance().contains("·(−0.5)"), qPrintable(provenance()));
    QVERIFY2(provenance().contains("bias (−0.25)"), qPrintable(provenance()));
    QVERIFY(!provenance().contains("·-"));
}

QTEST_MAIN(TestStudioFixes)
#include "test_studio_fixes.moc"
