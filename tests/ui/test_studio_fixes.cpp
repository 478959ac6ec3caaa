// SPDX-License-Identifier: MIT
// Invalid settings point at their fields and suggest the fix; "Desired output
// size" is PyTorch's output_size (padding kept) with "Solve for padding" as a
// separate action; the explanation gives the right reason for holes and
// writes negative factors in parentheses.
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include "panels/AxisPairEditor.h"
#include "dialogs/BatchDialog.h"
#include "panels/KernelEditor.h"
#include "views/ViewSync.h"
#include <QToolButton>
#include "panels/ExplanationPanel.h"
#include "window/MainWindow.h"
#include "panels/ParameterPanel.h"
#include "panels/ParamsDiagnosis.h"
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
    void batchDialogForgetsAHintOnceFollowed();
    void kernelLinkIconRecoversAfterWeightMode();
    void pinnedPixelIsScrolledIntoView();
    void abbreviationsAreSpelledOut();

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
    p.kernelSource = KernelSource::preset(KernelPreset::Box);
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
    p.kernelSource = KernelSource::custom();
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

void TestStudioFixes::batchDialogForgetsAHintOnceFollowed() {
    app::ConvSettings s;
    BatchDialog d(s, std::nullopt);
    d.start();
    QVERIFY2(d.statusText().contains("Add input files"), qPrintable(d.statusText()));
    QTemporaryDir dir;
    d.setInputs({dir.path()});
    QVERIFY2(!d.statusText().contains("Add input files"), qPrintable(d.statusText()));
    d.start();
    QVERIFY(d.statusText().contains("output folder"));
    d.setOutputFolder(dir.filePath("out"));
    QVERIFY2(!d.statusText().contains("output folder"), qPrintable(d.statusText()));
}

// The link icon's colour at its centre row: the palette's text colour, not the disabled grey.
static QColor iconInk(QToolButton* b) {
    const QImage img = b->icon().pixmap(QSize(32, 32), QIcon::Normal).toImage();
    for (int x = 0; x < img.width(); ++x) {
        const QColor c = img.pixelColor(x, 16);
        if (c.alpha() > 200) return c;
    }
    return {};
}

void TestStudioFixes::kernelLinkIconRecoversAfterWeightMode() {
    AxisPairEditor* k = w->parameterPanel()->kernelSize();
    const QColor before = iconInk(k->linkButton());
    QVERIFY(before.isValid());
    QTemporaryDir dir;
    const QString path = dir.filePath("w.npy");
    std::vector<float> weight(3 * 1 * 3 * 3, 0.25f);
    writeNpy(path.toStdString(), {3, 1, 3, 3}, weight.data());
    QString error;
    QVERIFY2(w->openKernel(path, &error, true), qPrintable(error));
    QVERIFY(w->waitForIdle());
    QVERIFY(!k->isEnabled());
    StudioParams p = w->params();
    p.kernelSource = KernelSource::preset(KernelPreset::Box);
    w->setParams(p);
    QVERIFY(w->waitForIdle());
    QVERIFY(k->isEnabled());
    QCOMPARE(iconInk(k->linkButton()), before);
}

void TestStudioFixes::pinnedPixelIsScrolledIntoView() {
    ViewSync* sync = w->viewSync();
    sync->setView(16.0, QPointF(2, 2));  // zoomed in on the top-left corner
    w->hoverOutputPixel(35, 49, true);   // the far corner
    QVERIFY(!sync->fitMode());
    QVERIFY(std::abs(sync->center().x() - 49.5) < 1.0);
    QVERIFY(std::abs(sync->center().y() - 35.5) < 1.0);
    QCOMPARE(sync->zoom(), 16.0);
    // A pixel already on screen does not move the view.
    w->hoverOutputPixel(36, 50, true);
    QVERIFY(std::abs(sync->center().x() - 49.5) < 1.0);
}

void TestStudioFixes::abbreviationsAreSpelledOut() {
    QLabel* scores = w->kernelEditor()->findChild<QLabel*>("kernelScores");
    QVERIFY(scores);
    for (const char* term : {"CV: coefficient of variation", "R: ratio", "PP: peak-to-peak", "A − 1", "E: the artifact",
                             "q: output padding"})
        QVERIFY2(scores->toolTip().contains(QString::fromUtf8(term)), term);
    QVERIFY(w->explanationPanel()->formulaLabel()->toolTip().contains("q output_padding"));
}

QTEST_MAIN(TestStudioFixes)
#include "test_studio_fixes.moc"
