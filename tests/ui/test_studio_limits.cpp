// SPDX-License-Identifier: MIT
// The studio at the edge of what is allowed: the largest kernel (255 per
// axis) is shown in a bounded, scrollable table; anything larger is refused
// with a message naming the limit, never a crash.
#include <QHeaderView>
#include <QScrollBar>
#include <QSpinBox>
#include <QTableWidget>
#include <QtTest>

#include "panels/AxisPairEditor.h"
#include "panels/KernelEditor.h"
#include "window/MainWindow.h"
#include "panels/ParameterPanel.h"
#include "StudioTestUtil.h"

using namespace tconv;
using namespace tconv::ui;

class TestStudioLimits : public QObject {
    Q_OBJECT
private slots:
    void kernelSizeBoxesStopAtTheCap();
    void largestKernelScrollsInACompactTable();
    void kernelAboveTheCapIsRefused();
};

void TestStudioLimits::kernelSizeBoxesStopAtTheCap() {
    MainWindow w(test::testWindowOptions());
    AxisPairEditor* k = w.parameterPanel()->kernelSize();
    QCOMPARE(k->heightBox()->maximum(), kMaxKernelExtent);
    QCOMPARE(k->widthBox()->maximum(), kMaxKernelExtent);
}

void TestStudioLimits::largestKernelScrollsInACompactTable() {
    MainWindow w(test::testWindowOptions());
    w.resize(1200, 800);
    w.show();
    w.setInputTensor(test::seededImage(6, 5, 1, 3), "small", 8);
    StudioParams p = w.params();
    p.kernelSource = KernelSource::preset(KernelPreset::Box);
    p.geometry.kernel = Size2(kMaxKernelExtent, kMaxKernelExtent);
    w.setParams(p);
    QVERIFY(w.waitForIdle(120000));
    QVERIFY2(w.currentError().isEmpty(), qPrintable(w.currentError()));
    QTableWidget* t = w.kernelEditor()->table();
    QCOMPARE(t->rowCount(), kMaxKernelExtent);
    QCOMPARE(t->columnCount(), kMaxKernelExtent);
    // Cells keep a readable size and the table scrolls instead of squeezing 255 columns into the dock.
    QVERIFY(t->horizontalHeader()->sectionSize(0) >= 30);
    QVERIFY(t->horizontalScrollBar()->maximum() > 0);
    QVERIFY(t->verticalScrollBar()->maximum() > 0);
    QVERIFY(t->width() < 1200);
    // Hovering highlights every tap of a large footprint without a per-cell search.
    w.hoverOutputPixel(3, 3, true);
    QVERIFY(w.lastResult());
}

void TestStudioLimits::kernelAboveTheCapIsRefused() {
    MainWindow w(test::testWindowOptions());
    w.show();
    w.setInputTensor(test::seededImage(6, 5, 1, 3), "small", 8);
    QVERIFY(w.waitForIdle());
    StudioParams p = w.params();
    p.kernelSource = KernelSource::preset(KernelPreset::Box);
    p.geometry.kernel = Size2(4096, 4096);
    w.setParams(p);
    QVERIFY(w.waitForIdle());
    QVERIFY2(w.currentError().contains("255"), qPrintable(w.currentError()));
    QVERIFY(w.kernelEditor()->table()->rowCount() <= kMaxKernelExtent);
}

QTEST_MAIN(TestStudioLimits)
#include "test_studio_limits.moc"
