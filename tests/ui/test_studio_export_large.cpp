// SPDX-License-Identifier: MIT
// Export of large photos: outputs above ComputeJob::kDisplayLevelPixels are
// shown from display levels, so their result has no full-size resize-conv,
// heatmap or difference; export computes them on demand at full resolution
// (ExportController::computeFullResolution), equal to what a small image's
// job computes for the same parameters at the same pixels.
#include <QProgressDialog>
#include <QTemporaryDir>
#include <QtTest>

#include "compute/ComputeJob.h"
#include "compute/ComputePipeline.h"
#include "compute/PixelValues.h"
#include "controllers/ExportController.h"
#include "PipelineTestUtil.h"
#include "StudioTestUtil.h"
#include "window/MainWindow.h"

using namespace tconv;
using namespace tconv::ui;

namespace {

// Stride 2 doubles the side: 1025 is the smallest square input whose output
// (2050 x 2050) exceeds kDisplayLevelPixels (2048 x 2048 is exactly 2^22).
constexpr int kLargeSide = 1025;
constexpr int kSmallSide = 40;

StudioParams largeParams() {
    StudioParams p;
    p.geometry = StudioParams::defaultGeometry();  // 3x3 at stride 2, output 2H x 2W
    p.resize = ResizeMode::Nearest;                // the display-level resize-conv path
    p.border = BorderMode::Zeros;
    p.heatmap = HeatmapKind::GainMap;  // the display-level gain map path
    p.backend = BackendKind::Cpu;
    return p;
}

// The top-left corner of `t` (one channel): a small image whose output shares the large one's top-left pixels.
Tensor corner(const Tensor& t, int side) {
    Tensor c(Shape4{1, 1, side, side});
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) c.storage()[size_t(y) * side + x] = t.data()[int64_t(y) * t.shape().w + x];
    return c;
}

bool sameCorner(const float* large, int64_t largeW, const float* small, int64_t smallW, int side, float tol) {
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x)
            if (std::abs(large[y * largeW + x] - small[y * smallW + x]) > tol) {
                qWarning("differs at (%d, %d): %g vs %g", y, x, double(large[y * largeW + x]),
                         double(small[y * smallW + x]));
                return false;
            }
    return true;
}

}  // namespace

class TestStudioExportLarge : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void displayPathLeavesFullSizeTensorsEmpty();
    void fullResolutionEqualsSmallImageJob();
    void cancelledFullResolutionYieldsNothing();
    void smallResultNeedsNothing();
    void saveAllViewsComputesThemOffTheGuiThread();
    void hoverValuesAreTheSmallImagesValues();

private:
    std::shared_ptr<const Tensor> input_;
    ComputeResultPtr large_;  // through the pipeline, as the studio shows it
};

void TestStudioExportLarge::initTestCase() {
    input_ = std::make_shared<const Tensor>(test::seededImage(kLargeSide, kLargeSide, 1, 5));
    ComputePipeline pipeline;
    large_ = test::runOne(pipeline, test::pipelineRequest(input_, largeParams()));
    QVERIFY(large_);
    QVERIFY2(large_->ok, qPrintable(large_->error));
    const Shape4 s = large_->output.shape();
    QCOMPARE(s, (Shape4{1, 1, 2 * kLargeSide, 2 * kLargeSide}));
    QVERIFY(s.h * s.w > ComputeJob::kDisplayLevelPixels);
}

void TestStudioExportLarge::displayPathLeavesFullSizeTensorsEmpty() {
    QVERIFY(large_->resizeConv.empty());
    QVERIFY(large_->heat.empty());
    QVERIFY(large_->difference.empty());
    QVERIFY(large_->output.empty());  // planned only: every view comes from the input
    QVERIFY(!large_->resultImage.isNull());
    QVERIFY(!large_->resizeImage.isNull());  // the views were computed, as display levels
    QVERIFY(!large_->heatImage.isNull());
    const ExportController::Parts missing = ExportController::missingFullResolution(*large_, {true, true, true});
    QVERIFY(missing.resizeConv && missing.heatmap && missing.difference);
    // A view that was not shown is not missing: export still says "Show a ... view first".
    ComputeResult hidden = *large_;
    hidden.request.heatmap = false;
    QVERIFY(!ExportController::missingFullResolution(hidden, {true, true, true}).heatmap);
}

void TestStudioExportLarge::fullResolutionEqualsSmallImageJob() {
    const ComputeResultPtr full =
        ExportController::computeFullResolution(large_, {true, true, true}, [] { return false; });
    QVERIFY(full);
    QVERIFY2(full->ok, qPrintable(full->error));
    QVERIFY(full->request.fullResolution);
    // The display path made no output tensor (only its shape): export computes it.
    QVERIFY(large_->output.empty());
    QCOMPARE(full->output.shape(), large_->output.shape());
    QVERIFY(ExportController::missingFullResolution(*large_, {.output = true}).output);
    const Shape4 s = full->output.shape();
    QCOMPARE(full->resizeConv.shape(), s);
    QCOMPARE(full->heat.size(), size_t(s.h * s.w));
    QCOMPARE(full->difference.size(), size_t(s.h * s.w));
    const ExportController::Parts left = ExportController::missingFullResolution(*full, {true, true, true});
    QVERIFY(!left.resizeConv && !left.heatmap && !left.difference);

    ComputePipeline pipeline;
    const ComputeResultPtr small = test::runOne(
        pipeline, test::pipelineRequest(std::make_shared<const Tensor>(corner(*input_, kSmallSide)), largeParams()));
    QVERIFY(small);
    QVERIFY2(small->ok, qPrintable(small->error));
    QVERIFY(!small->resizeConv.empty() && !small->heat.empty() && !small->difference.empty());
    // The small output is 80 x 80; its last few rows and columns see the corner's own border.
    const int side = 2 * kSmallSide - 8;
    const int64_t w = s.w, sw = small->output.shape().w;
    QVERIFY(sameCorner(full->output.data(), w, small->output.data(), sw, side, 1e-5f));
    QVERIFY(sameCorner(full->resizeConv.data(), w, small->resizeConv.data(), sw, side, 1e-5f));
    QVERIFY(sameCorner(full->heat.data(), w, small->heat.data(), sw, side, 1e-5f));
    QVERIFY(sameCorner(full->difference.data(), w, small->difference.data(), sw, side, 1e-5f));
}

void TestStudioExportLarge::cancelledFullResolutionYieldsNothing() {
    QVERIFY(!ExportController::computeFullResolution(large_, {true, true, true}, [] { return true; }));
}

void TestStudioExportLarge::smallResultNeedsNothing() {
    ComputePipeline pipeline;
    const ComputeResultPtr small = test::runOne(
        pipeline, test::pipelineRequest(std::make_shared<const Tensor>(corner(*input_, kSmallSide)), largeParams()));
    QVERIFY(small && small->ok);
    const ExportController::Parts missing = ExportController::missingFullResolution(*small, {true, true, true});
    QVERIFY(!missing.resizeConv && !missing.heatmap && !missing.difference);
}

void TestStudioExportLarge::saveAllViewsComputesThemOffTheGuiThread() {
    MainWindow w(test::testWindowOptions());
    w.resize(1200, 800);
    w.show();
    w.setInputTensor(Tensor(*input_), QStringLiteral("large"), 8);
    w.setParams(largeParams());
    QVERIFY(w.waitForIdle());
    const ComputeResultPtr last = w.lastResult();
    QVERIFY(last && last->ok);
    const ExportController::Parts missing = ExportController::missingFullResolution(*last, {true, true, true});
    if (!missing.resizeConv && !missing.heatmap) QSKIP("the default layout shows neither resize-conv nor a heatmap");
    auto* exports = w.findChild<ExportController*>();
    QVERIFY(exports);
    QTemporaryDir dir;
    exports->saveAllViewsInto(dir.path());
    // It returns at once, the busy dialog up while a worker computes; the files come when it is done.
    QVERIFY(w.findChild<QProgressDialog*>());
    QTRY_VERIFY_WITH_TIMEOUT(!w.findChild<QProgressDialog*>(), 60000);
    QVERIFY(QFile::exists(dir.filePath("result.npy")));
    QCOMPARE(QFile::exists(dir.filePath("resize_conv.npy")), last->request.resizeConv);
    QCOMPARE(QFile::exists(dir.filePath("heatmap.npy")), last->request.heatmap);
    // Full resolution, not a display level: one float per output pixel (after the .npy header).
    const qint64 pixelBytes = qint64(sizeof(float)) * last->output.shape().h * last->output.shape().w;
    if (last->request.heatmap) QVERIFY(QFileInfo(dir.filePath("heatmap.npy")).size() > pixelBytes);
    if (last->request.resizeConv) QVERIFY(QFileInfo(dir.filePath("resize_conv.npy")).size() > pixelBytes);
    QCOMPARE(QFile::exists(dir.filePath("difference.npy")), last->request.resizeConv && last->request.difference);
    qInfo("views computed: resize-conv %d, heatmap %d, difference %d", int(last->request.resizeConv),
          int(last->request.heatmap), int(last->request.difference));
}

void TestStudioExportLarge::hoverValuesAreTheSmallImagesValues() {
    // Hover and the status bar read single values; a large photo has no
    // full-size heatmap or difference, so they are computed for the one pixel.
    ComputePipeline pipeline;
    const ComputeResultPtr small = test::runOne(
        pipeline, test::pipelineRequest(std::make_shared<const Tensor>(corner(*input_, kSmallSide)), largeParams()));
    QVERIFY(small && small->ok && !small->heat.empty() && !small->difference.empty());
    QVERIFY(large_->heat.empty() && large_->difference.empty());
    const int side = 2 * kSmallSide - 8;  // away from the small image's own right and bottom border
    const int64_t sw = small->output.shape().w;
    for (int oy = 0; oy < side; oy += 5)
        for (int ox = 0; ox < side; ox += 3) {
            const size_t at = size_t(oy) * size_t(sw) + size_t(ox);
            const auto heat = heatValueAt(*large_, oy, ox);
            const auto difference = differenceValueAt(*large_, oy, ox);
            QVERIFY2(heat && difference, qPrintable(QStringLiteral("(%1, %2)").arg(oy).arg(ox)));
            QVERIFY2(std::abs(*heat - small->heat[at]) < 1e-5f,
                     qPrintable(QStringLiteral("heatmap at (%1, %2): %3 vs %4")
                                    .arg(oy)
                                    .arg(ox)
                                    .arg(double(*heat))
                                    .arg(double(small->heat[at]))));
            QVERIFY2(std::abs(*difference - small->difference[at]) < 1e-5f,
                     qPrintable(QStringLiteral("T - R at (%1, %2): %3 vs %4")
                                    .arg(oy)
                                    .arg(ox)
                                    .arg(double(*difference))
                                    .arg(double(small->difference[at]))));
            // The small image's own hover reads its planes: the same function, the same numbers.
            QCOMPARE(*heatValueAt(*small, oy, ox), small->heat[at]);
            const std::vector<float> a = outputValuesAt(*large_, oy, ox), b = outputValuesAt(*small, oy, ox);
            QCOMPARE(a.size(), size_t(1));
            QVERIFY(b.size() == 1 && std::abs(a[0] - b[0]) < 1e-5f);
        }
    // Off the image there is nothing to show.
    QVERIFY(!heatValueAt(*large_, -1, 0));
    QVERIFY(!differenceValueAt(*large_, 0, 2 * kLargeSide));
}

QTEST_MAIN(TestStudioExportLarge)
#include "test_studio_export_large.moc"
