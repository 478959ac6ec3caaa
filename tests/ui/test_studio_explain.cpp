// SPDX-License-Identifier: MIT
// The explanation side: hover provenance against the definition of the
// transposed convolution, the scatter stepper, the tutorial examples on
// screen, the live formula, and numeric mode.
#include <QLabel>
#include <QSlider>
#include <QTableWidget>
#include <QtTest>

#include "panels/ExplanationPanel.h"
#include "panels/KernelEditor.h"
#include "window/MainWindow.h"
#include "document/Provenance.h"
#include "StudioTestUtil.h"
#include "document/TutorialExamples.h"
#include "views/ViewArea.h"
#include "common/TestPrinters.h"

using namespace tconv;
using namespace tconv::ui;

class TestStudioExplain : public QObject {
    Q_OBJECT
private slots:
    void provenanceMatchesTheDefinition_data();
    void provenanceMatchesTheDefinition();
    void hoverHighlightsInputsAndTaps();
    void scatterStepsEndAtTheEngineResult();
    void tutorialsOnScreen();
    void formulaShowsTheNumbers();
};

void TestStudioExplain::provenanceMatchesTheDefinition_data() {
    QTest::addColumn<ConvParams>("p");
    auto g = [](Size2 k, Size2 s, Size2 pad, Size2 q, Size2 d) {
        ConvParams c;
        c.kernel = k;
        c.stride = s;
        c.padding = pad;
        c.outputPadding = q;
        c.dilation = d;
        return c;
    };
    QTest::newRow("k3 s1") << g(3, 1, 0, 0, 1);
    QTest::newRow("k3 s2 p1 q1") << g(3, 2, 1, 1, 1);
    QTest::newRow("k4 s2 p1") << g(4, 2, 1, 0, 1);
    QTest::newRow("k2 s2 d2") << g(2, 2, 0, 0, 2);
    QTest::newRow("k3 s3 q2") << g(3, 3, 0, 2, 1);
    QTest::newRow("per axis") << g(Size2(3, 2), Size2(2, 3), Size2(1, 0), Size2(0, 2), Size2(1, 2));
    QTest::newRow("k < s") << g(2, 4, 1, 3, 1);
}

// Every output pixel: the listed (input, tap) pairs are exactly those of the
// definition o = i*s - p + j*d, and their sum is the engine's value.
void TestStudioExplain::provenanceMatchesTheDefinition() {
    QFETCH(ConvParams, p);
    const Tensor x = test::seededImage(5, 6, 1, 11);
    StudioParams sp;
    sp.geometry = p;
    sp.kernelSource = KernelSource::preset(KernelPreset::Random);
    sp.seed = 5;
    sp.bias = 0.5f;
    const Kernel2D k = resolveKernel(sp);
    const Tensor y = test::engineResult(x, sp);
    for (int oy = 0; oy < y.shape().h; ++oy)
        for (int ox = 0; ox < y.shape().w; ++ox) {
            const auto terms = contributionsTo(p, 5, 6, oy, ox);
            int expectedCount = 0;
            for (int iy = 0; iy < 5; ++iy)
                for (int ix = 0; ix < 6; ++ix)
                    for (int ky = 0; ky < k.h; ++ky)
                        for (int kx = 0; kx < k.w; ++kx)
                            if (iy * p.stride.h - p.padding.h + ky * p.dilation.h == oy &&
                                ix * p.stride.w - p.padding.w + kx * p.dilation.w == ox)
                                ++expectedCount;
            QCOMPARE(int(terms.size()), expectedCount);
            for (const Contribution& c : terms) {
                QCOMPARE(c.iy * p.stride.h - p.padding.h + c.ky * p.dilation.h, oy);
                QCOMPARE(c.ix * p.stride.w - p.padding.w + c.kx * p.dilation.w, ox);
            }
            const double sum = provenanceSum(terms, x, 0, k, sp.bias);
            QVERIFY2(std::abs(sum - y.at(0, 0, oy, ox)) < 1e-5, qPrintable(QString("%1,%2").arg(oy).arg(ox)));
        }
}

void TestStudioExplain::hoverHighlightsInputsAndTaps() {
    MainWindow w(test::testWindowOptions());
    w.resize(1200, 800);
    w.show();
    QVERIFY(w.loadTutorial("case2-stride"));
    QVERIFY(w.waitForIdle());
    // The centre of case 2 is 10 = 1 + 2 + 3 + 4: every input pixel, each through one tap.
    w.hoverOutputPixel(2, 2, true);
    const QString text = w.explanationPanel()->provenanceLabel()->text();
    QVERIFY2(text.contains("4 contribution"), qPrintable(text));
    QVERIFY2(text.contains("= 10"), qPrintable(text));
    QVERIFY(text.contains("✓"));
    ViewPanel* in = w.viewArea()->findPanel(ViewContent::Input);
    QVERIFY(in);
    // Highlights are private to the view; check through the provenance instead,
    // plus the kernel taps (0,0), (0,2), (2,0), (2,2) marked in the editor.
    const auto terms = contributionsTo(w.params().geometry, 2, 2, 2, 2);
    QCOMPARE(int(terms.size()), 4);
    QVector<QPoint> taps;
    for (const auto& t : terms) taps.push_back(QPoint(t.kx, t.ky));
    QVERIFY(taps.contains(QPoint(0, 0)) && taps.contains(QPoint(2, 2)) && taps.contains(QPoint(0, 2)));
    QCOMPARE(w.kernelEditor()->table()->item(0, 0)->font().bold(), true);
    QCOMPARE(w.kernelEditor()->table()->item(1, 1)->font().bold(), false);
    // A corner: only x[0,0] through K[0,0].
    w.hoverOutputPixel(0, 0, true);
    QVERIFY(w.explanationPanel()->provenanceLabel()->text().contains("1 contribution"));
}

void TestStudioExplain::scatterStepsEndAtTheEngineResult() {
    MainWindow w(test::testWindowOptions());
    w.show();
    QVERIFY(w.loadTutorial("case1-basic"));
    QVERIFY(w.waitForIdle());
    QSlider* s = w.explanationPanel()->stepSlider();
    QCOMPARE(s->maximum(), 4);
    QCOMPARE(s->value(), 4);
    const TutorialExample* e = findTutorial("case1-basic");
    // Step 1: only x[0,0] = 1 times the 3x3 ones, at the top-left.
    const Tensor one = partialScatter(e->input, e->kernel, e->geometry, 0.0f, 1);
    QCOMPARE(one.at(0, 0, 0, 0), 1.0f);
    QCOMPARE(one.at(0, 0, 2, 2), 1.0f);
    QCOMPARE(one.at(0, 0, 3, 3), 0.0f);
    s->setValue(1);
    QVERIFY(w.explanationPanel()->findChildren<QLabel*>().size() > 0);
    // All steps: the engine's result, exactly.
    const Tensor all = partialScatter(e->input, e->kernel, e->geometry, 0.0f, 4);
    QVERIFY(test::sameTensor(all, w.lastResult()->output));
    s->setValue(4);
    QVERIFY(w.viewArea()->findPanel(ViewContent::Result));
}

void TestStudioExplain::tutorialsOnScreen() {
    MainWindow w(test::testWindowOptions());
    w.show();
    for (const TutorialExample& e : tutorialExamples()) {
        QVERIFY(w.loadTutorial(e.id));
        QVERIFY(w.waitForIdle());
        QVERIFY2(w.currentError().isEmpty(), qPrintable(e.id + ": " + w.currentError()));
        const auto* label = w.explanationPanel()->findChild<QLabel*>("tutorialLabel");
        QVERIFY(label && label->isVisible());
        if (!e.expected.isEmpty())
            QVERIFY2(label->text().contains("matches the tutorial"), qPrintable(e.id + ": " + label->text()));
        QCOMPARE(w.params().tone, ToneMode::AutoRange);
    }
    // Changing a parameter leaves the tutorial (its printed result no longer applies).
    QVERIFY(w.loadTutorial("case1-basic"));
    StudioParams p = w.params();
    p.geometry.stride = 2;
    w.setParams(p);
    QVERIFY(w.waitForIdle());
    QVERIFY(!w.explanationPanel()->findChild<QLabel*>("tutorialLabel")->isVisible());
}

void TestStudioExplain::formulaShowsTheNumbers() {
    MainWindow w(test::testWindowOptions());
    QVERIFY(w.loadTutorial("case4-output-padding"));
    QVERIFY(w.waitForIdle());
    const QString f = w.explanationPanel()->formulaLabel()->text();
    // (2 - 1)*3 - 2*0 + 1*(3 - 1) + 2 + 1 = 8
    QVERIFY2(f.contains("(2 − 1)·3 − 2·0 + 1·(3 − 1) + 2 + 1"), qPrintable(f));
    QVERIFY(f.contains("<b>8</b>"));
}

QTEST_MAIN(TestStudioExplain)
#include "test_studio_explain.moc"
