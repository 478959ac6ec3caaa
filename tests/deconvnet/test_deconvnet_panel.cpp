// SPDX-License-Identifier: MIT
// Issue 15, the studio's "Deconvolutional network" panel on the offscreen
// platform: the pictures update while the run goes (rendered off the GUI
// thread, throttled), a cancel stops the run early, and hovering the
// reconstruction names the maps that made the pixel, with terms that sum to
// the engine's own reconstruction value.
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSignalSpy>
#include <QtTest>

#include <cmath>
#include <memory>

#include "analysis/DeconvNet.h"
#include "panels/DeconvNetPanel.h"

using namespace tconv;
using namespace tconv::ui;

namespace {

std::shared_ptr<const Tensor> testImage(int64_t h, int64_t w) {
    auto t = std::make_shared<Tensor>(Shape4{1, 1, h, w});
    for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x)
            t->at(0, 0, y, x) = float(0.5 + 0.3 * std::sin(0.4 * x + 0.2 * y) + 0.2 * ((x + y) % 9 < 3));
    return t;
}

// Runs the panel to the end (or a cancel after `cancelAfter` picture updates).
bool runPanel(DeconvNetPanel& panel, int cancelAfterPictures = -1) {
    QSignalSpy done(&panel, &DeconvNetPanel::finished);
    panel.runButton()->click();
    QElapsedTimer timer;
    timer.start();
    while (done.isEmpty() && timer.elapsed() < 60000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (cancelAfterPictures >= 0 && panel.pictureUpdates() >= cancelAfterPictures) {
            panel.cancelButton()->click();
            cancelAfterPictures = -1;
        }
    }
    return !done.isEmpty();
}

}  // namespace

class TestDeconvnetPanel : public QObject {
    Q_OBJECT
private slots:
    void picturesUpdateLiveOffTheGuiThread();
    void picturesAreThrottled();
    void cancelStopsEarly();
    void hoverNamesTheMapsThatMadeThePixel();
};

// Interval 0: every iteration brings pictures, rendered on the worker.
void TestDeconvnetPanel::picturesUpdateLiveOffTheGuiThread() {
    DeconvNetPanel panel;
    panel.setImage(testImage(24, 28));
    panel.setLiveInterval(0);
    QVERIFY(runPanel(panel));
    const DeconvSnapshot& last = panel.lastSnapshot();
    QVERIFY(last.error.isEmpty());
    QVERIFY(!last.renderedOnGuiThread);
    QVERIFY(!last.mapsImage.isNull() && !last.reconImage.isNull() && !last.filtersImage.isNull());
    // 60 iterations (the default) + the final picture.
    QCOMPARE(last.step, 60);
    QCOMPARE(panel.pictureUpdates(), 61);
    QVERIFY(!panel.reconstructionView()->pixmap().isNull());
}

// A long interval: the first iteration's pictures, then only the final ones.
void TestDeconvnetPanel::picturesAreThrottled() {
    DeconvNetPanel panel;
    panel.setImage(testImage(24, 28));
    panel.setLiveInterval(3600 * 1000);
    QVERIFY(runPanel(panel));
    QCOMPARE(panel.lastSnapshot().step, 60);
    QCOMPARE(panel.pictureUpdates(), 2);
}

void TestDeconvnetPanel::cancelStopsEarly() {
    DeconvNetPanel panel;
    panel.setImage(testImage(40, 40));
    panel.setLiveInterval(0);
    auto* iterations = panel.findChild<QSpinBox*>("deconvIterations");
    QVERIFY(iterations);
    iterations->setValue(2000);
    QVERIFY(runPanel(panel, 3));
    QVERIFY(panel.lastSnapshot().error.isEmpty());
    QVERIFY2(panel.lastSnapshot().step < 2000, qPrintable(QString::number(panel.lastSnapshot().step)));
    QVERIFY(!panel.busy());
}

// Hovering pixel (x, y) of the 200-px picture of a 20 x 25 image: the text
// gives the pixel's value as the engine's reconstruction has it, and its
// terms (each map through its filter) add up to it.
void TestDeconvnetPanel::hoverNamesTheMapsThatMadeThePixel() {
    DeconvNetPanel panel;
    panel.setImage(testImage(20, 25));
    QVERIFY(runPanel(panel));
    const DeconvSnapshot& last = panel.lastSnapshot();
    QVERIFY(last.maps && last.filters && last.reconstruction);
    QLabel* view = panel.reconstructionView();
    const QSize shown = view->pixmap().deviceIndependentSize().toSize();
    QCOMPARE(shown, QSize(200, 160));  // 25 x 20 scaled into 200 x 200
    for (const QPoint pixel : {QPoint(0, 0), QPoint(12, 7), QPoint(24, 19)}) {
        const QPoint at(int((pixel.x() + 0.5) * 8), int((pixel.y() + 0.5) * 8));  // 8 screen px per pixel
        QMouseEvent move(QEvent::MouseMove, at, view->mapToGlobal(at), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(view, &move);
        const QString text = panel.provenanceText();
        const QString head = QString("pixel (%1, %2) = ").arg(pixel.x()).arg(pixel.y());
        QVERIFY2(text.startsWith(head), qPrintable(text));
        // The value shown, against the engine's reconstruction.
        const double value = text.mid(head.size()).section(' ', 0, 0).toDouble();
        const double engine = last.reconstruction->at(0, 0, pixel.y(), pixel.x());
        QVERIFY2(std::fabs(value - engine) <= 1e-4 + 1e-9, qPrintable(text + " vs " + QString::number(engine)));
        // The terms shown (4 largest + the others) add up to the value.
        double sum = 0;
        const QStringList parts = text.mid(head.size()).section(" = ", 1).split(" + ");
        QVERIFY(!parts.isEmpty());
        for (const QString& part : parts) {
            const QStringList words = part.split(' ');
            const int at = part.startsWith("map") ? 4 : 3;  // "map k * F[k][0] v (n taps)" / "n other maps v"
            QVERIFY2(words.size() > at, qPrintable(part));
            sum += words[at].toDouble();
        }
        QVERIFY2(std::fabs(sum - engine) <= 1e-3, qPrintable(text));
        // And the first term is the largest of the engine's own.
        const DeconvProvenance p = deconvPixelProvenance(*last.maps, *last.filters, 0, pixel.y(), pixel.x());
        QVERIFY(parts.first().startsWith(QString("map %1 ").arg(p.terms.front().map)));
    }
    QCOMPARE(panel.describePixel(25, 0), QString());  // outside
}

QTEST_MAIN(TestDeconvnetPanel)
#include "test_deconvnet_panel.moc"
