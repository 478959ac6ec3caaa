// SPDX-License-Identifier: MIT
// The studio's compute pipeline as a threaded component: requests submitted on
// the GUI thread, jobs on the worker, results (and their recycled buffers)
// handed back. Links only tconv_studio_compute (no widgets), so it can run
// under a sanitizer without building the rest of the studio.
#include <QObject>
#include <QtTest>
#include <set>
#include <vector>

#include "EngineTestUtil.h"
#include "PipelineTestUtil.h"
#include "compute/ComputePipeline.h"

using namespace tconv;
using namespace tconv::ui;

class TestComputeThreads : public QObject {
    Q_OBJECT
private slots:
    void burstEndsWithLastRequest();
    void buffersAreReused();
    void resultsReadWhileNewJobsRun();
};

void TestComputeThreads::burstEndsWithLastRequest() {
    ComputePipeline pipeline;
    auto input = std::make_shared<const Tensor>(test::seededImage(200, 180, 3, 2));
    std::vector<ComputeResultPtr> emitted;
    connect(&pipeline, &ComputePipeline::resultReady, this, [&](ComputeResultPtr r) { emitted.push_back(r); });
    StudioParams last;
    quint64 lastGeneration = 0;
    for (int i = 0; i < 24; ++i) {
        StudioParams p;
        p.geometry.stride = 1 + i % 4;
        p.geometry.kernel = 2 + i % 5;
        p.geometry.outputPadding = 0;
        p.geometry.padding = i % 2;
        lastGeneration = pipeline.submit(test::pipelineRequest(input, p));
        last = p;
    }
    QVERIFY(pipeline.waitForIdle());
    QVERIFY(!emitted.empty());
    QVERIFY(emitted.size() < 24);  // superseded requests were skipped or dropped
    QCOMPARE(emitted.back()->request.generation, lastGeneration);
    QCOMPARE(emitted.back()->request.params, last);
    for (size_t i = 1; i < emitted.size(); ++i)
        QVERIFY(emitted[i]->request.generation > emitted[i - 1]->request.generation);
    QVERIFY(test::sameTensor(emitted.back()->output, test::engineResult(*input, last)));
}

void TestComputeThreads::buffersAreReused() {
    ComputePipeline pipeline;
    auto input = std::make_shared<const Tensor>(test::seededImage(64, 64, 3, 4));
    std::set<const float*> storage;
    StudioParams p;
    for (int i = 0; i < 8; ++i) {
        p.bias = 0.01f * i;
        ComputeResultPtr r = test::runOne(pipeline, test::pipelineRequest(input, p));
        QVERIFY(r && r->ok);
        storage.insert(r->output.data());
    }
    // One buffer is held by the GUI (here: r until the next run), one computes.
    QVERIFY2(storage.size() <= 3, qPrintable(QString::number(storage.size())));
}

// The GUI reads each result (all of its output, as a view repaint would) while
// the worker already computes the next request into a recycled buffer: a
// buffer must never be handed to the worker while a result still holds it.
void TestComputeThreads::resultsReadWhileNewJobsRun() {
    ComputePipeline pipeline;
    auto input = std::make_shared<const Tensor>(test::seededImage(48, 40, 3, 5));
    std::vector<ComputeResultPtr> held;
    int results = 0;
    StudioParams p;
    connect(&pipeline, &ComputePipeline::resultReady, this, [&](ComputeResultPtr r) {
        ++results;
        if (results < 12) {
            p.bias = 0.1f * results;
            pipeline.submit(test::pipelineRequest(input, p));
        }
        double sum = 0;
        for (int64_t i = 0; i < r->output.shape().count(); ++i) sum += r->output.data()[i];
        QVERIFY(std::isfinite(sum));
        if (results % 3 == 0) held.push_back(r);  // some results outlive several later jobs
    });
    pipeline.submit(test::pipelineRequest(input, p));
    QTRY_COMPARE_WITH_TIMEOUT(results, 12, 60000);
    QVERIFY(pipeline.waitForIdle());
    // Every held result still shows exactly what its own request computes.
    for (const ComputeResultPtr& r : held)
        QVERIFY(test::sameTensor(r->output, test::engineResult(*input, r->request.params)));
}

QTEST_GUILESS_MAIN(TestComputeThreads)
#include "test_compute_threads.moc"
