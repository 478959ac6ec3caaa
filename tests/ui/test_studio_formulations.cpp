// SPDX-License-Identifier: MIT
// The formulations of issue 14 in the studio: the zero-insertion view (the
// transposed convolution as a stride-1 convolution over the zero-inserted,
// padded input), the matrix view (Cᵀ), the kernel-tap hover, the step player
// and the screenshot views. Every number is checked against the engine's
// output and every highlighted set against the definition o = i*s - p + j*d,
// enumerated here by brute force.
#include <QDockWidget>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <set>
#include <tuple>

#include "StudioTestUtil.h"
#include "common/TestPrinters.h"
#include "compute/PixelValues.h"
#include "controllers/StepPlayer.h"
#include "controllers/TapHighlight.h"
#include "core/NpyFile.h"
#include "document/Provenance.h"
#include "panels/ExplanationPanel.h"
#include "panels/KernelEditor.h"
#include "views/ImageView.h"
#include "views/MatrixGridView.h"
#include "views/ViewPanel.h"
#include "views/ZeroInsertionCanvas.h"
#include "views/ZeroInsertionModel.h"
#include "views/ZeroInsertionView.h"
#include "window/ScreenshotMode.h"

using namespace tconv;
using namespace tconv::ui;

namespace {

using Quad = std::tuple<int, int, int, int>;

ConvParams geometry(Size2 k, Size2 s, Size2 p, Size2 q, Size2 d) {
    ConvParams c;
    c.kernel = k;
    c.stride = s;
    c.padding = p;
    c.outputPadding = q;
    c.dilation = d;
    return c;
}

// (iy, ix, ky, kx) of every pair of the definition that reaches (oy, ox): brute force.
std::set<Quad> definitionPairs(const ConvParams& p, int inH, int inW, int oy, int ox) {
    std::set<Quad> out;
    for (int iy = 0; iy < inH; ++iy)
        for (int ix = 0; ix < inW; ++ix)
            for (int ky = 0; ky < p.kernel.h; ++ky)
                for (int kx = 0; kx < p.kernel.w; ++kx)
                    if (iy * p.stride.h - padBegin(p).h + ky * p.dilation.h == oy &&
                        ix * p.stride.w - padBegin(p).w + kx * p.dilation.w == ox)
                        out.insert({iy, ix, ky, kx});
    return out;
}

std::set<Quad> windowPairs(const std::vector<WindowCell>& cells) {
    std::set<Quad> out;
    for (const WindowCell& c : cells)
        if (c.holdsInput()) out.insert({c.iy, c.ix, c.ky, c.kx});
    return out;
}

StudioParams randomKernelParams(const ConvParams& g, float bias) {
    StudioParams sp;
    sp.geometry = g;
    sp.kernelSource = KernelSource::preset(KernelPreset::Random);
    sp.seed = 7;
    sp.bias = bias;
    return sp;
}

// A window on `input` with `p`, computed and shown.
void open(MainWindow& w, const Tensor& input, const StudioParams& p) {
    w.setInputTensor(input, "test", 8);
    w.setParams(p);
    QVERIFY(w.waitForIdle());
    QVERIFY2(w.currentError().isEmpty(), qPrintable(w.currentError()));
}

QSet<QPoint> markedPixels(const ImageView* v) {
    QSet<QPoint> out;
    for (const ViewHighlight& h : v->highlights())
        for (int y = h.pixels.top(); y <= h.pixels.bottom(); ++y)
            for (int x = h.pixels.left(); x <= h.pixels.right(); ++x) out.insert(QPoint(x, y));
    return out;
}

}  // namespace

class TestStudioFormulations : public QObject {
    Q_OBJECT
private slots:
    void tutorialSevenBySevenGrid();
    void zeroInsertionEqualsTheEngine_data();
    void zeroInsertionEqualsTheEngine();
    void zeroInsertionViewFollowsTheHoveredPixel();
    void zeroInsertionWithGroups();
    void zeroInsertionCropsLargeInputs();
    void playerStepsTheWindowAndTheScatter();
    void stepPlayerRules();
    void matrixRowsAreTheProvenance();
    void matrixExportAndLimits();
    void kernelTapHoverMarksItsPairs();
    void screenshotViews();
};

// Tutorial 001: a 2x2 input, k = 3, s = 2, p = 0 becomes a 7x7 grid: one zero
// between the pixels (3x3), a border of d*(k-1)-p = 2 zeros on each side.
void TestStudioFormulations::tutorialSevenBySevenGrid() {
    const ZeroInsertionModel m(geometry(3, 2, 0, 0, 1), 2, 2);
    QCOMPARE(m.rows().inserted, 3);
    QCOMPARE(m.rows().borderBegin, 2);
    QCOMPARE(m.rows().canvas, 7);
    QCOMPARE(m.outH(), 5);  // (2-1)*2 + 3
    const CanvasCell want[7] = {CanvasCell::Border, CanvasCell::Border, CanvasCell::Input, CanvasCell::InsertedZero,
                                CanvasCell::Input,  CanvasCell::Border, CanvasCell::Border};
    for (int c = 0; c < 7; ++c) QCOMPARE(m.cols().kind(c), want[c]);
    QCOMPARE(m.cols().inputAt(2), 0);
    QCOMPARE(m.cols().inputAt(4), 1);
    QCOMPARE(m.cols().inputAt(3), -1);
    // Output (0,0) reads canvas rows/cols 0..2 with the flipped kernel: only x[0,0] (at canvas 2, window
    // offset 2), through the flipped tap k-1-2 = 0: K[0,0], as o = i*s - p + j*d = 0 says.
    QCOMPARE(windowPairs(m.window(0, 0)), (std::set<Quad>{{0, 0, 0, 0}}));
    // k = 2, s = 2, p = 3: a border of 1 - 3 = -2, a crop; output padding 1 adds a zero after it.
    const ZeroInsertionModel crop(geometry(2, 2, 3, 1, 1), 4, 4);
    QCOMPARE(crop.rows().borderBegin, -2);
    QCOMPARE(crop.rows().canvas, 7 - 2 - 2 + 1);
    QCOMPARE(crop.rows().kind(0), CanvasCell::Input);  // canvas starts 2 into the inserted input: x[1]
    QCOMPARE(crop.rows().inputAt(0), 1);
    QCOMPARE(crop.rows().kind(4), CanvasCell::Input);  // z = 6 = x[3]: output padding uncrops it
    QCOMPARE(crop.outH(), (4 - 1) * 2 - 6 + 1 + 1 + 1);
}

void TestStudioFormulations::zeroInsertionEqualsTheEngine_data() {
    QTest::addColumn<ConvParams>("p");
    QTest::newRow("k3 s1") << geometry(3, 1, 0, 0, 1);
    QTest::newRow("k3 s2 p1 q1") << geometry(3, 2, 1, 1, 1);
    QTest::newRow("k4 s2 p1") << geometry(4, 2, 1, 0, 1);
    QTest::newRow("k2 s2 d2") << geometry(2, 2, 0, 0, 2);
    QTest::newRow("k3 s3 q2") << geometry(3, 3, 0, 2, 1);
    QTest::newRow("per axis") << geometry(Size2(3, 2), Size2(2, 3), Size2(1, 0), Size2(0, 2), Size2(1, 2));
    QTest::newRow("k < s") << geometry(2, 4, 1, 3, 1);
    QTest::newRow("crop: p > d(k-1)") << geometry(2, 2, 3, 1, 1);
    ConvParams asym = geometry(Size2(3, 4), 2, 0, 1, Size2(2, 1));
    setPads(asym, Pads4{2, 0, 1, 3});
    QTest::newRow("asymmetric pads") << asym;
}

// Every output pixel: the window's input cells are exactly the definition's
// pairs, and the stride-1 sum is the engine's value.
void TestStudioFormulations::zeroInsertionEqualsTheEngine() {
    QFETCH(ConvParams, p);
    const Tensor x = test::seededImage(5, 6, 1, 3);
    const StudioParams sp = randomKernelParams(p, 0.25f);
    const Kernel2D k = resolveKernel(sp);
    const Tensor y = test::engineResult(x, sp);
    const ZeroInsertionModel m(p, 5, 6);
    QCOMPARE(int64_t(m.outH()), y.shape().h);
    QCOMPARE(int64_t(m.outW()), y.shape().w);
    QCOMPARE(m.rows().canvas - m.rows().span() + 1, m.outH());
    for (int oy = 0; oy < m.outH(); ++oy)
        for (int ox = 0; ox < m.outW(); ++ox) {
            const auto cells = m.window(oy, ox);
            QCOMPARE(int(cells.size()), p.kernel.h * p.kernel.w);
            QCOMPARE(windowPairs(cells), definitionPairs(p, 5, 6, oy, ox));
            const double v = m.value(x, 0, k, sp.bias, oy, ox);
            QVERIFY2(std::abs(v - y.at(0, 0, oy, ox)) < 1e-5, qPrintable(QString("%1,%2").arg(oy).arg(ox)));
        }
}

void TestStudioFormulations::zeroInsertionViewFollowsTheHoveredPixel() {
    MainWindow w(test::testWindowOptions());
    w.resize(1366, 768);
    w.show();
    const ConvParams g = geometry(3, 2, 1, 1, 1);
    open(w, test::seededImage(4, 5, 1, 5), randomKernelParams(g, -0.5f));
    w.showWideDock(w.zeroInsertionDock());
    ZeroInsertionView* z = w.zeroInsertionView();
    QVERIFY(z->isEnabled());
    QCOMPARE(z->model().outH(), 8);  // (4-1)*2 - 2 + 2 + 1 + 1
    QVERIFY2(z->geometryText().contains("1 zero between input pixels"), qPrintable(z->geometryText()));
    QVERIFY(z->geometryText().contains("output padding 1 zero"));
    const ComputeResultPtr r = w.lastResult();
    for (const QPoint o : {QPoint(0, 0), QPoint(3, 2), QPoint(9, 7), QPoint(5, 7)}) {
        w.hoverOutputPixel(o.y(), o.x(), true);
        QCOMPARE(z->outputPixel(), o);
        // The window's inputs and taps are exactly the provenance panel's.
        std::set<Quad> prov;
        for (const Contribution& c : contributionsTo(g, 4, 5, o.y(), o.x())) prov.insert({c.iy, c.ix, c.ky, c.kx});
        QCOMPARE(windowPairs(z->window()), prov);
        QVERIFY(z->computedValue() && z->engineValue());
        QVERIFY(std::abs(*z->computedValue() - r->output.at(0, 0, o.y(), o.x())) < 1e-5);
        QCOMPARE(*z->engineValue(), double(r->output.at(0, 0, o.y(), o.x())));
        QVERIFY2(z->valueText().contains("✓"), qPrintable(z->valueText()));
    }
    // A pixel chosen in the view's own grid (hover) is explained in the provenance panel.
    QSignalSpy chosen(z, &ZeroInsertionView::outputPixelChosen);
    emit z->canvas()->outputHovered(1, 2);
    QCOMPARE(z->outputPixel(), QPoint(2, 1));
    QVERIFY(!chosen.isEmpty());
    QVERIFY2(w.explanationPanel()->provenanceLabel()->text().contains("row 1, column 2"),
             qPrintable(w.explanationPanel()->provenanceLabel()->text()));
}

// Weight mode with groups: the analysed channel's window, through its channel kernel, equals the engine.
void TestStudioFormulations::zeroInsertionWithGroups() {
    MainWindow w(test::testWindowOptions());
    w.show();
    std::mt19937 rng(4);
    std::uniform_real_distribution<float> u(-0.5f, 0.5f);
    Tensor weight(Shape4{6, 4, 3, 3});
    for (float& v : weight.storage()) v = u(rng);
    w.setInputTensor(test::seededImage(5, 4, 3, 8), "test", 8);
    for (const auto& [groups, channel] : {std::pair{2, 5}, std::pair{3, 0}}) {
        StudioParams p = weightModeParams(StudioParams{}, std::make_shared<const Tensor>(weight), "w.npy", groups);
        p.geometry.stride = Size2(2, 3);
        p.geometry.padding = Size2(1, 0);
        p.geometry.outputPadding = Size2(1, 2);
        p.geometry.groups = groups;
        p.weightChannel = channel;
        p.bias = 0.125f;
        w.setParams(p);
        QVERIFY(w.waitForIdle());
        QVERIFY2(w.currentError().isEmpty(), qPrintable(w.currentError()));
        const ComputeResultPtr r = w.lastResult();
        QVERIFY(r->problem.provenanceExact);
        ZeroInsertionView* z = w.zeroInsertionView();
        QVERIFY(z->geometryText().contains("<b>Rows</b>") && z->geometryText().contains("<b>Columns</b>"));
        const Shape4 out = r->output.shape();
        for (int oy = 0; oy < out.h; ++oy)
            for (int ox = 0; ox < out.w; ++ox) {
                z->setOutputPixel(oy, ox);
                const double want = outputValuesAt(*r, oy, ox)[size_t(r->problem.analysedOutput)];
                QVERIFY2(std::abs(*z->computedValue() - want) < 1e-4,
                         qPrintable(QString("g%1 c%2 at %3,%4").arg(groups).arg(channel).arg(oy).arg(ox)));
            }
    }
    // A layer mixing three input planes: the window is drawn, no single-kernel sum is claimed.
    Tensor mixing(Shape4{3, 3, 3, 3});
    for (float& v : mixing.storage()) v = u(rng);
    w.setParams(weightModeParams(StudioParams{}, std::make_shared<const Tensor>(mixing), "m.npy"));
    QVERIFY(w.waitForIdle());
    QVERIFY(!w.lastResult()->problem.provenanceExact);
    QVERIFY(!w.zeroInsertionView()->computedValue());
    QVERIFY(w.zeroInsertionView()->valueText().contains("mixes 3 input channels"));
}

void TestStudioFormulations::zeroInsertionCropsLargeInputs() {
    MainWindow w(test::testWindowOptions());
    w.show();
    open(w, test::seededImage(40, 36, 1, 2), randomKernelParams(geometry(4, 2, 1, 0, 1), 0));
    w.showWideDock(w.zeroInsertionDock());
    ZeroInsertionView* z = w.zeroInsertionView();
    const int canvasSide = z->model().rows().canvas;
    QCOMPARE(canvasSide, 39 * 2 + 1 + 2 * 2);
    w.hoverOutputPixel(50, 60, true);
    const QRect vc = z->canvas()->visibleCanvas(), vo = z->canvas()->visibleOutput();
    QVERIFY(vc.width() < z->model().cols().canvas && vc.height() < canvasSide);
    for (const WindowCell& c : z->window()) QVERIFY(vc.contains(c.cx, c.cy));
    QVERIFY(vo.contains(QPoint(60, 50)));
    QVERIFY(std::abs(*z->computedValue() - *z->engineValue()) < 1e-5);
    // A corner keeps the crop inside the canvas.
    w.hoverOutputPixel(0, 0, true);
    QCOMPARE(z->canvas()->visibleCanvas().topLeft(), QPoint(0, 0));
}

void TestStudioFormulations::playerStepsTheWindowAndTheScatter() {
    MainWindow w(test::testWindowOptions());
    w.show();
    open(w, test::seededImage(3, 4, 1, 6), randomKernelParams(geometry(3, 2, 1, 1, 1), 0));
    ZeroInsertionView* z = w.zeroInsertionView();
    StepPlayer* player = z->player();
    z->setPlayMode(ZeroInsertionView::PlayMode::Window);
    const int outW = z->model().outW();
    QCOMPARE(player->count(), z->model().outH() * outW);
    player->setStep(0);
    z->setOutputPixel(0, 0);
    player->next();
    QCOMPARE(z->outputPixel(), QPoint(1, 0));
    QVERIFY(w.explanationPanel()->provenanceLabel()->text().contains("row 0, column 1"));
    player->setStep(outW + 2);
    QCOMPARE(z->outputPixel(), QPoint(2, 1));
    player->back();
    player->back();
    player->back();
    QCOMPARE(z->outputPixel(), QPoint(outW - 1, 0));
    // Hovering elsewhere moves the player's position with it.
    w.hoverOutputPixel(3, 4, false);
    QCOMPARE(player->step(), 3 * outW + 4);
    // Scatter replay: 0 (bias only) .. 12 (all input pixels), driving the explanation panel's stepper.
    z->setPlayMode(ZeroInsertionView::PlayMode::Scatter);
    QCOMPARE(player->count(), 3 * 4 + 1);
    player->setStep(5);
    QCOMPARE(w.explanationPanel()->step(), 5);
    player->next();
    QCOMPARE(w.explanationPanel()->step(), 6);
    // Playing advances by itself.
    player->setStepsPerSecond(30);
    player->play();
    QTRY_VERIFY_WITH_TIMEOUT(w.explanationPanel()->step() >= 8, 5000);
    player->pause();
    QVERIFY(!player->isPlaying());
}

void TestStudioFormulations::stepPlayerRules() {
    StepPlayer p;
    QSignalSpy steps(&p, &StepPlayer::stepChanged);
    p.play();  // nothing to play
    QVERIFY(!p.isPlaying());
    p.setCount(3);
    p.next();
    p.next();
    p.next();  // wraps
    QCOMPARE(p.step(), 0);
    p.back();
    QCOMPARE(p.step(), 2);
    p.setStep(99);  // clamped
    QCOMPARE(p.step(), 2);
    p.setStep(-4);
    QCOMPARE(p.step(), 0);
    QCOMPARE(steps.size(), 5);  // 1, 2, 0 (wrapped), 2 (back), 0 (clamped from -4); 99 clamps to 2: no change
    p.setStepsPerSecond(1000);
    QCOMPARE(p.stepsPerSecond(), 30.0);
    p.setStepsPerSecond(0);
    QCOMPARE(p.stepsPerSecond(), 0.25);
    p.play();
    QVERIFY(p.isPlaying());
    p.setCount(0);  // an empty sequence stops it
    QVERIFY(!p.isPlaying());
    QCOMPARE(p.step(), 0);
}

void TestStudioFormulations::matrixRowsAreTheProvenance() {
    MainWindow w(test::testWindowOptions());
    w.show();
    const ConvParams g = geometry(Size2(3, 2), Size2(2, 3), Size2(1, 0), Size2(1, 2), Size2(1, 2));
    open(w, test::seededImage(3, 4, 1, 12), randomKernelParams(g, 0.75f));
    w.showWideDock(w.matrixDock());
    MatrixGridView* mv = w.matrixGridView();
    QVERIFY2(mv->hasMatrix(), qPrintable(mv->message()));
    const ComputeResultPtr r = w.lastResult();
    const Shape4 out = r->output.shape();
    const ConvMatrix& m = mv->matrix();
    QCOMPARE(m.rows(), out.h * out.w);
    QCOMPARE(m.cols(), int64_t(12));
    // Cᵀ·x + b next to the engine, row by row.
    for (int64_t row = 0; row < m.rows(); ++row)
        QVERIFY(std::abs(mv->product()[size_t(row)] - r->output.at(0, 0, row / out.w, row % out.w)) < 1e-5);
    QVERIFY2(mv->checkText().contains("✓"), qPrintable(mv->checkText()));
    // Hovering an output pixel highlights its row: its filled cells are the provenance's inputs and taps.
    for (const QPoint o : {QPoint(0, 0), QPoint(4, 3), QPoint(int(out.w) - 1, int(out.h) - 1)}) {
        w.hoverOutputPixel(o.y(), o.x(), false);
        QCOMPARE(mv->highlightedRow(), o.y() * int(out.w) + o.x());
        std::set<Quad> row;
        for (int col = 0; col < 12; ++col) {
            const int t = mv->taps().tap[size_t(mv->highlightedRow() * 12 + col)];
            if (t >= 0) {
                row.insert({col / 4, col % 4, t / 2, t % 2});
                QCOMPARE(m.at(mv->highlightedRow(), col), r->request.kernel.at(t / 2, t % 2));
            } else {
                QCOMPARE(m.at(mv->highlightedRow(), col), 0.0f);
            }
        }
        QCOMPARE(row, definitionPairs(g, 3, 4, o.y(), o.x()));
    }
    // Hovering an input pixel highlights its column: the output pixels it scatters to.
    ViewPanel* input = w.viewArea()->findPanel(ViewContent::Input);
    QVERIFY(input);
    emit w.viewArea()->hovered(input, input->view()->worldOfPixel(QPointF(2.5, 1.5)));
    QCOMPARE(mv->highlightedColumn(), 1 * 4 + 2);
    std::set<std::pair<int, int>> column, footprint;
    for (int64_t row = 0; row < m.rows(); ++row)
        if (mv->taps().tap[size_t(row * 12 + mv->highlightedColumn())] >= 0)
            column.insert({int(row / out.w), int(row % out.w)});
    for (const auto& c : scatterFootprint(g, int(out.h), int(out.w), 1, 2, 3, 2)) footprint.insert(c);
    QCOMPARE(column, footprint);
    // The identity: the forward convolution maps the output size back to the input size.
    const QString id = mv->identityText();
    QVERIFY2(id.contains(QString("maps the %1×%2 output back to the 3×4 input").arg(out.h).arg(out.w)), qPrintable(id));
    QVERIFY2(id.contains("output_padding = 1"), qPrintable(id));
}

void TestStudioFormulations::matrixExportAndLimits() {
    MainWindow w(test::testWindowOptions());
    w.show();
    const ConvParams g = geometry(4, 2, 1, 0, 1);
    const Tensor x = test::seededImage(4, 3, 1, 13);
    open(w, x, randomKernelParams(g, 0));
    QTemporaryDir dir;
    const QString path = dir.filePath("C.npy");
    QString error;
    QVERIFY2(w.matrixGridView()->exportNpy(path, &error), qPrintable(error));
    const NpyArray a = readNpy(path.toStdString());
    const Shape4 out = w.lastResult()->output.shape();
    QCOMPARE(a.shape, (std::vector<int64_t>{out.h * out.w, 12}));
    // C @ x.ravel() is the output's ravel(), computed here from the file.
    for (int64_t row = 0; row < out.h * out.w; ++row) {
        double acc = 0;
        for (int64_t col = 0; col < 12; ++col) acc += double(a.values[size_t(row * 12 + col)]) * x.data()[col];
        QVERIFY(std::abs(acc - w.lastResult()->output.at(0, 0, row / out.w, row % out.w)) < 1e-5);
    }
    // A folder that does not exist: refused with its path, nothing written.
    const QString bad = dir.filePath("missing/C.npy");
    QVERIFY(!w.matrixGridView()->exportNpy(bad, &error));
    QVERIFY2(error.contains("missing"), qPrintable(error));
    QVERIFY(!QFile::exists(bad));
    // Larger than 8x8 in: no matrix, the reason and the CLI named; export refuses.
    open(w, test::seededImage(9, 6, 1, 1), randomKernelParams(g, 0));
    QVERIFY(!w.matrixGridView()->hasMatrix());
    QVERIFY2(w.matrixGridView()->message().contains("9×6"), qPrintable(w.matrixGridView()->message()));
    QVERIFY(w.matrixGridView()->message().contains("tconv matrix"));
    QVERIFY(!w.matrixGridView()->exportNpy(path, &error));
    // 8x8 in but more than 24x24 out.
    open(w, test::seededImage(8, 8, 1, 1), randomKernelParams(geometry(4, 4, 0, 0, 1), 0));
    QVERIFY(!w.matrixGridView()->hasMatrix());
    QVERIFY(w.matrixGridView()->message().contains("32×32"));
}

void TestStudioFormulations::kernelTapHoverMarksItsPairs() {
    MainWindow w(test::testWindowOptions());
    w.resize(1366, 768);
    w.show();
    w.setLayoutMode(LayoutMode::SideBySide);  // input and result
    const ConvParams g = geometry(3, 2, 1, 1, 2);
    open(w, test::seededImage(5, 4, 1, 9), randomKernelParams(g, 0));
    w.showWideDock(w.zeroInsertionDock());
    const Shape4 out = w.lastResult()->output.shape();
    ImageView* in = w.viewArea()->findPanel(ViewContent::Input)->view();
    ImageView* res = w.viewArea()->findPanel(ViewContent::Result)->view();
    w.hoverOutputPixel(2, 3, true);  // a pinned pixel: its marks come back when the tap is left
    for (const auto& [ky, kx] : {std::pair{0, 0}, std::pair{1, 2}, std::pair{2, 1}}) {
        emit w.kernelEditor()->tapHovered(ky, kx);
        std::set<Quad> want, got;
        for (int iy = 0; iy < 5; ++iy)
            for (int ix = 0; ix < 4; ++ix) {
                const int oy = iy * 2 - 1 + ky * 2, ox = ix * 2 - 1 + kx * 2;
                if (oy >= 0 && ox >= 0 && oy < out.h && ox < out.w) want.insert({iy, ix, oy, ox});
            }
        QSet<QPoint> wantIn, wantOut;
        for (const TapPair& t : w.tapHighlight()->pairs()) got.insert({t.iy, t.ix, t.oy, t.ox});
        for (const auto& [iy, ix, oy, ox] : want) {
            wantIn.insert(QPoint(ix, iy));
            wantOut.insert(QPoint(ox, oy));
        }
        QCOMPARE(got, want);
        QCOMPARE(markedPixels(in), wantIn);
        QCOMPARE(markedPixels(res), wantOut);
        QCOMPARE(w.matrixGridView()->highlightedTap(), std::optional<int>(ky * 3 + kx));
    }
    // Leaving the table: no tap pairs, the pinned pixel's marks again.
    emit w.kernelEditor()->tapHovered(-1, -1);
    QVERIFY(w.tapHighlight()->pairs().empty());
    QCOMPARE(markedPixels(res), QSet<QPoint>{QPoint(3, 2)});
    QVERIFY(!w.matrixGridView()->highlightedTap());
}

void TestStudioFormulations::screenshotViews() {
    QTemporaryDir dir;
    for (const char* view : {"zero-insertion", "matrix"}) {
        const QByteArray out = dir.filePath(QString("%1.png").arg(view)).toLocal8Bit();
        QList<QByteArray> args{"tconv-studio", "--screenshot", out,      "--view",  view,
                               "--tutorial",   "case2-stride", "--size", "768x1366"};
        std::vector<char*> argv;
        for (QByteArray& a : args) argv.push_back(a.data());
        QCOMPARE(ScreenshotMode::run(int(argv.size()), argv.data()), 0);
        const QImage shot(QString::fromLocal8Bit(out));
        QVERIFY(!shot.isNull());
        QCOMPARE(shot.size(), QSize(1366, 768));
    }
    QByteArray out = dir.filePath("x.png").toLocal8Bit();
    QList<QByteArray> args{"tconv-studio", "--screenshot", out, "--view", "zero"};
    std::vector<char*> argv;
    for (QByteArray& a : args) argv.push_back(a.data());
    QCOMPARE(ScreenshotMode::run(int(argv.size()), argv.data()), 2);
}

QTEST_MAIN(TestStudioFormulations)
#include "test_studio_formulations.moc"
