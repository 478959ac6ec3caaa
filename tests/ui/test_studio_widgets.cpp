// SPDX-License-Identifier: MIT
// Drives the real studio window: every parameter through its widget, checked
// against the engine; invalid combinations; rapid changes; presets; the kernel
// editor; the output-size solver; layouts; the repair buttons.
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QWheelEvent>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include "panels/AxisPairEditor.h"
#include "panels/ExplanationPanel.h"
#include "views/ImageView.h"
#include "views/ViewSync.h"
#include "panels/KernelEditor.h"
#include "window/MainWindow.h"
#include "panels/ParameterPanel.h"
#include "document/PresetStore.h"
#include "StudioTestUtil.h"
#include "analysis/PhaseGain.h"
#include "common/TestPrinters.h"
#include "backends/BackendFactory.h"
#include "core/ConvError.h"
#include "core/Validation.h"

using namespace tconv;
using namespace tconv::ui;

class TestStudioWidgets : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void startsWithASample();
    void eachParameterThroughItsWidget();
    void perAxisValuesWhenUnlinked();
    void invalidCombinationKeepsLastGoodResult();
    void rapidChangesEndWithTheLast();
    void presetSaveLoadRoundTrip();
    void kernelEditorEditsReachTheEngine();
    void presetChoiceReachesTheEngine();
    void desiredOutputSizeSolvesPadding();
    void cudaEntryReflectsAvailability();
    void layoutsShowTheRightViews();
    void repairMakesTheKernelArtifactFree();
    void viewsZoomAndPanTogether();
    void fileMenuOffersEveryDocumentAction();

private:
    void check(const char* what);
    MainWindow* w = nullptr;
    std::shared_ptr<const Tensor> input;
};

void TestStudioWidgets::init() {
    w = new MainWindow(test::testWindowOptions());
    w->resize(1200, 800);
    w->show();
    w->setInputTensor(test::seededImage(19, 26, 3, 7), "test", 8);
    QVERIFY(w->waitForIdle());
    input = w->input();
}

void TestStudioWidgets::cleanup() {
    delete w;
    w = nullptr;
}

// The window's newest result must be the engine's answer for the window's parameters.
void TestStudioWidgets::check(const char* what) {
    QVERIFY2(w->waitForIdle(), what);
    QVERIFY2(w->currentError().isEmpty(), qPrintable(QString(what) + ": " + w->currentError()));
    const ComputeResultPtr r = w->lastResult();
    QVERIFY2(r, what);
    QCOMPARE(r->request.params, w->params());
    const OutputSize o = outputSize(input->shape().h, input->shape().w, w->params().geometry);
    QCOMPARE(r->output.shape(), (Shape4{1, 3, o.h, o.w}));
    QVERIFY2(test::sameTensor(r->output, test::engineResult(*input, w->params())), what);
}

void TestStudioWidgets::startsWithASample() {
    MainWindow::Options o;
    o.persistSettings = false;
    MainWindow fresh(o);
    QVERIFY(fresh.waitForIdle());
    QVERIFY(fresh.input());
    QVERIFY(fresh.lastResult());
    QVERIFY(fresh.lastResult()->output.shape().h > 0);
}

void TestStudioWidgets::eachParameterThroughItsWidget() {
    ParameterPanel* p = w->parameterPanel();
    p->kernelSize()->heightBox()->setValue(4);
    QCOMPARE(w->params().geometry.kernel, Size2(4, 4));  // linked: both axes
    check("kernel size");
    p->stride()->heightBox()->setValue(3);
    QCOMPARE(w->params().geometry.stride, Size2(3, 3));
    check("stride");
    p->padding()->heightBox()->setValue(2);
    check("padding");
    p->outputPadding()->heightBox()->setValue(2);
    check("output padding");
    p->dilation()->heightBox()->setValue(2);
    check("dilation");
    p->biasBox()->setValue(0.25);
    QCOMPARE(w->params().bias, 0.25f);
    check("bias");
}

void TestStudioWidgets::perAxisValuesWhenUnlinked() {
    ParameterPanel* p = w->parameterPanel();
    p->stride()->linkButton()->click();
    QVERIFY(!p->stride()->isLinked());
    p->stride()->widthBox()->setValue(3);
    QCOMPARE(w->params().geometry.stride, Size2(2, 3));
    check("stride 2x3");
    p->kernelSize()->linkButton()->click();
    p->kernelSize()->heightBox()->setValue(5);
    QCOMPARE(w->params().geometry.kernel, Size2(5, 3));
    check("kernel 5x3");
}

void TestStudioWidgets::invalidCombinationKeepsLastGoodResult() {
    const ComputeResultPtr good = w->lastResult();
    QVERIFY(good);
    ParameterPanel* p = w->parameterPanel();
    p->outputPadding()->heightBox()->setValue(3);  // >= stride 2 and >= dilation 1
    QVERIFY(w->waitForIdle());
    ConvParams bad = w->params().geometry;
    QString expected;
    try {
        validateParams(bad);
    } catch (const ParameterError& e) {
        expected = QString::fromUtf8(e.what());
    }
    QVERIFY(!expected.isEmpty());
    // The engine's message, then the fix, and the offending field marked.
    QVERIFY2(p->validationMessage().startsWith(expected), qPrintable(p->validationMessage()));
    QVERIFY2(p->validationMessage().contains("output padding must be < stride 2 or dilation 1: use 0 or 1"),
             qPrintable(p->validationMessage()));
    QVERIFY(p->outputPadding()->heightBox()->property("invalid").toBool());
    QCOMPARE(p->outputPadding()->heightBox()->palette().color(QPalette::Base), QColor(255, 205, 205));
    QVERIFY(!p->stride()->heightBox()->property("invalid").toBool());
    QVERIFY(p->stride()->heightBox()->palette().color(QPalette::Base) != QColor(255, 205, 205));
    // No size printed as if valid, in the panel or the formula.
    QVERIFY(p->findChild<QLabel*>("outputSizeLabel")->text().contains("invalid"));
    QVERIFY2(!w->explanationPanel()->formulaLabel()->text().contains("<b>40</b>"),
             qPrintable(w->explanationPanel()->formulaLabel()->text()));
    QVERIFY(w->explanationPanel()->formulaLabel()->text().contains("not valid"));
    QCOMPARE(w->currentError(), expected);
    QCOMPARE(w->lastResult(), good);  // the views keep the last good result
    // Too much padding: the output would be empty; again the engine's message.
    p->padding()->heightBox()->setValue(30);
    p->outputPadding()->heightBox()->setValue(0);
    QVERIFY(w->waitForIdle());
    // The output padding is fine again: its mark and red base are gone.
    QVERIFY(!p->outputPadding()->heightBox()->property("invalid").toBool());
    QVERIFY(p->outputPadding()->heightBox()->palette().color(QPalette::Base) != QColor(255, 205, 205));
    QVERIFY2(p->validationMessage().contains("Output size is too small"), qPrintable(p->validationMessage()));
    QCOMPARE(w->lastResult(), good);
    p->padding()->heightBox()->setValue(1);
    check("valid again");
    QVERIFY(p->validationMessage().isEmpty());
    QVERIFY(!p->outputPadding()->heightBox()->property("invalid").toBool());
    QVERIFY(!p->padding()->heightBox()->property("invalid").toBool());
    QVERIFY(!w->explanationPanel()->formulaLabel()->text().contains("not valid"));
}

void TestStudioWidgets::rapidChangesEndWithTheLast() {
    ParameterPanel* p = w->parameterPanel();
    // No waiting between changes: the pipeline must end on the last one.
    for (int i = 0; i < 12; ++i) {
        p->kernelSize()->heightBox()->setValue(2 + i % 5);
        p->stride()->heightBox()->setValue(1 + i % 4);
        p->outputPadding()->heightBox()->setValue(0);
    }
    p->kernelSize()->heightBox()->setValue(5);
    p->stride()->heightBox()->setValue(3);
    check("after a burst");
    QCOMPARE(w->lastResult()->request.params.geometry.kernel, Size2(5, 5));
    QCOMPARE(w->lastResult()->request.params.geometry.stride, Size2(3, 3));
}

void TestStudioWidgets::presetSaveLoadRoundTrip() {
    QTemporaryDir dir;
    StudioParams p = w->params();
    p.geometry.kernel = Size2(2, 3);
    p.geometry.stride = Size2(2, 3);
    p.geometry.outputPadding = Size2(0, 2);
    p.kernelSource = KernelSource::preset(KernelPreset::Random);
    p.seed = 99;
    p.bias = 0.125f;
    w->setParams(p);
    check("before save");
    QString error;
    QVERIFY(PresetStore::save(dir.filePath("p.json"), w->params(), &error));
    w->parameterPanel()->stride()->heightBox()->setValue(1);
    QVERIFY(w->waitForIdle());
    QVERIFY(!(w->params() == p));
    const auto loaded = PresetStore::load(dir.filePath("p.json"), &error);
    QVERIFY2(loaded, qPrintable(error));
    w->setParams(*loaded);
    QCOMPARE(w->params(), p);
    QCOMPARE(w->parameterPanel()->stride()->value(), Size2(2, 3));
    check("after load");
}

void TestStudioWidgets::kernelEditorEditsReachTheEngine() {
    QTableWidget* table = w->kernelEditor()->table();
    QCOMPARE(table->rowCount(), w->params().geometry.kernel.h);
    QCOMPARE(table->columnCount(), w->params().geometry.kernel.w);
    table->item(1, 2)->setData(Qt::EditRole, 2.5);
    QVERIFY(w->waitForIdle());
    QCOMPARE(w->params().kernelSource.name(), QString("custom"));
    QCOMPARE(w->params().customKernel.at(1, 2), 2.5f);
    QCOMPARE(w->kernelEditor()->presetBox()->currentData().toString(), QString("custom"));
    check("edited kernel");
    QCOMPARE(w->lastResult()->request.kernel.at(1, 2), 2.5f);
    // Growing the kernel keeps the edited taps and pads with zeros.
    w->parameterPanel()->kernelSize()->heightBox()->setValue(4);
    check("custom kernel grown");
    QCOMPARE(w->lastResult()->request.kernel.at(1, 2), 2.5f);
    QCOMPARE(w->lastResult()->request.kernel.at(3, 3), 0.0f);
}

void TestStudioWidgets::presetChoiceReachesTheEngine() {
    QComboBox* preset = w->kernelEditor()->presetBox();
    const int i = preset->findData(QString("gaussian"));
    QVERIFY(i >= 0);
    preset->setCurrentIndex(i);
    emit preset->activated(i);
    QCOMPARE(w->params().kernelSource.name(), QString("gaussian"));
    check("gaussian");
    w->kernelEditor()->findChild<QDoubleSpinBox*>("kernelSigma")->setValue(2.0);
    QCOMPARE(w->params().sigma, 2.0);
    check("gaussian sigma 2");
}

void TestStudioWidgets::desiredOutputSizeSolvesPadding() {
    auto* th = w->parameterPanel()->findChild<QSpinBox*>("targetH");
    auto* tw = w->parameterPanel()->findChild<QSpinBox*>("targetW");
    auto* solve = w->parameterPanel()->findChild<QPushButton*>("solveButton");
    QVERIFY(th && tw && solve);
    th->setValue(2 * 19);
    tw->setValue(2 * 26);
    solve->click();
    check("solved");
    QCOMPARE(w->lastResult()->output.shape().h, int64_t(38));
    QCOMPARE(w->lastResult()->output.shape().w, int64_t(52));
    // Unreachable: says why, changes nothing.
    const StudioParams before = w->params();
    th->setValue(500);
    solve->click();
    QVERIFY(w->waitForIdle());
    QCOMPARE(w->params(), before);
    QVERIFY2(w->parameterPanel()->validationMessage().contains(
                 "requested an output size of [500, 52], but valid sizes range from [37, 51] to [38, 52]"),
             qPrintable(w->parameterPanel()->validationMessage()));
}

void TestStudioWidgets::cudaEntryReflectsAvailability() {
    QComboBox* b = w->parameterPanel()->backendBox();
    auto* model = qobject_cast<QStandardItemModel*>(b->model());
    QVERIFY(model);
    const int i = b->findData(static_cast<int>(BackendKind::Cuda));
    QVERIFY(i >= 0);
    const CudaAvailability cuda = cudaAvailability();
    QCOMPARE(model->item(i)->isEnabled(), cuda.usable);
    if (!cuda.usable) QVERIFY(model->item(i)->toolTip().contains(QString::fromStdString(cuda.reason)));
    // CPU explicitly.
    const int cpu = b->findData(static_cast<int>(BackendKind::Cpu));
    b->setCurrentIndex(cpu);
    emit b->activated(cpu);
    check("cpu backend");
    QVERIFY(w->lastResult()->backend.startsWith("cpu"));
}

void TestStudioWidgets::layoutsShowTheRightViews() {
    w->setLayoutMode(LayoutMode::Single);
    QCOMPARE(w->viewArea()->visiblePanels().size(), 2 - 1);
    QCOMPARE(w->viewArea()->visiblePanels()[0]->content(), ViewContent::CompareAB);
    QVERIFY(w->waitForIdle());
    QVERIFY(w->viewArea()->visiblePanels()[0]->view()->isSplit());
    w->setLayoutMode(LayoutMode::SideBySide);
    QCOMPARE(w->viewArea()->visiblePanels().size(), 2);
    w->setLayoutMode(LayoutMode::Grid);
    QCOMPARE(w->viewArea()->visiblePanels().size(), 4);
    QVERIFY(w->viewArea()->findPanel(ViewContent::Heatmap));
}

void TestStudioWidgets::repairMakesTheKernelArtifactFree() {
    QVERIFY(w->lastResult()->scores.cv > 0.1);  // 3x3 box at stride 2
    w->kernelEditor()->findChild<QPushButton*>("repairAdditive")->click();
    check("additive repair");
    QVERIFY(w->lastResult()->scores.cv < kArtifactFreeCv);
    QVERIFY(w->kernelEditor()->findChild<QLabel*>("repairReport")->text().contains("CV"));
    // Zero-order hold on a fresh box: bigger kernel, same output size.
    StudioParams p = w->params();
    p.kernelSource = KernelSource::preset(KernelPreset::Box);
    p.geometry.kernel = 3;
    w->setParams(p);
    check("box again");
    const Shape4 before = w->lastResult()->output.shape();
    w->kernelEditor()->findChild<QPushButton*>("repairZoh")->click();
    check("zoh repair");
    QCOMPARE(w->lastResult()->output.shape(), before);
    QVERIFY(w->lastResult()->scores.cv < kArtifactFreeCv);
}

void TestStudioWidgets::viewsZoomAndPanTogether() {
    QVERIFY(QTest::qWaitForWindowExposed(w));
    ViewPanel* result = w->viewArea()->findPanel(ViewContent::Result);
    ViewPanel* input = w->viewArea()->findPanel(ViewContent::Input);
    QVERIFY(result && input);
    ImageView* v = result->view();
    QVERIFY(w->viewSync()->fitMode());
    // Wheel up over a point: zoom in about it, in every view.
    const QPointF pos(v->width() * 0.3, v->height() * 0.4);
    const QPointF before = v->worldAt(pos);
    const double z0 = v->zoom();
    QWheelEvent wheel(pos, v->mapToGlobal(pos), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(v, &wheel);
    QVERIFY(!w->viewSync()->fitMode());
    QVERIFY(v->zoom() > z0 * 1.9);
    QVERIFY((v->worldAt(pos) - before).manhattanLength() < 1e-6);
    QCOMPARE(input->view()->zoom(), v->zoom());
    // Drag to pan: the world point follows the mouse.
    const QPoint a(v->width() / 2, v->height() / 2), b = a + QPoint(40, 25);
    const QPointF grabbed = v->worldAt(a);
    QTest::mousePress(v, Qt::LeftButton, Qt::NoModifier, a);
    QTest::mouseMove(v, a + QPoint(20, 12));
    QTest::mouseMove(v, b);
    QTest::mouseRelease(v, Qt::LeftButton, Qt::NoModifier, b);
    QVERIFY((v->worldAt(b) - grabbed).manhattanLength() < 1e-6);
    QCOMPARE(input->view()->worldAt(b), v->worldAt(b));
    // Hovering the result shows where that pixel comes from.
    QTest::mouseMove(v, a);
    QTRY_VERIFY(w->explanationPanel()->provenanceLabel()->text().contains("Output pixel"));
}

// The File menu reaches every opening and saving action, Batch… included (it
// vanished once when an include guard stopped finding the dialog's header).
void TestStudioWidgets::fileMenuOffersEveryDocumentAction() {
    QStringList titles;
    for (QAction* menu : w->menuBar()->actions())
        if (menu->menu() && menu->text() == QLatin1String("&File"))
            for (QAction* a : menu->menu()->actions())
                if (!a->isSeparator()) titles << a->text();
    for (const char* t : {"&Open image…", "Open &recent", "&Samples", "&Tutorial examples", "&Save result…",
                          "Save &heatmap…", "Save &comparison (resize-conv)…", "Save &all views…",
                          "&Load parameter preset…", "Save parameter &preset…", "&Batch…", "&Quit"})
        QVERIFY2(titles.contains(QString::fromUtf8(t)), qPrintable(QString::fromUtf8(t) + " in " + titles.join(", ")));
}

QTEST_MAIN(TestStudioWidgets)
#include "test_studio_widgets.moc"
