// SPDX-License-Identifier: MIT
// The studio's batch dialog: a run with a failure listed, a saved preset, the
// custom kernel, and cancellation from the GUI while the window stays
// responsive (no partial files afterwards).
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTimer>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <thread>

#include "dialogs/BatchDialog.h"
#include "dialogs/BatchRankingChart.h"
#include "document/PresetStore.h"
#include "batch/BatchTestUtil.h"
#include "common/TestPrinters.h"

using namespace tconv;
using namespace tconv::app;
using namespace tconv::batchtest;
using tconv::ui::BatchDialog;

namespace {

QString q(const fs::path& p) { return QString::fromStdString(p.string()); }

ConvSettings bilinearX2() {
    ConvSettings s;
    s.kernelSize = Size2(4);
    s.stride = Size2(2);
    s.padding = Size2(1);
    s.backend = BackendKind::Cpu;
    return s;
}

}  // namespace

class TestBatchDialog : public QObject {
    Q_OBJECT
private slots:
    void init();
    void runListsFailures();
    void damagedImagesFailWithTheLibrarysReason();
    void presetAndCustomKernel();
    void cancelFromTheGui();
    void closingWhileRunningCancels();
    void watchFolderRunsUntilStop();
    void evaluateShowsRankingTableAndChart();

private:
    std::unique_ptr<QTemporaryDir> tmp_;
    fs::path root() const { return fs::path(tmp_->path().toStdString()); }
};

void TestBatchDialog::init() {
    tmp_ = std::make_unique<QTemporaryDir>();
    QVERIFY(tmp_->isValid());
}

void TestBatchDialog::runListsFailures() {
    writeImage(root() / "in" / "a.npy", 6, 7, 3, 1);
    writeText(root() / "in" / "b.npy", "corrupt");
    writeImage(root() / "in" / "sub" / "c.npy", 5, 5, 1, 2);
    BatchDialog d(bilinearX2(), std::nullopt);
    d.setInputs({q(root() / "in")});
    d.setOutputFolder(q(root() / "out"));
    d.setOpenFolderWhenDone(false);
    QSignalSpy done(&d, &BatchDialog::batchFinished);
    d.start();
    QVERIFY(d.isRunning());
    QVERIFY(done.wait(60000));
    QCOMPARE(done.first().first().toBool(), false);
    QVERIFY(d.lastSummary());
    QCOMPARE(d.lastSummary()->counts.done, size_t(2));
    QCOMPARE(d.failures().size(), 1);
    QVERIFY2(d.failures().first().contains("b.npy"), qPrintable(d.failures().first()));
    QVERIFY2(d.statusText().startsWith("Batch: 2 done, 0 skipped, 1 failed"), qPrintable(d.statusText()));
    QCOMPARE(listFiles(root() / "out"), std::vector<std::string>({"a.npy", "sub/c.npy"}));
    QCOMPARE(loadImage((root() / "out" / "a.npy").string()).tensor.shape(), (Shape4{1, 3, 12, 14}));

    // Nothing to start without an output folder: a message, no run.
    BatchDialog empty(bilinearX2(), std::nullopt);
    empty.setInputs({q(root() / "in")});
    empty.start();
    QVERIFY(!empty.isRunning());
    QVERIFY(empty.statusText().contains("output folder"));
}

// Decodes run concurrently under the dialog's QuietStderr; each damaged file
// still fails with its own library message, and nothing raw reaches stderr.
void TestBatchDialog::damagedImagesFailWithTheLibrarysReason() {
#if !defined(TCONV_HAVE_OPENCV)
    QSKIP("built without OpenCV");
#else
    for (int i = 0; i < 6; ++i) writeImage(root() / "in" / ("good" + std::to_string(i) + ".png"), 30 + i, 20, 3, i);
    writeImage(root() / "full.png", 30, 20, 3, 9);
    std::ifstream f(root() / "full.png", std::ios::binary);
    const std::string png((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    for (int i = 0; i < 3; ++i)
        writeText(root() / "in" / ("cut" + std::to_string(i) + ".png"), png.substr(0, png.size() / 2 + size_t(i)));
    BatchDialog d(bilinearX2(), std::nullopt);
    d.setInputs({q(root() / "in")});
    d.setOutputFolder(q(root() / "out"));
    d.setOpenFolderWhenDone(false);
    d.setJobs(2);
    QSignalSpy done(&d, &BatchDialog::batchFinished);
    d.start();
    QVERIFY(done.wait(60000));
    QCOMPARE(d.lastSummary()->counts.done, size_t(6));
    QCOMPARE(d.failures().size(), 3);
    for (const QString& line : d.failures()) {
        QVERIFY2(line.contains("cut"), qPrintable(line));
        QVERIFY2(line.contains("libpng"), qPrintable(line));
    }
    QCOMPARE(listFiles(root() / "out").size(), size_t(6));
#endif
}

void TestBatchDialog::presetAndCustomKernel() {
    writeImage(root() / "in" / "a.npy", 6, 6, 1, 1);
    // A preset saved by the studio: box k3 s3 p0.
    ui::StudioParams p;
    p.geometry.kernel = Size2(3);
    p.geometry.stride = Size2(3);
    p.geometry.padding = Size2(0);
    p.geometry.outputPadding = Size2(0);
    p.geometry.dilation = Size2(1);
    p.kernelSource = tconv::ui::KernelSource::preset(KernelPreset::Box);
    p.backend = BackendKind::Cpu;
    QString error;
    QVERIFY2(ui::PresetStore::save(q(root() / "box3.json"), p, &error), qPrintable(error));
    {
        BatchDialog d(bilinearX2(), std::nullopt);
        d.setInputs({q(root() / "in" / "a.npy")});
        d.setOutputFolder(q(root() / "preset"));
        d.setPresetFile(q(root() / "box3.json"));
        d.setOpenFolderWhenDone(false);
        QSignalSpy done(&d, &BatchDialog::batchFinished);
        d.start();
        QVERIFY(done.wait(60000));
        QVERIFY2(d.lastSummary() && d.lastSummary()->counts.done == 1,
                 qPrintable(d.statusText() + d.failures().join('\n')));
        QCOMPARE(loadImage((root() / "preset" / "a.npy").string()).tensor.shape(), (Shape4{1, 1, 18, 18}));
    }
    {
        // The studio's hand-edited kernel, used raw: a 2x2 of ones at stride 2
        // repeats every pixel into a 2x2 block.
        ConvSettings s;
        s.stride = Size2(2);
        s.kernel = "custom";
        s.backend = BackendKind::Cpu;
        BatchDialog d(s, Kernel2D(2, 2, 1.0f));
        d.setInputs({q(root() / "in" / "a.npy")});
        d.setOutputFolder(q(root() / "custom"));
        d.setOpenFolderWhenDone(false);
        QSignalSpy done(&d, &BatchDialog::batchFinished);
        d.start();
        QVERIFY(done.wait(60000));
        QCOMPARE(d.lastSummary()->counts.done, size_t(1));
        const Tensor in = loadImage((root() / "in" / "a.npy").string()).tensor;
        const Tensor out = loadImage((root() / "custom" / "a.npy").string()).tensor;
        QCOMPARE(out.shape(), (Shape4{1, 1, 12, 12}));
        for (int y = 0; y < 12; ++y)
            for (int x = 0; x < 12; ++x) QCOMPARE(out.at(0, 0, y, x), in.at(0, 0, y / 2, x / 2));
    }
}

void TestBatchDialog::cancelFromTheGui() {
    const int total = 40;
    for (int i = 0; i < total; ++i)
        writeImage(root() / "in" / ("img" + std::to_string(100 + i) + ".npy"), 16, 16, 3, i);
    BatchDialog d(bilinearX2(), std::nullopt);
    d.setInputs({q(root() / "in")});
    d.setOutputFolder(q(root() / "out"));
    d.setJobs(2);
    d.setOpenFolderWhenDone(false);
    // Every image takes 50 ms on the worker, so the batch is still running when Cancel is clicked.
    d.setTestHook([](size_t, std::string_view stage) {
        if (stage == "compute") std::this_thread::sleep_for(std::chrono::milliseconds(50));
    });
    d.show();
    QSignalSpy progress(&d, &BatchDialog::progressChanged);
    QSignalSpy done(&d, &BatchDialog::batchFinished);
    d.start();
    QTRY_VERIFY_WITH_TIMEOUT(progress.count() >= 3, 30000);
    QVERIFY(d.isRunning());

    // The GUI thread is free while the batch runs: a timer fires while the
    // batch is still running (a blocking run would deliver it only afterwards).
    bool fired = false, runningWhenFired = false;
    QTimer::singleShot(10, &d, [&] {
        fired = true;
        runningWhenFired = d.isRunning();
    });
    QTRY_VERIFY_WITH_TIMEOUT(fired, 10000);
    QVERIFY(runningWhenFired);

    auto* cancel = d.findChild<QPushButton*>("cancelButton");
    QVERIFY(cancel && cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(done.wait(30000));
    QCOMPARE(done.first().first().toBool(), true);
    QVERIFY(!d.isRunning());
    QVERIFY(d.lastSummary()->wasCancelled);
    QVERIFY2(d.statusText().startsWith("Cancelled"), qPrintable(d.statusText()));
    const size_t written = listFiles(root() / "out").size();
    QCOMPARE(written, d.lastSummary()->counts.done);
    QVERIFY(written >= 3 && written < size_t(total));
    QVERIFY(hiddenFiles(root() / "out").empty());
    QVERIFY(d.findChild<QPushButton*>("startButton")->isEnabled());

    // Start again: the written outputs are skipped, the rest is done.
    d.setTestHook({});
    d.start();
    QVERIFY(done.wait(60000));
    QCOMPARE(d.lastSummary()->counts.skipped, written);
    QCOMPARE(d.lastSummary()->counts.done, size_t(total) - written);
    QCOMPARE(listFiles(root() / "out").size(), size_t(total));
}

void TestBatchDialog::closingWhileRunningCancels() {
    for (int i = 0; i < 20; ++i) writeImage(root() / "in" / ("img" + std::to_string(100 + i) + ".npy"), 8, 8, 1, i);
    auto* d = new BatchDialog(bilinearX2(), std::nullopt);
    d->setInputs({q(root() / "in")});
    d->setOutputFolder(q(root() / "out"));
    d->setJobs(1);
    d->setOpenFolderWhenDone(false);
    d->setTestHook([](size_t, std::string_view) { std::this_thread::sleep_for(std::chrono::milliseconds(20)); });
    d->show();
    QSignalSpy done(d, &BatchDialog::batchFinished);
    d->start();
    d->reject();  // Esc while running: cancels, closes when the images in flight are written
    QVERIFY(d->isVisible());
    QVERIFY(done.wait(30000));
    QTRY_VERIFY(!d->isVisible());
    QVERIFY(listFiles(root() / "out").size() < 20);
    // Destroying a dialog with a running batch waits for it (no crash, no temp files).
    d->start();
    delete d;
    QVERIFY(hiddenFiles(root() / "out").empty());
}

// "Watch folder": what is there, then new images as they arrive (in a new
// sub-folder too), until Stop; the button says Stop, the status says Watching,
// and stopping is not a cancellation (nothing was left unprocessed).
void TestBatchDialog::watchFolderRunsUntilStop() {
    writeImage(root() / "in" / "a.npy", 6, 6, 3, 1);
    BatchDialog d(bilinearX2(), std::nullopt);
    d.setInputs({q(root() / "in")});
    d.setOutputFolder(q(root() / "out"));
    d.setOpenFolderWhenDone(false);
    d.setWatch(true);
    d.setWatchSettleMs(150);
    d.show();
    QSignalSpy waiting(&d, &BatchDialog::watching);
    QSignalSpy done(&d, &BatchDialog::batchFinished);
    d.start();
    QVERIFY(d.isRunning());
    auto* stop = d.findChild<QPushButton*>("cancelButton");
    QCOMPARE(stop->text(), QString("Stop"));
    QTRY_VERIFY_WITH_TIMEOUT(fs::exists(root() / "out" / "a.npy"), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(waiting.count() >= 1, 20000);
    writeImage(root() / "in" / "sub" / "b.npy", 5, 4, 1, 2);
    QTRY_VERIFY_WITH_TIMEOUT(fs::exists(root() / "out" / "sub" / "b.npy"), 20000);
    // Waiting again after b's round, with the counts of the whole watch.
    QTRY_VERIFY_WITH_TIMEOUT(d.statusText().startsWith("Watching for new images") && d.statusText().contains("2 done"),
                             20000);
    QVERIFY(d.isRunning());
    QTest::mouseClick(stop, Qt::LeftButton);
    QVERIFY(done.wait(30000));
    QCOMPARE(done.first().first().toBool(), false);
    QCOMPARE(d.lastSummary()->counts.done, size_t(2));
    QVERIFY2(d.statusText().startsWith("Stopped watching. Batch: 2 done"), qPrintable(d.statusText()));
    QCOMPARE(stop->text(), QString("Cancel batch"));
    QCOMPARE(listFiles(root() / "out"), (std::vector<std::string>{"a.npy", "sub/b.npy"}));
    QVERIFY(hiddenFiles(root() / "out").empty());

    // A watch needs a folder to watch.
    BatchDialog files(bilinearX2(), std::nullopt);
    files.setInputs({q(root() / "in" / "a.npy")});
    files.setOutputFolder(q(root() / "out2"));
    files.setWatch(true);
    files.start();
    QVERIFY(!files.isRunning());
    QVERIFY2(files.statusText().contains("folder"), qPrintable(files.statusText()));
}

// "Evaluate" with three kernels: a ranking table (best mean PSNR first, the
// numbers of the summary's own results) and a bar chart on the same scale.
void TestBatchDialog::evaluateShowsRankingTableAndChart() {
    for (int i = 0; i < 3; ++i)
        writeImage(root() / "in" / ("e" + std::to_string(i) + ".npy"), 16 + 2 * i, 18, 3, unsigned(20 + i));
    BatchDialog d(bilinearX2(), std::nullopt);
    d.setInputs({q(root() / "in")});
    d.setOutputFolder(q(root() / "out"));
    d.setOpenFolderWhenDone(false);
    d.setJobs(2);
    d.setEvaluate(true);
    d.setCompareKernels("box, bilinear, gaussian");
    d.show();
    QSignalSpy done(&d, &BatchDialog::batchFinished);
    d.start();
    QVERIFY(done.wait(60000));
    QVERIFY2(d.failures().isEmpty(), qPrintable(d.failures().join('\n')));
    const auto& rows = d.lastRanking();
    QCOMPARE(rows.size(), size_t(3));
    QCOMPARE(listFiles(root() / "out").size(), size_t(9));  // 3 images x 3 kernels, one folder each
    // The table shows the ranking, best first; each mean is the mean of that kernel's results.
    auto* table = d.findChild<QTableWidget*>("rankingTable");
    QVERIFY(table && table->isVisible());
    QCOMPARE(table->rowCount(), 3);
    for (int i = 0; i < 3; ++i) {
        const auto& r = rows[size_t(i)];
        QCOMPARE(r.images, size_t(3));
        if (i > 0) QVERIFY(rows[size_t(i - 1)].meanPsnr >= r.meanPsnr);
        // Independently: the written result (raw float32) against the input, PSNR by its definition.
        double sum = 0;
        for (int e = 0; e < 3; ++e) {
            const std::string file = "e" + std::to_string(e) + ".npy";
            const Tensor got = loadImage((root() / "out" / r.folder / file).string()).tensor;
            const Tensor orig = loadImage((root() / "in" / file).string()).tensor;
            QCOMPARE(got.shape(), orig.shape());
            double se = 0;
            for (int64_t j = 0; j < got.size(); ++j) {
                const double diff = std::clamp(double(got.data()[j]), 0.0, 1.0) - double(orig.data()[j]);
                se += diff * diff;
            }
            sum += 10 * std::log10(double(got.size()) / se);
        }
        QVERIFY2(std::abs(sum / 3 - r.meanPsnr) < 1e-9 * r.meanPsnr, r.folder.c_str());
        QCOMPARE(table->item(i, 1)->text(), QString::fromStdString(r.parameters));
        QCOMPARE(table->item(i, 3)->text(), QString::number(r.meanPsnr, 'f', 2));
        QCOMPARE(table->item(i, 5)->text(), QString::number(r.worstPsnr, 'f', 2));
        QVERIFY(r.worstPsnr <= r.meanPsnr);
    }
    // The chart: one bar per row on one scale, the best one full length.
    auto* chart = d.findChild<tconv::ui::BatchRankingChart*>("rankingChart");
    QVERIFY(chart && chart->isVisible());
    QCOMPARE(chart->ranking().size(), size_t(3));
    QCOMPARE(chart->barFraction(0), 1.0);
    QVERIFY(chart->barFraction(1) <= chart->barFraction(0) && chart->barFraction(2) <= chart->barFraction(1));
    QVERIFY(chart->barFraction(2) > 0);
    QVERIFY(chart->scaleMin() < rows.back().worstPsnr);
    QVERIFY(!chart->grab().isNull());  // paints without a crash

    // Bad requests are hints, nothing runs: a missing reference folder, a list with the custom kernel.
    d.setReferenceFolder(q(root() / "nope"));
    d.start();
    QVERIFY(!d.isRunning());
    QVERIFY2(d.statusText().contains("does not exist"), qPrintable(d.statusText()));
    ConvSettings custom = bilinearX2();
    custom.kernel = "custom";
    BatchDialog k(custom, Kernel2D(2, 2, 1.0f));
    k.setInputs({q(root() / "in")});
    k.setOutputFolder(q(root() / "out3"));
    k.setEvaluate(true);
    k.setCompareKernels("box");
    k.start();
    QVERIFY(!k.isRunning());
    QVERIFY2(k.statusText().contains("hand-edited"), qPrintable(k.statusText()));
}

QTEST_MAIN(TestBatchDialog)
#include "test_batch_dialog.moc"
