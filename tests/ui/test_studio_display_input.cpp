// SPDX-License-Identifier: MIT
// The Input view draws input pixel i where it lands in the output, at output
// position i * s - p per axis, with the padding crop and the output-padding
// rows ghosted; hover footprints stay exact and resize-conv shows none.
#include <QtTest/QtTest>
#include <cmath>

#include "views/InputPlacement.h"
#include "window/MainWindow.h"
#include "StudioTestUtil.h"
#include "views/ViewArea.h"
#include "views/ViewPanel.h"

using namespace tconv;
using namespace tconv::ui;

class TestStudioDisplayInput : public QObject {
    Q_OBJECT
private slots:
    void placementIsIsMinusP();
    void ghostsAreTheCropAndTheOutputPadding();
    void inputViewDrawsEachPixelWhereItLands();
    void resizeConvGetsNoTransposedFootprint();
};

namespace {

StudioParams stride3Params() {
    StudioParams p;
    p.geometry.kernel = Size2(3);
    p.geometry.stride = Size2(3);
    p.geometry.padding = Size2(1);
    p.geometry.outputPadding = Size2(2);
    p.geometry.dilation = Size2(1);
    p.kernelSource = KernelSource::preset(KernelPreset::Box);
    return p;
}

// Column x has value (x + 1) / 8 in every channel: each column its own grey.
Tensor columnRamp(int h, int w) {
    Tensor t(Shape4{1, 1, h, w});
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) t.at(0, 0, y, x) = float(x + 1) / 8.0f;
    return t;
}

}  // namespace

void TestStudioDisplayInput::placementIsIsMinusP() {
    ConvParams g;
    g.kernel = Size2(3, 5);
    g.stride = Size2(3, 2);
    g.padding = Size2(1, 2);
    const InputPlacement at = inputPlacement(g);
    QCOMPARE(at.pixelSize, QSizeF(2, 3));
    QCOMPARE(at.origin, QPointF(-2, -1));
    // Input pixel (iy, ix) starts at output (iy * 3 - 1, ix * 2 - 2).
    for (int i = 0; i < 6; ++i) {
        const QPointF world = at.origin + QPointF(i * at.pixelSize.width(), i * at.pixelSize.height());
        QCOMPARE(world, QPointF(i * 2 - 2, i * 3 - 1));
    }
    // Uncropped: (n - 1) s + d (k - 1) + 1, from -p.
    Shape4 in{1, 1, 4, 5};
    g.dilation = Size2(2, 1);
    QCOMPARE(uncroppedOutput(g, in), QRectF(-2, -1, 4 * 2 + 5, 3 * 3 + 2 * 2 + 1));
}

void TestStudioDisplayInput::ghostsAreTheCropAndTheOutputPadding() {
    const ConvParams g = stride3Params().geometry;
    const Shape4 in{1, 1, 4, 5};
    // out = (n - 1) * 3 - 2 + 2 + 1 + 2 = 3n; uncropped [-1, 3n - 1).
    const Shape4 out{1, 1, 12, 15};
    const QVector<ViewGhost> ghosts = outputFrameGhosts(g, in, out);
    QRegion cropped, padded;
    for (const ViewGhost& gh : ghosts) {
        const QRect r = gh.world.toRect();
        QCOMPARE(QRectF(r), gh.world);  // whole pixels
        (gh.color == QColor(200, 120, 0) ? padded : cropped) += r;
    }
    // Cropped: the row and column at -1 (padding 1 at the near end); at the far
    // end padding crops 1 but output padding 2 adds it back and one more.
    QCOMPARE(cropped, QRegion(QRect(-1, -1, 16, 1)) + QRegion(QRect(-1, 0, 1, 12)));
    // Output padding: the last 2 rows and columns of the output.
    QCOMPARE(padded, QRegion(QRect(0, 10, 15, 2)) + QRegion(QRect(13, 0, 2, 10)));
}

void TestStudioDisplayInput::inputViewDrawsEachPixelWhereItLands() {
    MainWindow w(test::testWindowOptions());
    w.resize(1200, 800);
    w.show();
    const int h = 4, wd = 5;
    w.setInputTensor(columnRamp(h, wd), QStringLiteral("ramp"));
    w.setParams(stride3Params());
    QVERIFY(w.waitForIdle());
    QCOMPARE(w.lastResult()->output.shape(), (Shape4{1, 1, 12, 15}));
    ViewPanel* in = w.viewArea()->findPanel(ViewContent::Input);
    QVERIFY(in);
    ImageView* v = in->view();
    QCOMPARE(v->worldPerPixel(), QSizeF(3, 3));
    QCOMPARE(v->origin(), QPointF(-1, -1));
    w.viewSync()->setView(16.0, QPointF(7.5, 6.0));
    const QImage shot = v->grab().toImage();
    for (int x = 0; x < wd; ++x) {
        // Output columns 3x - 1 .. 3x + 1 belong to input column x, and only those.
        for (int ox = 3 * x - 1; ox <= 3 * x + 1; ++ox) {
            const QPointF pos = v->widgetPosOfWorld(QPointF(ox + 0.5, 4.5));
            QCOMPARE(v->pixelAt(pos), QPoint(x, 1));
            const QPoint px = pos.toPoint();
            if (!shot.rect().contains(px)) continue;
            // Drawn in column x's grey (ghosts dim the cropped column -1 only).
            if (ox >= 0 && ox < 13)
                QVERIFY2(std::abs(qGray(shot.pixel(px)) - int(std::lround((x + 1) / 8.0 * 255))) <= 2,
                         qPrintable(QStringLiteral("output column %1: grey %2").arg(ox).arg(qGray(shot.pixel(px)))));
        }
    }
}

void TestStudioDisplayInput::resizeConvGetsNoTransposedFootprint() {
    MainWindow w(test::testWindowOptions());
    w.resize(1200, 800);
    w.show();
    w.setInputTensor(columnRamp(6, 6), QStringLiteral("ramp"));
    w.setParams(stride3Params());
    QVERIFY(w.waitForIdle());
    ViewPanel* in = w.viewArea()->findPanel(ViewContent::Input);
    ViewPanel* result = w.viewArea()->findPanel(ViewContent::Result);
    ViewPanel* resize = w.viewArea()->findPanel(ViewContent::ResizeConv);
    QVERIFY(in && result && resize);
    // Hover input pixel (2, 2): it lands at output (5, 5), and k 3 reaches 5..7.
    emit in->view()->hovered(in->view()->worldOfPixel(QPointF(2.5, 2.5)));
    QRegion footprint;
    for (const ViewHighlight& hl : result->view()->highlights()) footprint += hl.pixels;
    QCOMPARE(footprint, QRegion(QRect(5, 5, 3, 3)));
    QVERIFY(resize->view()->highlights().isEmpty());
    QCOMPARE(in->view()->highlights().size(), 1);
    QCOMPARE(in->view()->highlights()[0].pixels, QRect(2, 2, 1, 1));
}

QTEST_MAIN(TestStudioDisplayInput)
#include "test_studio_display_input.moc"
