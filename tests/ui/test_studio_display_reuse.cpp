// SPDX-License-Identifier: MIT
// Cost follows what changed: a request that differs only in what the views
// show (Difference added, another heatmap, tone) takes the convolution and
// resize-conv over from the previous result instead of recomputing them, and
// the results are exactly what a fresh computation gives.
#include <QtTest>

#include "compute/ComputePipeline.h"
#include "compute/ResultReuse.h"
#include "PipelineTestUtil.h"
#include "StudioTestUtil.h"

using namespace tconv;
using namespace tconv::ui;

namespace {

using test::runOne;

ComputeRequest request(std::shared_ptr<const Tensor> input, const StudioParams& p) {
    ComputeRequest r = test::pipelineRequest(std::move(input), p);
    r.difference = false;
    return r;
}

}  // namespace

class TestStudioDisplayReuse : public QObject {
    Q_OBJECT
private slots:
    void switchingToDifferenceDoesNotReconvolve();
    void parameterChangesDoRecompute();
};

void TestStudioDisplayReuse::switchingToDifferenceDoesNotReconvolve() {
    const auto input = std::make_shared<const Tensor>(test::seededImage(24, 20, 3, 5));
    StudioParams p;
    ComputePipeline pipeline;
    const ComputeResultPtr first = runOne(pipeline, request(input, p));
    QVERIFY(first && first->ok && !first->outputReused);
    QVERIFY(first->difference.empty());

    ComputeRequest withDiff = request(input, p);
    withDiff.difference = true;
    const ComputeResultPtr second = runOne(pipeline, withDiff);
    QVERIFY(second && second->ok);
    QVERIFY(second->outputReused);
    QVERIFY(test::sameTensor(second->output, first->output));
    // Shared, not copied: a large photo's output is hundreds of megabytes.
    QCOMPARE(second->output.data(), first->output.data());
    QVERIFY(test::sameTensor(second->resizeConv, first->resizeConv));
    // The difference itself is new, and right: mean over channels of T - R.
    QCOMPARE(second->difference.size(), size_t(second->output.shape().h * second->output.shape().w));
    const Shape4 s = second->output.shape();
    for (int64_t y = 0; y < s.h; y += 5)
        for (int64_t x = 0; x < s.w; x += 3) {
            float d = 0;
            for (int64_t c = 0; c < s.c; ++c) d += second->output.at(0, c, y, x) - second->resizeConv.at(0, c, y, x);
            QVERIFY(std::abs(second->difference[size_t(y * s.w + x)] - d / s.c) < 1e-6f);
        }

    // Another heatmap kind and tone: still the same convolution.
    StudioParams q = p;
    q.heatmap = HeatmapKind::ArtifactComponent;
    q.tone = ToneMode::AutoRange;
    const ComputeResultPtr third = runOne(pipeline, request(input, q));
    QVERIFY(third && third->ok && third->outputReused);
    QVERIFY(!third->heat.empty());
    QVERIFY(test::sameTensor(third->output, test::engineResult(*input, q)));
}

void TestStudioDisplayReuse::parameterChangesDoRecompute() {
    const auto input = std::make_shared<const Tensor>(test::seededImage(16, 16, 1, 9));
    StudioParams p;
    ComputePipeline pipeline;
    QVERIFY(runOne(pipeline, request(input, p))->ok);
    StudioParams biased = p;
    biased.bias = 0.25f;
    const ComputeResultPtr r = runOne(pipeline, request(input, biased));
    QVERIFY(r && r->ok && !r->outputReused);
    QVERIFY(test::sameTensor(r->output, test::engineResult(*input, biased)));
    // A new input (even with equal values) is a new image.
    const auto copy = std::make_shared<const Tensor>(*input);
    QVERIFY(!runOne(pipeline, request(copy, biased))->outputReused);
    // The rules themselves: resize settings keep the output but not resize-conv.
    ComputeResult prev;
    prev.ok = true;
    prev.request = request(input, p);
    prev.output.writable() = Tensor(Shape4{1, 1, 2, 2});
    prev.resizeConv = Tensor(Shape4{1, 1, 2, 2});
    ComputeRequest nearestToBilinear = request(input, p);
    nearestToBilinear.params.resize = ResizeMode::Bilinear;
    const ResultReuse reuse = reusableParts(&prev, nearestToBilinear);
    QVERIFY(reuse.output && !reuse.resizeConv && !reuse.difference);
    QVERIFY(reusableParts(&prev, request(input, p)).resizeConv);
    QVERIFY(!reusableParts(nullptr, request(input, p)).output);
    // A planned output (a large photo shown from display levels: its shape, no tensor) has nothing to lend.
    ComputeResult planned = prev;
    planned.output.setPlanned(Shape4{1, 1, 2, 2});
    QVERIFY(planned.output.empty());
    QCOMPARE(planned.output.shape(), (Shape4{1, 1, 2, 2}));
    QVERIFY(!reusableParts(&planned, request(input, p)).output);
}

QTEST_MAIN(TestStudioDisplayReuse)
#include "test_studio_display_reuse.moc"
