// SPDX-License-Identifier: MIT
// Any screen: the first window fits the screen's available geometry, and at
// 1366x768 and 1280x800 no visible label, button or spin box is clipped or
// outside the window (content in a scroll area counts when it can be
// scrolled to). Offscreen platform; the window is set to each size.
#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QStatusBar>
#include <QtTest>

#include "panels/ExplanationPanel.h"
#include "views/ViewArea.h"
#include "views/ViewPanel.h"
#include "window/MainWindow.h"
#include "StudioTestUtil.h"

using namespace tconv;
using namespace tconv::ui;

class TestStudioScreen : public QObject {
    Q_OBJECT
private slots:
    void firstWindowFitsTheScreen();
    void nothingClippedOrOutside_data();
    void nothingClippedOrOutside();
    void panesHaveShortTitles();
    void sizesAreHeightByWidth();
};

namespace {

QScrollArea* scrollAreaOf(QWidget* w) {
    for (QWidget* p = w->parentWidget(); p; p = p->parentWidget())
        if (auto* a = qobject_cast<QScrollArea*>(p)) return a;
    return nullptr;
}

// Text that does not fit and is not elided on purpose: narrower or lower than the widget needs.
bool tooSmall(QWidget* w) {
    if (auto* l = qobject_cast<QLabel*>(w)) {
        if (l->wordWrap() || l->text().isEmpty() || l->sizePolicy().horizontalPolicy() == QSizePolicy::Ignored)
            return l->height() < l->fontMetrics().height();
    }
    const QSize need = w->minimumSizeHint();
    return w->width() < need.width() || w->height() < need.height();
}

// Why `w` is not fully shown, or empty.
QString problem(QWidget* window, QWidget* w) {
    const QRect inWindow(w->mapTo(window, QPoint(0, 0)), w->size());
    if (QScrollArea* area = scrollAreaOf(w)) {
        // Reachable by scrolling: inside the scrolled content, which may only be
        // wider than the viewport when it can scroll sideways.
        QWidget* content = area->widget();
        const QRect inContent(w->mapTo(content, QPoint(0, 0)), w->size());
        if (!content->rect().contains(inContent)) return QStringLiteral("outside its scroll area's content");
        if (content->width() > area->viewport()->width() + 1 &&
            area->horizontalScrollBarPolicy() == Qt::ScrollBarAlwaysOff)
            return QStringLiteral("content wider than a scroll area that cannot scroll sideways");
        if (tooSmall(w)) return QStringLiteral("smaller than its text");
        return problem(window, area);
    }
    if (!window->rect().contains(inWindow)) return QStringLiteral("outside the window");
    for (QWidget* p = w->parentWidget(); p && p != window; p = p->parentWidget())
        if (!QRect(p->mapTo(window, QPoint(0, 0)), p->size()).contains(inWindow))
            return QStringLiteral("clipped by ") + QString::fromLatin1(p->metaObject()->className());
    if (tooSmall(w)) return QStringLiteral("smaller than its text");
    return {};
}

}  // namespace

void TestStudioScreen::firstWindowFitsTheScreen() {
    MainWindow::Options o = test::testWindowOptions();
    MainWindow w(o);
    const QRect avail = w.screen()->availableGeometry();
    QVERIFY2(
        w.width() <= avail.width() && w.height() <= avail.height(),
        qPrintable(
            QStringLiteral("%1x%2 on %3x%4").arg(w.width()).arg(w.height()).arg(avail.width()).arg(avail.height())));
}

void TestStudioScreen::nothingClippedOrOutside_data() {
    QTest::addColumn<QSize>("size");
    QTest::newRow("1366x768") << QSize(1366, 768);
    QTest::newRow("1280x800") << QSize(1280, 800);
}

void TestStudioScreen::nothingClippedOrOutside() {
    QFETCH(QSize, size);
    MainWindow w(test::testWindowOptions());
    w.setMinimumSize(0, 0);
    w.resize(size);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.setInputTensor(test::seededImage(40, 52, 3, 3), "a long image name that will not fit anywhere.png", 8);
    QVERIFY(w.waitForIdle());
    w.hoverOutputPixel(10, 12, true);
    QApplication::processEvents();
    QCOMPARE(w.size(), size);  // the window's minimum size fits the screen
    QStringList bad;
    const auto widgets = w.findChildren<QWidget*>();
    for (QWidget* x : widgets) {
        if (!x->isVisible()) continue;
        if (!qobject_cast<QLabel*>(x) && !qobject_cast<QAbstractButton*>(x) && !qobject_cast<QAbstractSpinBox*>(x))
            continue;
        if (x->window() != &w) continue;
        if (x->inherits("QDockWidgetTitleButton")) continue;  // Qt's own float/close buttons
        const QString why = problem(&w, x);
        if (!why.isEmpty()) {
            QString name = x->objectName();
            if (auto* l = qobject_cast<QLabel*>(x)) name += " '" + l->text().left(40) + "'";
            if (auto* b = qobject_cast<QAbstractButton*>(x)) name += " '" + b->text() + "'";
            bad << QStringLiteral("%1 %2 at %3,%4 %5x%6: %7")
                       .arg(QString::fromLatin1(x->metaObject()->className()), name)
                       .arg(x->mapTo(&w, QPoint(0, 0)).x())
                       .arg(x->mapTo(&w, QPoint(0, 0)).y())
                       .arg(x->width())
                       .arg(x->height())
                       .arg(why);
        }
    }
    QVERIFY2(bad.isEmpty(), qPrintable(bad.join('\n')));
    QVERIFY(w.statusBar()->isVisible());
    QVERIFY(w.rect().contains(QRect(w.statusBar()->mapTo(&w, QPoint(0, 0)), w.statusBar()->size())));
}

void TestStudioScreen::panesHaveShortTitles() {
    MainWindow w(test::testWindowOptions());
    w.resize(1366, 768);
    w.show();
    for (QComboBox* c : w.findChildren<QComboBox*>("viewContent"))
        for (int i = 0; i < c->count(); ++i) {
            QVERIFY2(c->itemText(i).size() <= 12, qPrintable(c->itemText(i)));
            QVERIFY(!c->itemData(i, Qt::ToolTipRole).toString().isEmpty());
        }
}

// H × W everywhere: a 19-row, 26-column input and its 38 × 52 result.
void TestStudioScreen::sizesAreHeightByWidth() {
    MainWindow w(test::testWindowOptions());
    w.resize(1366, 768);
    w.show();
    w.setInputTensor(test::seededImage(19, 26, 3, 1), "hw", 8);
    QVERIFY(w.waitForIdle());
    const Shape4 out = w.lastResult()->output.shape();
    QCOMPARE(out.h, int64_t(38));
    QCOMPARE(out.w, int64_t(52));
    QLabel* size = w.statusBar()->findChild<QLabel*>("sizeStatus");
    QVERIFY(size);
    QVERIFY2(size->text().startsWith(QStringLiteral("19 × 26 × 3")) && size->text().endsWith(QStringLiteral("38 × 52")),
             qPrintable(size->text()));
    // Each view's caption.
    bool inputCaption = false;
    for (QLabel* l : w.viewArea()->findPanel(ViewContent::Input)->findChildren<QLabel*>())
        inputCaption |= l->text().contains(QStringLiteral("19 × 26 × 3"));
    QVERIFY(inputCaption);
    // Hover text: row, column.
    emit w.viewArea()->hovered(w.viewArea()->findPanel(ViewContent::Result), QPointF(5.5, 3.5));
    bool hover = false;
    for (QLabel* l : w.statusBar()->findChildren<QLabel*>())
        hover |= l->text().startsWith(QStringLiteral("Output (row 3, column 5)"));
    QVERIFY(hover);
}

QTEST_MAIN(TestStudioScreen)
#include "test_studio_screen.moc"
