// SPDX-License-Identifier: MIT
// State you can trust: one reset path (a new image, tutorial, weight or
// kernel clears the pinned pixel, the explanation, the repair report and the
// selections) and undo/redo of parameter edits, kernel edits, repairs and
// weight loads through the Edit menu.
#include <QAction>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include "panels/AxisPairEditor.h"
#include "panels/ExplanationPanel.h"
#include "panels/KernelEditor.h"
#include "window/MainWindow.h"
#include "panels/ParameterPanel.h"
#include "document/StateHistory.h"
#include "dialogs/StudioHelp.h"
#include "StudioTestUtil.h"
#include "document/TutorialExamples.h"
#include "common/TestPrinters.h"
#include "core/NpyFile.h"

using namespace tconv;
using namespace tconv::ui;

class TestStudioState : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void tutorialClearsThePinnedExplanation();
    void newImageAndKernelClearRepairReportAndSelection();
    void undoRedoParameterEdits();
    void undoRedoKernelEditAndRepair();
    void undoWeightLoad();
    void editMenuHasStandardShortcuts();
    void shortcutListAgreesWithTheMenus();
    void tutorialsAreNamedByTitleNotPath();

private:
    QAction* action(const char* name) const { return w->findChild<QAction*>(name); }
    QString provenance() const { return w->explanationPanel()->provenanceLabel()->text(); }
    QLabel* repairReport() const { return w->kernelEditor()->findChild<QLabel*>("repairReport"); }
    MainWindow* w = nullptr;
};

void TestStudioState::init() {
    w = new MainWindow(test::testWindowOptions());
    w->resize(1200, 800);
    w->show();
    w->setInputTensor(test::seededImage(12, 10, 1, 5), "test", 8);
    QVERIFY(w->waitForIdle());
}

void TestStudioState::cleanup() {
    delete w;
    w = nullptr;
}

void TestStudioState::tutorialClearsThePinnedExplanation() {
    w->hoverOutputPixel(4, 5, true);
    QVERIFY(provenance().contains("pinned"));
    QVERIFY(provenance().contains("engine"));
    QVERIFY(w->loadTutorial("basic-2x2"));
    QVERIFY(w->waitForIdle());
    QVERIFY2(!provenance().contains("engine"), qPrintable(provenance()));
    QVERIFY(!provenance().contains("pinned"));
    // And it stays cleared after the tutorial's result arrives.
    QVERIFY(w->waitForIdle());
    QVERIFY(!provenance().contains("row 4"));
}

void TestStudioState::newImageAndKernelClearRepairReportAndSelection() {
    w->kernelEditor()->findChild<QPushButton*>("repairAdditive")->click();
    QVERIFY(w->waitForIdle());
    QVERIFY(repairReport()->isVisibleTo(w->kernelEditor()));
    w->kernelEditor()->table()->selectAll();
    w->hoverOutputPixel(2, 2, true);
    w->setInputTensor(test::seededImage(9, 9, 1, 6), "other", 8);
    QVERIFY(w->waitForIdle());
    QVERIFY(!repairReport()->isVisibleTo(w->kernelEditor()));
    QVERIFY(w->kernelEditor()->table()->selectedItems().isEmpty());
    QVERIFY(!provenance().contains("pinned"));
    // Changing the kernel does the same.
    w->kernelEditor()->findChild<QPushButton*>("repairAdditive")->click();
    QVERIFY(w->waitForIdle());
    w->hoverOutputPixel(2, 2, true);
    QVERIFY(repairReport()->isVisibleTo(w->kernelEditor()));
    w->parameterPanel()->kernelSize()->heightBox()->setValue(4);
    QVERIFY(w->waitForIdle());
    QVERIFY(!repairReport()->isVisibleTo(w->kernelEditor()));
    QVERIFY(!provenance().contains("pinned"));
}

void TestStudioState::undoRedoParameterEdits() {
    QAction* undo = action("undoAction");
    QAction* redo = action("redoAction");
    QVERIFY(undo && redo);
    QVERIFY(!undo->isEnabled());  // opening is not an edit
    const StudioParams start = w->params();
    w->parameterPanel()->stride()->heightBox()->setValue(3);
    QVERIFY(w->waitForIdle());
    QCOMPARE(w->params().geometry.stride, Size2(3, 3));
    QVERIFY(undo->isEnabled());
    QVERIFY2(undo->text().contains("Stride"), qPrintable(undo->text()));
    undo->trigger();
    QVERIFY(w->waitForIdle());
    QCOMPARE(w->params(), start);
    QCOMPARE(w->parameterPanel()->stride()->heightBox()->value(), 2);  // the widget follows
    QCOMPARE(w->lastResult()->request.params, start);                  // and the result
    redo->trigger();
    QVERIFY(w->waitForIdle());
    QCOMPARE(w->params().geometry.stride, Size2(3, 3));
    QCOMPARE(w->lastResult()->request.params, w->params());
}

void TestStudioState::undoRedoKernelEditAndRepair() {
    QAction* undo = action("undoAction");
    const StudioParams start = w->params();
    QTableWidget* t = w->kernelEditor()->table();
    t->item(0, 0)->setData(Qt::EditRole, 5.0);
    QVERIFY(w->waitForIdle());
    QCOMPARE(w->params().customKernel.at(0, 0), 5.0f);
    const StudioParams edited = w->params();
    w->kernelEditor()->findChild<QPushButton*>("repairAdditive")->click();
    QVERIFY(w->waitForIdle());
    QVERIFY(!(w->params() == edited));
    QVERIFY2(undo->text().contains("repair", Qt::CaseInsensitive), qPrintable(undo->text()));
    undo->trigger();
    QVERIFY(w->waitForIdle());
    QCOMPARE(w->params(), edited);
    QCOMPARE(w->kernelEditor()->kernel().at(0, 0), 5.0f);
    undo->trigger();
    QVERIFY(w->waitForIdle());
    QCOMPARE(w->params(), start);
    QCOMPARE(w->lastResult()->request.params, start);
}

void TestStudioState::undoWeightLoad() {
    QTemporaryDir dir;
    const QString path = dir.filePath("w.npy");
    std::vector<float> weight(1 * 2 * 3 * 3, 0.5f);
    writeNpy(path.toStdString(), {1, 2, 3, 3}, weight.data());
    const StudioParams start = w->params();
    QString error;
    QVERIFY2(w->openKernel(path, &error, true), qPrintable(error));
    QVERIFY(w->waitForIdle());
    QVERIFY(w->params().isFullWeight());
    QAction* undo = action("undoAction");
    QVERIFY2(undo->text().contains("weight", Qt::CaseInsensitive), qPrintable(undo->text()));
    undo->trigger();
    QVERIFY(w->waitForIdle());
    QCOMPARE(w->params(), start);
    QVERIFY(!w->params().isFullWeight());
    action("redoAction")->trigger();
    QVERIFY(w->waitForIdle());
    QVERIFY(w->params().isFullWeight());
}

void TestStudioState::editMenuHasStandardShortcuts() {
    QCOMPARE(action("undoAction")->shortcut(), QKeySequence(QKeySequence::Undo));
    QCOMPARE(action("redoAction")->shortcut(), QKeySequence(QKeySequence::Redo));
    QMenu* edit = nullptr;
    for (QAction* a : w->menuBar()->actions())
        if (a->text().remove('&') == "Edit") edit = a->menu();
    QVERIFY(edit);
    QVERIFY(edit->actions().contains(action("undoAction")));
    QVERIFY(edit->actions().contains(action("redoAction")));
}

void TestStudioState::shortcutListAgreesWithTheMenus() {
    const QString html = shortcutsHtml(w->menuBar());
    int checked = 0;
    for (QAction* a : w->findChildren<QAction*>())
        for (const QKeySequence& k : a->shortcuts()) {
            // Only actions reachable from the menus are promised.
            if (a->associatedObjects().isEmpty()) continue;
            QVERIFY2(html.contains(k.toString(QKeySequence::NativeText).toHtmlEscaped()),
                     qPrintable(a->text() + " " + k.toString()));
            ++checked;
        }
    QVERIFY(checked > 10);
    QVERIFY(html.contains(QKeySequence(QKeySequence::Undo).toString(QKeySequence::NativeText)));
    QVERIFY(!viewsHelpHtml().isEmpty());
}

void TestStudioState::tutorialsAreNamedByTitleNotPath() {
    for (const TutorialExample& e : tutorialExamples()) {
        QVERIFY2(!e.source.contains("shared/") && !e.source.contains("seeds"), qPrintable(e.source));
        QVERIFY(!e.title.isEmpty());
    }
}

QTEST_MAIN(TestStudioState)
#include "test_studio_state.moc"
