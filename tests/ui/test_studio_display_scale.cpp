// SPDX-License-Identifier: MIT
// Comparable heatmaps: the default fixed scale (±50% of the mean) draws a 3%
// ripple faint and a 48% one saturated; Auto stretches each result; Locked
// keeps a scale across results; the colour bar shows the scale in use.
#include <QComboBox>
#include <QLabel>
#include <QtTest>

#include "views/ColorBar.h"
#include "views/ColorLut.h"
#include "compute/ComputePipeline.h"
#include "PipelineTestUtil.h"
#include "StudioTestUtil.h"
#include "views/ViewPanel.h"

using namespace tconv;
using namespace tconv::ui;

namespace {

ComputeResultPtr compute(const StudioParams& p) {
    ComputePipeline pipeline;
    return test::runOne(pipeline,
                        test::pipelineRequest(std::make_shared<const Tensor>(test::seededImage(32, 32, 1, 3)), p));
}

// k 2 s 2 with taps 1 +/- e per column: a vertical-stripe ripple of CV e.
StudioParams rippleParams(double e) {
    StudioParams p;
    p.geometry.kernel = Size2(1, 2);
    p.geometry.stride = Size2(1, 2);
    p.geometry.padding = Size2(0);
    p.geometry.outputPadding = Size2(0);
    p.kernelSource = KernelSource::custom();
    p.customKernel = Kernel2D(1, 2);
    p.customKernel.at(0, 0) = float(1 + e);
    p.customKernel.at(0, 1) = float(1 - e);
    return p;
}

// The largest colour distance from the neutral middle of the diverging map in the view, at 100%.
int strongestColour(ViewPanel& panel, ViewSync& sync) {
    sync.setView(4.0, QPointF(16, 8));
    const QImage img = panel.view()->grab().toImage();
    const QRgb mid = divergingColor(0.0f);
    // Inside the image only (its frame line and the background are not data).
    const QSize s = panel.view()->image().size();
    const QRect inside = QRectF(panel.view()->widgetPosOfWorld(QPointF(0, 0)),
                                panel.view()->widgetPosOfWorld(QPointF(s.width(), s.height())))
                             .toAlignedRect()
                             .adjusted(3, 3, -3, -3)
                             .intersected(img.rect().adjusted(3, 3, -3, -3));
    int best = 0;
    for (int y = inside.top(); y <= inside.bottom(); y += 3)
        for (int x = inside.left(); x <= inside.right(); x += 3) {
            const QRgb c = img.pixel(x, y);
            best = std::max({best, std::abs(qRed(c) - qRed(mid)), std::abs(qBlue(c) - qBlue(mid))});
        }
    return best;
}

}  // namespace

class TestStudioDisplayScale : public QObject {
    Q_OBJECT
private slots:
    void fixedScaleMakesRipplesComparable();
    void autoAndLockedScales();
    void headerInfoIsElidedWithTheFullTextInItsTooltip();
};

void TestStudioDisplayScale::fixedScaleMakesRipplesComparable() {
    const ComputeResultPtr faint = compute(rippleParams(0.03)), strong = compute(rippleParams(0.48));
    QVERIFY(faint && faint->ok && strong && strong->ok);
    QCOMPARE(faint->scores.severity, std::string("visible"));
    QCOMPARE(strong->scores.severity, std::string("strong"));
    ViewSync sync;
    ViewPanel panel(&sync, ViewContent::Heatmap);
    panel.resize(400, 300);
    QCOMPARE(panel.heatScale(), HeatScaleMode::Fixed);  // the default
    panel.present(faint);
    QCOMPARE(panel.colorBar()->high(), 0.5f);
    QCOMPARE(panel.colorBar()->low(), -0.5f);
    const int faintColour = strongestColour(panel, sync);
    panel.present(strong);
    QCOMPARE(panel.colorBar()->high(), 0.5f);
    const int strongColour = strongestColour(panel, sync);
    // 3% of a ±50% scale is a tint; 48% nearly saturates.
    QVERIFY2(faintColour < 30, qPrintable(QString::number(faintColour)));
    QVERIFY2(strongColour > 100, qPrintable(QString::number(strongColour)));
    // Auto: each its own range, so the 3% ripple looks as loud as the 48% one.
    panel.setHeatScale(HeatScaleMode::Auto);
    panel.present(faint);
    QVERIFY(std::abs(panel.colorBar()->high() - 0.03f) < 0.005f);
    QVERIFY2(strongestColour(panel, sync) > 100, "auto stretches the faint ripple");
}

void TestStudioDisplayScale::autoAndLockedScales() {
    const ComputeResultPtr a = compute(rippleParams(0.2)), b = compute(rippleParams(0.05));
    ViewSync sync;
    ViewPanel panel(&sync, ViewContent::Heatmap);
    panel.setHeatScale(HeatScaleMode::Auto);
    panel.present(a);
    const float autoA = panel.colorBar()->high();
    QVERIFY(std::abs(autoA - 0.2f) < 0.01f);
    // Lock: b is drawn on a's scale.
    panel.setHeatScale(HeatScaleMode::Locked);
    panel.present(b);
    QCOMPARE(panel.colorBar()->high(), autoA);
    QCOMPARE(panel.findChild<QComboBox*>("heatmapScale")->currentData().toInt(), int(HeatScaleMode::Locked));
    // Back to fixed.
    panel.setHeatScale(HeatScaleMode::Fixed);
    QCOMPARE(panel.colorBar()->high(), 0.5f);
}

void TestStudioDisplayScale::headerInfoIsElidedWithTheFullTextInItsTooltip() {
    const ComputeResultPtr r = compute(rippleParams(0.2));
    ViewSync sync;
    ViewPanel panel(&sync, ViewContent::Heatmap);
    panel.resize(250, 200);  // the combo boxes leave the info a few dozen pixels
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    panel.present(r);
    QCoreApplication::processEvents();
    auto* info = panel.findChild<QLabel*>("viewInfo");
    QVERIFY(info);
    const QString full = panel.infoText();
    QVERIFY(!full.isEmpty());
    const int room = info->contentsRect().width();
    QVERIFY2(info->fontMetrics().horizontalAdvance(full) > room, "the test needs a label too narrow for the text");
    // Shown elided (never cut mid-glyph), whole in the tooltip.
    QVERIFY2(info->fontMetrics().horizontalAdvance(info->text()) <= room,
             qPrintable(info->text() + QStringLiteral(" in %1 px").arg(room)));
    QVERIFY(info->text() != full);
    QCOMPARE(info->toolTip(), full);
    // Wide enough again: the full text, no tooltip needed.
    panel.resize(900, 200);
    QCoreApplication::processEvents();
    QCOMPARE(info->text(), full);
}

QTEST_MAIN(TestStudioDisplayScale)
#include "test_studio_display_scale.moc"
