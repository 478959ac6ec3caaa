// SPDX-License-Identifier: MIT
// BatchRunner: results equal to the engine's on the same image, bad files in
// the middle of a batch, both pipelines (oneTBB and std::thread), cancellation,
// injected failures leaving no partial files, the memory limit, bit depth and
// alpha kept.
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <thread>

#include "batch/BatchTestUtil.h"
#include "common/TestPrinters.h"
#include "common/BatchInputs.h"
#include "common/BatchPlan.h"
#include "common/BatchReference.h"
#include "common/BatchReport.h"
#include "common/BatchRunner.h"
#include "common/BatchSweep.h"
#include "common/BatchWatch.h"
#include "core/ConvError.h"
#include "core/ReferenceConvTranspose.h"

using namespace tconv;
using namespace tconv::app;
using namespace tconv::batchtest;

class TestBatchRunner : public QObject {
    Q_OBJECT
private slots:
    void init();
    void resultsMatchReference_data();
    void resultsMatchReference();
    void badFilesInTheMiddle();
    void sweepScores();
    void cancellationFinishesInFlight_data();
    void cancellationFinishesInFlight();
    void injectedFailureLeavesNoFile();
    void failedRenameLeavesNoTemp();
    void memoryLimitFailsOneImage();
    void bitDepthAndAlphaKept();
    void referenceFolderScoresEachImage();
    void referenceMatching();
    void watchProcessesNewFilesUntilStopped();

private:
    BatchPlan plan(const fs::path& in, std::vector<SweepAxis> axes = {}, bool overwrite = false);
    std::unique_ptr<QTemporaryDir> tmp_;
    fs::path root() const { return fs::path(tmp_->path().toStdString()); }
};

void TestBatchRunner::init() {
    tmp_ = std::make_unique<QTemporaryDir>();
    QVERIFY(tmp_->isValid());
}

BatchPlan TestBatchRunner::plan(const fs::path& in, std::vector<SweepAxis> axes, bool overwrite) {
    InputOptions io;
    io.inputs = {in.string()};
    io.recursive = true;
    PlanOptions po;
    po.outputDir = root() / "out";
    po.format = OutputFormat::Npy;  // raw float32, so results compare exactly
    po.overwrite = overwrite;
    ConvSettings base;
    base.padding = Size2(1);
    base.backend = BackendKind::Cpu;
    return makeBatchPlan(expandInputs(io), expandSweep(base, axes), po);
}

void TestBatchRunner::resultsMatchReference_data() {
    QTest::addColumn<bool>("threads");
    QTest::addColumn<int>("jobs");
    QTest::newRow("tbb or fallback, 1 job") << false << 1;
    QTest::newRow("tbb or fallback, 2 jobs") << false << 2;
    QTest::newRow("std::thread, 3 jobs") << true << 3;
}

void TestBatchRunner::resultsMatchReference() {
    QFETCH(bool, threads);
    QFETCH(int, jobs);
    const fs::path in = root() / "in";
    struct Img {
        const char* name;
        int h, w, c;
    };
    const std::vector<Img> imgs = {
        {"a.npy", 7, 9, 3}, {"sub/b.npy", 1, 1, 1}, {"sub/c.npy", 12, 5, 4}, {"d.npy", 16, 16, 2}, {"e.npy", 3, 8, 1}};
    for (size_t i = 0; i < imgs.size(); ++i)
        writeImage(in / imgs[i].name, imgs[i].h, imgs[i].w, imgs[i].c, unsigned(10 + i));
    const BatchPlan p = plan(in, {{"--kernel", {"bilinear", "random"}}});
    QCOMPARE(p.items.size(), imgs.size() * 2);

    BatchRunOptions o;
    o.jobs = jobs;
    o.backend = BackendKind::Cpu;
    o.forceThreadFallback = threads;
    size_t calls = 0;
    const BatchSummary s = BatchRunner(p, o).run([&](const ItemResult&, const BatchCounts& c) {
        ++calls;
        QVERIFY(c.finished() <= c.toProcess);
    });
    QCOMPARE(s.counts.done, p.items.size());
    QCOMPARE(s.counts.failed, size_t(0));
    QCOMPARE(calls, p.items.size());
    QVERIFY(!s.wasCancelled);
    QVERIFY(s.backend.rfind("cpu", 0) == 0);

    for (const BatchItem& item : p.items) {
        const ItemResult& r = s.results[&item - p.items.data()];
        QCOMPARE(r.status, ItemStatus::Done);
        const LoadedImage src = loadImage(item.input.string());
        const ConvLayer layer = buildLayer(p.combinations[item.combination].settings, int(src.tensor.shape().c));
        const Tensor expected = referenceConvTranspose2d(src.tensor, layer);
        const LoadedImage got = loadImage(item.output.string());
        QCOMPARE(got.tensor.shape(), expected.shape());
        QCOMPARE(r.inputShape, src.tensor.shape());
        QCOMPARE(r.outputShape, expected.shape());
        for (int64_t i = 0; i < expected.size(); ++i)
            QVERIFY2(std::abs(got.tensor.data()[i] - expected.data()[i]) <= 1e-5f, item.output.c_str());
    }
    QCOMPARE(listFiles(root() / "out").size(), p.items.size());
}

void TestBatchRunner::badFilesInTheMiddle() {
    const fs::path in = root() / "in";
    writeImage(in / "a.npy", 5, 5, 1, 1);
    writeText(in / "b.npy", "");                                     // empty
    writeText(in / "c.npy", "\x93NUMPY garbage that is truncated");  // corrupt
    writeImage(in / "d.npy", 5, 5, 3, 2);
    writeText(in / "e.npy", "not an npy at all");
    writeImage(in / "f.npy", 6, 4, 1, 3);
    const BatchPlan p = plan(in);
    BatchRunOptions o;
    o.jobs = 2;
    o.backend = BackendKind::Cpu;
    const BatchSummary s = BatchRunner(p, o).run();
    QCOMPARE(s.counts.done, size_t(3));
    QCOMPARE(s.counts.failed, size_t(3));
    for (size_t i : {1, 2, 4}) {
        QCOMPARE(s.results[i].status, ItemStatus::Failed);
        QVERIFY2(s.results[i].error.find(p.items[i].input.filename().string()) != std::string::npos,
                 s.results[i].error.c_str());
    }
    QCOMPARE(listFiles(root() / "out"), std::vector<std::string>({"a.npy", "d.npy", "f.npy"}));
}

void TestBatchRunner::sweepScores() {
    const fs::path in = root() / "in";
    writeImage(in / "a.npy", 6, 6, 3, 1);
    // bilinear k4 s2 and box k2 s2 have flat phase gains; box k3 s2 (G = [[4,2],[2,1]]) does not.
    const BatchPlan p = plan(in, {{"--kernel", {"bilinear", "box"}}, {"--kernel-size", {"4", "3"}}});
    BatchRunOptions o;
    o.backend = BackendKind::Cpu;
    const BatchSummary s = BatchRunner(p, o).run();
    QCOMPARE(s.counts.done, size_t(4));
    QCOMPARE(p.combinations[0].folder, std::string("k4_s2_p1_bilinear"));
    QCOMPARE(s.results[0].cv, 0.0);
    QCOMPARE(s.results[0].ratio, 1.0);
    QCOMPARE(p.combinations[3].folder, std::string("k3_s2_p1_box"));
    QVERIFY(std::abs(s.results[3].cv - std::sqrt(4.75 / 4.0) / 2.25) < 1e-9);
    QCOMPARE(s.results[3].ratio, 4.0);
}

void TestBatchRunner::cancellationFinishesInFlight_data() {
    QTest::addColumn<bool>("threads");
    QTest::newRow("default pipeline") << false;
    QTest::newRow("std::thread") << true;
}

void TestBatchRunner::cancellationFinishesInFlight() {
    QFETCH(bool, threads);
    const fs::path in = root() / "in";
    for (int i = 0; i < 10; ++i) writeImage(in / ("img" + std::to_string(i) + ".npy"), 8, 8, 3, unsigned(i));
    const BatchPlan p = plan(in);
    std::atomic<bool> cancel{false};
    BatchRunOptions o;
    o.jobs = 1;
    o.maxInFlight = 1;  // one image at a time: the cancel lands at a known point
    o.backend = BackendKind::Cpu;
    o.cancel = &cancel;
    o.forceThreadFallback = threads;
    o.testHook = [&](size_t item, std::string_view stage) {
        if (item == 2 && stage == "decode") cancel = true;  // "Ctrl-C" while image 2 is in flight
    };
    const BatchSummary s = BatchRunner(p, o).run();
    QVERIFY(s.wasCancelled);
    QCOMPARE(s.counts.done, size_t(3));  // the image in flight was finished and written
    QCOMPARE(s.cancelled, size_t(7));
    QCOMPARE(s.results[3].status, ItemStatus::Cancelled);
    QCOMPARE(listFiles(root() / "out"), std::vector<std::string>({"img0.npy", "img1.npy", "img2.npy"}));
    QVERIFY(hiddenFiles(root() / "out").empty());

    // Resuming: the same batch planned again skips the three written outputs.
    const BatchPlan again = plan(in);
    QCOMPARE(again.count(PlanAction::Skip), size_t(3));
    o.cancel = nullptr;
    o.testHook = {};
    const BatchSummary rest = BatchRunner(again, o).run();
    QCOMPARE(rest.counts.done, size_t(7));
    QCOMPARE(rest.counts.skipped, size_t(3));
    QCOMPARE(listFiles(root() / "out").size(), size_t(10));
}

void TestBatchRunner::injectedFailureLeavesNoFile() {
    const fs::path in = root() / "in";
    for (int i = 0; i < 4; ++i) writeImage(in / ("img" + std::to_string(i) + ".npy"), 8, 8, 1, unsigned(i));
    const BatchPlan p = plan(in);
    BatchRunOptions o;
    o.jobs = 2;
    o.backend = BackendKind::Cpu;
    o.testHook = [](size_t item, std::string_view stage) {
        if (item == 1 && stage == "encode") throw ProcessingError("injected: disk full");
    };
    const BatchSummary s = BatchRunner(p, o).run();
    QCOMPARE(s.counts.failed, size_t(1));
    QCOMPARE(s.results[1].error, std::string("injected: disk full"));
    QCOMPARE(listFiles(root() / "out"), std::vector<std::string>({"img0.npy", "img2.npy", "img3.npy"}));
}

void TestBatchRunner::failedRenameLeavesNoTemp() {
    const fs::path in = root() / "in";
    for (int i = 0; i < 3; ++i) writeImage(in / ("img" + std::to_string(i) + ".npy"), 8, 8, 1, unsigned(i));
    // The output of img1 is a non-empty folder: the temporary file is written
    // completely, then the final rename fails. Nothing may be left behind.
    fs::create_directories(root() / "out" / "img1.npy" / "keep");
    // The output sub-folder of a second tree is a plain file: creating it fails.
    writeImage(in / "sub" / "x.npy", 4, 4, 1, 7);
    writeText(root() / "out" / "sub", "a file where a folder should be");
    const BatchPlan p = plan(in, {}, /*overwrite=*/true);
    BatchRunOptions o;
    o.backend = BackendKind::Cpu;
    const BatchSummary s = BatchRunner(p, o).run();
    QCOMPARE(s.counts.done, size_t(2));
    QCOMPARE(s.counts.failed, size_t(2));
    QCOMPARE(s.results[1].status, ItemStatus::Failed);
    QCOMPARE(s.results[3].status, ItemStatus::Failed);
    QVERIFY(hiddenFiles(root() / "out").empty());
    QCOMPARE(listFiles(root() / "out"), std::vector<std::string>({"img0.npy", "img2.npy", "sub"}));
    QVERIFY(fs::is_directory(root() / "out" / "img1.npy" / "keep"));
}

void TestBatchRunner::memoryLimitFailsOneImage() {
    const fs::path in = root() / "in";
    writeImage(in / "big.npy", 300, 300, 3, 1);  // 600x600x3 float output: 4.1 MiB
    writeImage(in / "small.npy", 20, 20, 3, 2);
    const BatchPlan p = plan(in);
    qputenv("TCONV_MEMORY_LIMIT_MB", "2");
    BatchRunOptions o;
    o.backend = BackendKind::Cpu;
    o.maxInFlight = 1;
    const BatchSummary s = BatchRunner(p, o).run();
    qunsetenv("TCONV_MEMORY_LIMIT_MB");
    QCOMPARE(s.results[0].status, ItemStatus::Failed);
    QVERIFY2(s.results[0].error.find("memory limit") != std::string::npos, s.results[0].error.c_str());
    QCOMPARE(s.results[1].status, ItemStatus::Done);
}

void TestBatchRunner::bitDepthAndAlphaKept() {
#if defined(TCONV_HAVE_OPENCV)
    const fs::path in = root() / "in";
    writeImage(in / "rgba16.png", 9, 7, 4, 1, 16);
    writeImage(in / "gray8.png", 5, 6, 1, 2, 8);
    InputOptions io;
    io.inputs = {in.string()};
    PlanOptions po;
    po.outputDir = root() / "out";
    const BatchPlan p = makeBatchPlan(expandInputs(io), expandSweep({}, {}), po);
    BatchRunOptions o;
    o.backend = BackendKind::Cpu;
    BatchSummary s = BatchRunner(p, o).run();
    QCOMPARE(s.counts.done, size_t(2));
    LoadedImage gray = loadImage((root() / "out" / "gray8.png").string());
    LoadedImage rgba = loadImage((root() / "out" / "rgba16.png").string());
    QCOMPARE(gray.bitDepth, 8);
    QCOMPARE(gray.tensor.shape().c, int64_t(1));
    QCOMPARE(rgba.bitDepth, 16);
    QCOMPARE(rgba.tensor.shape().c, int64_t(4));
    QCOMPARE(rgba.tensor.shape().h, int64_t(20));  // k4 s2 p0: (9-1)*2 + 4

    // Asked otherwise: 8-bit.
    fs::remove_all(root() / "out");
    o.bitDepth = 8;
    s = BatchRunner(makeBatchPlan(expandInputs(io), expandSweep({}, {}), po), o).run();
    QCOMPARE(loadImage((root() / "out" / "rgba16.png").string()).bitDepth, 8);
#else
    QSKIP("built without OpenCV: no image files");
#endif
}

namespace {

// PSNR written out from its definition (data range 1, the result clamped to
// [0, 1], every channel), independently of BatchQuality.
double psnrByHand(const Tensor& result, const Tensor& reference) {
    double sum = 0;
    for (int64_t i = 0; i < result.size(); ++i) {
        const double d = std::clamp(double(result.data()[i]), 0.0, 1.0) - double(reference.data()[i]);
        sum += d * d;
    }
    return 10 * std::log10(double(result.size()) / sum);
}

}  // namespace

// --evaluate --reference: each input is upsampled as it is and scored against
// ref/<its relative path>; a missing reference or one of another size fails
// that image alone (no output), with the reason, and the batch goes on.
void TestBatchRunner::referenceFolderScoresEachImage() {
    const fs::path in = root() / "in", ref = root() / "ref";
    writeImage(in / "a.npy", 6, 7, 3, 1);
    writeImage(in / "sub" / "b.npy", 5, 5, 1, 2);
    writeImage(in / "c.npy", 4, 4, 3, 3);  // no reference
    writeImage(in / "d.npy", 4, 4, 1, 4);  // reference of another size
    writeImage(ref / "a.npy", 12, 14, 3, 11);
    writeImage(ref / "sub" / "b.npy", 10, 10, 1, 12);
    writeImage(ref / "d.npy", 9, 8, 1, 14);
    const BatchPlan p = plan(in);
    BatchRunOptions o;
    o.jobs = 2;
    o.backend = BackendKind::Cpu;
    o.evaluate = true;
    o.reference = ref;
    const BatchSummary s = BatchRunner(p, o).run();
    QVERIFY(s.evaluated && s.referenced);
    QCOMPARE(s.counts.done, size_t(2));
    QCOMPARE(s.counts.failed, size_t(2));
    for (const ItemResult& r : s.results) {
        const BatchItem& item = p.items[r.item];
        const std::string name = item.relative.generic_string();
        if (name == "a.npy" || name == "sub/b.npy") {
            QCOMPARE(r.status, ItemStatus::Done);
            QCOMPARE(fs::path(r.reference), ref / name);
            const Tensor out = loadImage(item.output.string()).tensor;
            const double expected = psnrByHand(out, loadImage((ref / name).string()).tensor);
            QVERIFY2(std::abs(r.psnr - expected) < 1e-9 * std::abs(expected), name.c_str());
            QVERIFY(std::isfinite(r.ssim) || name == "sub/b.npy");  // 10x10 is below the 11x11 window
        } else {
            QCOMPARE(r.status, ItemStatus::Failed);
            QVERIFY(!fs::exists(item.output));
            const std::string want =
                name == "c.npy" ? "no reference image (looked for '" + (ref / "c.npy").string()
                                : "the result is 8x8x1 but the reference '" + (ref / "d.npy").string() + "' is 9x8x1";
            QVERIFY2(r.error.find(want) != std::string::npos, r.error.c_str());
        }
    }
    // The report names each result's reference.
    const std::string csv = batchReportCsv(p, s);
    QVERIFY2(csv.find(",psnr,ssim,periodic_energy,reference\n") != std::string::npos, csv.c_str());
    QVERIFY(csv.find("," + (ref / "a.npy").string() + "\n") != std::string::npos);
}

// Exact path first, else the one file of the same stem (any image extension).
void TestBatchRunner::referenceMatching() {
    const fs::path ref = root() / "ref";
    writeText(ref / "x" / "a.png", "");
    writeText(ref / "x" / "b.jpg", "");
    writeText(ref / "x" / "b.png", "");
    writeText(ref / "x" / "c.png", "");
    writeText(ref / "x" / "c.txt", "");  // not an image extension
    writeText(ref / "x" / "c.tif.part", "");
    QCOMPARE(findReferenceImage(ref, "x/a.png"), ref / "x" / "a.png");
    QCOMPARE(findReferenceImage(ref, "x/a.jpg"), ref / "x" / "a.png");  // a low-res JPEG, its PNG original
    QCOMPARE(findReferenceImage(ref, "x/b.jpg"), ref / "x" / "b.jpg");  // the exact name wins
    QCOMPARE(findReferenceImage(ref, "x/c.npy"), ref / "x" / "c.png");
    try {
        findReferenceImage(ref, "x/b.tif");
        QFAIL("an ambiguous reference was accepted");
    } catch (const ProcessingError& e) {
        QVERIFY2(std::string(e.what()).find("several reference images match") != std::string::npos, e.what());
        QVERIFY2(std::string(e.what()).find("b.jpg, b.png") != std::string::npos, e.what());
    }
    QVERIFY_THROWS_EXCEPTION(ProcessingError, findReferenceImage(ref, "y/a.png"));  // no such sub-folder
    QVERIFY_THROWS_EXCEPTION(ProcessingError, findReferenceImage(ref, "a.png"));    // not in the top folder
}

// The watch loop in-process: what is there, then a file written slowly in
// chunks (read only once complete), in a new sub-folder; partial and hidden
// names ignored; the output folder inside the input folder never read back;
// stopping returns with every output written and nothing cancelled.
void TestBatchRunner::watchProcessesNewFilesUntilStopped() {
    using namespace std::chrono_literals;
    const fs::path in = root() / "in", out = in / "out";
    writeImage(in / "a.npy", 5, 5, 1, 1);
    writeImage(root() / "b.npy", 6, 6, 3, 2);  // written into in/sub slowly below
    std::ifstream f(root() / "b.npy", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());

    WatchRequest req;
    req.inputs.inputs = {in.string()};
    req.inputs.recursive = true;
    req.inputs.outputDir = out;
    req.plan.outputDir = out;
    req.plan.format = OutputFormat::Npy;
    ConvSettings base;
    base.padding = Size2(1);
    base.backend = BackendKind::Cpu;
    req.combinations = expandSweep(base, {});
    std::atomic<bool> stop{false};
    req.run.backend = BackendKind::Cpu;
    req.run.cancel = &stop;
    req.settle = 300ms;
    req.pollInterval = 20ms;
    std::atomic<int> waits{0}, rounds{0};
    WatchCallbacks cb;
    cb.waiting = [&] { ++waits; };
    cb.roundDone = [&](const BatchPlan&, const BatchSummary&) { ++rounds; };
    WatchResult result;
    std::thread watch([&] { result = runWatchedBatch(req, cb); });

    QTRY_VERIFY_WITH_TIMEOUT(fs::exists(out / "a.npy"), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(waits > 0, 20000);
    writeText(in / "c.npy.part", bytes);
    writeText(in / "d.npy.crdownload", bytes);
    writeText(in / ".e.npy", bytes);
    {
        fs::create_directories(in / "sub");
        std::ofstream slow(in / "sub" / "b.npy", std::ios::binary);
        const size_t chunk = bytes.size() / 4 + 1;
        for (size_t off = 0; off < bytes.size(); off += chunk) {
            slow.write(bytes.data() + off, std::streamsize(std::min(chunk, bytes.size() - off)));
            slow.flush();
            std::this_thread::sleep_for(100ms);           // pauses shorter than the settle time
            QVERIFY(!fs::exists(out / "sub" / "b.npy"));  // never read while incomplete
        }
    }
    QTRY_VERIFY_WITH_TIMEOUT(fs::exists(out / "sub" / "b.npy"), 20000);
    std::this_thread::sleep_for(400ms);  // the outputs' own events, if any were seen, would come back by now
    stop = true;
    watch.join();
    QVERIFY2(result.error.empty(), result.error.c_str());
    QCOMPARE(result.summary.counts.done, size_t(2));
    QCOMPARE(result.summary.counts.failed, size_t(0));
    QVERIFY(!result.summary.wasCancelled);
    QCOMPARE(result.plan.items.size(), size_t(2));
    QCOMPARE(loadImage((out / "sub" / "b.npy").string()).tensor.shape(), (Shape4{1, 3, 12, 12}));
    QCOMPARE(listFiles(out), (std::vector<std::string>{"a.npy", "sub/b.npy"}));
    QVERIFY(rounds >= 2);
}

QTEST_GUILESS_MAIN(TestBatchRunner)
#include "test_batch_runner.moc"
