// SPDX-License-Identifier: MIT
// The batch building blocks without the CLI: input expansion (tree mirroring,
// filters, globs), sweeps, planning (skip / overwrite / never an input),
// progress and report formatting. The runner itself: test_batch_runner.cpp.
#include <QtTest>

#include "batch/BatchTestUtil.h"
#include "common/TestPrinters.h"
#include "common/BatchInputs.h"
#include "common/BatchPlan.h"
#include "common/BatchProgress.h"
#include "common/BatchReport.h"
#include "common/BatchSettle.h"
#include "common/BatchSweep.h"
#include "common/TempFileName.h"
#include "core/ConvError.h"

using namespace tconv;
using namespace tconv::app;
using namespace tconv::batchtest;

namespace {

std::vector<std::string> relatives(const std::vector<BatchInput>& in) {
    std::vector<std::string> out;
    for (const BatchInput& i : in) out.push_back(i.relative.generic_string());
    return out;
}

std::vector<SweepAxis> axes(std::initializer_list<SweepAxis> a) { return a; }

}  // namespace

class TestBatchUnits : public QObject {
    Q_OBJECT
private slots:
    void init();
    void inputsMirrorTree();
    void inputsIncludeExclude();
    void inputsGlobsAndNamedFiles();
    void inputsSkipOutputFolderInsideInput();
    void inputsRefuseMissing();
    void sweepSplit();
    void sweepProductOrderAndFolders();
    void sweepBadValues();
    void folderNames();
    void planPaths();
    void planSkipAndOverwrite();
    void planNeverOverwritesAnInput();
    void planCollisions();
    void progressFormatting();
    void progressOutput();
    void reportFormats();
    void partialFileNames_data();
    void partialFileNames();
    void settleWaitsForAQuietPeriod();

private:
    std::unique_ptr<QTemporaryDir> tmp_;
    fs::path root() const { return fs::path(tmp_->path().toStdString()); }
};

void TestBatchUnits::init() {
    tmp_ = std::make_unique<QTemporaryDir>();
    QVERIFY(tmp_->isValid());
}

void TestBatchUnits::inputsMirrorTree() {
    const fs::path in = root() / "in";
    writeImage(in / "a.npy", 4, 4, 1, 1);
    writeImage(in / "sub" / "b.npy", 4, 4, 1, 2);
    writeImage(in / "sub" / "deeper" / "c.npy", 4, 4, 1, 3);
    writeImage(in / ".hidden.npy", 4, 4, 1, 4);     // e.g. a temporary file of an interrupted run
    writeImage(in / ".git" / "x.npy", 4, 4, 1, 5);  // hidden folders are not walked
    writeText(in / "notes.txt", "not an image");    // unsupported extension in a folder: ignored

    InputOptions o;
    o.inputs = {in.string()};
    QCOMPARE(relatives(expandInputs(o)), std::vector<std::string>({"a.npy"}));
    o.recursive = true;
    const auto all = expandInputs(o);
    QCOMPARE(relatives(all), std::vector<std::string>({"a.npy", "sub/b.npy", "sub/deeper/c.npy"}));
    QCOMPARE(all[2].source, in / "sub" / "deeper" / "c.npy");
}

void TestBatchUnits::inputsIncludeExclude() {
    const fs::path in = root() / "in";
    writeImage(in / "a.npy", 4, 4, 1, 1);
    writeImage(in / "b.npy", 4, 4, 1, 2);
    writeImage(in / "raw" / "a.npy", 4, 4, 1, 3);
    writeImage(in / "raw" / "c.npy", 4, 4, 1, 4);
    InputOptions o;
    o.inputs = {in.string()};
    o.recursive = true;
    o.include = {"a*"};  // no '/': the file name
    QCOMPARE(relatives(expandInputs(o)), std::vector<std::string>({"a.npy", "raw/a.npy"}));
    o.include.clear();
    o.exclude = {"raw/*"};  // with '/': the relative path
    QCOMPARE(relatives(expandInputs(o)), std::vector<std::string>({"a.npy", "b.npy"}));
    o.exclude = {"b.npy", "c*"};
    QCOMPARE(relatives(expandInputs(o)), std::vector<std::string>({"a.npy", "raw/a.npy"}));
    QVERIFY(matchesPattern("*.png", fs::path("x/y.png")));
    QVERIFY(!matchesPattern("x/*.jpg", fs::path("x/y.png")));
}

void TestBatchUnits::inputsGlobsAndNamedFiles() {
    const fs::path in = root() / "in";
    writeImage(in / "s1" / "a.npy", 4, 4, 1, 1);
    writeImage(in / "s2" / "a.npy", 4, 4, 1, 2);
    writeImage(in / "s2" / "b.npy", 4, 4, 1, 3);
    writeText(in / "odd.dat", "x");

    InputOptions o;
    o.inputs = {(in / "*" / "a.npy").string()};  // mirrored below the wildcard-free prefix
    QCOMPARE(relatives(expandInputs(o)), std::vector<std::string>({"s1/a.npy", "s2/a.npy"}));
    o.inputs = {(in / "s2" / "*.npy").string()};
    QCOMPARE(relatives(expandInputs(o)), std::vector<std::string>({"a.npy", "b.npy"}));
    o.inputs = {(in / "s*").string()};  // a glob matching folders expands them, keeping their names
    QCOMPARE(relatives(expandInputs(o)), std::vector<std::string>({"s1/a.npy", "s2/a.npy", "s2/b.npy"}));

    // A named file is taken whatever its extension (it fails later, reported),
    // and the same file reached twice is kept once.
    o.inputs = {(in / "odd.dat").string(), (in / "s2" / "b.npy").string(), (in / "s2").string()};
    QCOMPARE(relatives(expandInputs(o)), std::vector<std::string>({"a.npy", "b.npy", "odd.dat"}));
}

void TestBatchUnits::inputsSkipOutputFolderInsideInput() {
    const fs::path in = root() / "in";
    writeImage(in / "a.npy", 4, 4, 1, 1);
    writeImage(in / "up" / "a.npy", 4, 4, 1, 2);  // the output of an earlier run
    InputOptions o;
    o.inputs = {in.string()};
    o.recursive = true;
    o.outputDir = in / "up";
    QCOMPARE(relatives(expandInputs(o)), std::vector<std::string>({"a.npy"}));
}

void TestBatchUnits::inputsRefuseMissing() {
    InputOptions o;
    o.inputs = {(root() / "nope.png").string()};
    QVERIFY_THROWS_EXCEPTION(ParameterError, expandInputs(o));
    o.inputs = {(root() / "*.nothing").string()};
    QVERIFY_THROWS_EXCEPTION(ParameterError, expandInputs(o));
}

void TestBatchUnits::sweepSplit() {
    QCOMPARE(splitSweepList("--stride", "2, 3"), std::vector<std::string>({"2", "3"}));
    QCOMPARE(splitSweepList("--stride", "3x2"), std::vector<std::string>({"3x2"}));
    QVERIFY_THROWS_EXCEPTION(ParameterError, splitSweepList("--stride", "2,,3"));
    QVERIFY_THROWS_EXCEPTION(ParameterError, splitSweepList("--stride", ""));
    QVERIFY_THROWS_EXCEPTION(ParameterError, splitSweepList("--stride", "2,"));
    QVERIFY(isSweepableOption("--kernel"));
    QVERIFY(!isSweepableOption("--bias"));  // its comma list is one value per channel
}

void TestBatchUnits::sweepProductOrderAndFolders() {
    ConvSettings base;
    base.padding = Size2(1);
    const auto combos = expandSweep(base, axes({{"--stride", {"2", "3"}}, {"--kernel", {"bilinear", "box"}}}));
    QCOMPARE(combos.size(), size_t(4));
    // The last axis varies fastest.
    QCOMPARE(combos[0].folder, std::string("k4_s2_p1_bilinear"));
    QCOMPARE(combos[1].folder, std::string("k2_s2_p1_box"));
    QCOMPARE(combos[2].folder, std::string("k6_s3_p1_bilinear"));
    QCOMPARE(combos[3].folder, std::string("k3_s3_p1_box"));
    QCOMPARE(combos[3].settings.stride, Size2(3));
    QCOMPARE(combos[3].settings.kernel.text(), std::string("box"));
    QCOMPARE(combos[3].settings.padding, Size2(1));  // the base is kept
    QVERIFY(combos[0].description.find("s=2 p=1") != std::string::npos);

    // One combination: no sub-folder.
    const auto single = expandSweep(base, axes({{"--stride", {"2"}}}));
    QCOMPARE(single.size(), size_t(1));
    QVERIFY(single[0].folder.empty());
    QVERIFY(expandSweep(base, {})[0].folder.empty());
}

void TestBatchUnits::sweepBadValues() {
    ConvSettings base;
    QVERIFY_THROWS_EXCEPTION(ParameterError, expandSweep(base, axes({{"--stride", {"2", "x"}}})));
    QVERIFY_THROWS_EXCEPTION(ParameterError, expandSweep(base, axes({{"--method", {"transposed", "magic"}}})));
    std::vector<std::string> eleven;
    for (int i = 1; i <= 11; ++i) eleven.push_back(std::to_string(i));
    QVERIFY_THROWS_EXCEPTION(
        ParameterError, expandSweep(base, axes({{"--stride", eleven}, {"--padding", eleven}, {"--seed", eleven}})));
}

void TestBatchUnits::folderNames() {
    ConvSettings s;
    s.stride = Size2(2);
    s.padding = Size2(1);
    QCOMPARE(settingsFolderName(s), std::string("k4_s2_p1_bilinear"));
    s.kernel = "gaussian";
    s.sigma = 1.5;
    QCOMPARE(settingsFolderName(s), std::string("k5_s2_p1_gaussian_sigma1.5"));
    s.kernel = "box";
    s.kernelSize = Size2(3, 2);
    s.outputPadding = Size2(1, 0);
    s.dilation = Size2(2);
    QCOMPARE(settingsFolderName(s), std::string("k3x2_s2_p1_op1x0_d2_box"));
    ConvSettings r;
    r.method = app::ConvMethod::ResizeConv;
    r.resize = ResizeMode::Bilinear;
    QCOMPARE(settingsFolderName(r), std::string("k4_s2_p0_bilinear_resize-conv-bilinear"));
    // A swept option always shows, even where it has no effect.
    ConvSettings b;
    QCOMPARE(settingsFolderName(b, {"--sigma"}), std::string("k4_s2_p0_bilinear_sigma1"));
    ConvSettings f;
    f.kernel = "/some/where/my kernel,v2.npy";
    QCOMPARE(settingsFolderName(f), std::string("s2_p0_my-kernel-v2"));
    QCOMPARE(settingsFolderName(b, {}, Kernel2D(3, 3, 1.0f)), std::string("k3_s2_p0_custom"));
}

void TestBatchUnits::planPaths() {
    SweepCombination c;
    c.folder = "k4_s2_p1_bilinear";
    PlanOptions o;
    o.outputDir = "out";
    const BatchInput in{"src/sub/photo.JPG", "sub/photo.JPG"};
    QCOMPARE(plannedOutputPath(in, c, o), fs::path("out/k4_s2_p1_bilinear/sub/photo.JPG"));
    o.suffix = "_x2";
    o.format = OutputFormat::Npy;
    QCOMPARE(plannedOutputPath(in, c, o), fs::path("out/k4_s2_p1_bilinear/sub/photo_x2.npy"));
    c.folder.clear();
    o.format = OutputFormat::Png;
    QCOMPARE(plannedOutputPath(in, c, o), fs::path("out/sub/photo_x2.png"));
    o.format = OutputFormat::Keep;
    o.suffix.clear();
    // An extension we read but do not write becomes .png.
    QCOMPARE(plannedOutputPath(BatchInput{"a.pgm", "a.pgm"}, c, o), fs::path("out/a.png"));
    QCOMPARE(plannedOutputPath(BatchInput{"a.npy", "a.npy"}, c, o), fs::path("out/a.npy"));
    QVERIFY(parseOutputFormat("tif") == OutputFormat::Tif);
    QVERIFY(!parseOutputFormat("gif"));
}

void TestBatchUnits::planSkipAndOverwrite() {
    const fs::path in = root() / "in", out = root() / "out";
    writeImage(in / "a.npy", 4, 4, 1, 1);
    writeImage(in / "b.npy", 4, 4, 1, 2);
    writeImage(out / "a.npy", 4, 4, 1, 3);
    InputOptions io;
    io.inputs = {in.string()};
    PlanOptions o;
    o.outputDir = out;
    BatchPlan p = makeBatchPlan(expandInputs(io), expandSweep({}, {}), o);
    QCOMPARE(p.items.size(), size_t(2));
    QCOMPARE(p.items[0].action, PlanAction::Skip);
    QCOMPARE(p.items[1].action, PlanAction::Process);
    QCOMPARE(p.count(PlanAction::Skip), size_t(1));
    o.overwrite = true;
    p = makeBatchPlan(expandInputs(io), expandSweep({}, {}), o);
    QCOMPARE(p.count(PlanAction::Process), size_t(2));
}

void TestBatchUnits::planNeverOverwritesAnInput() {
    const fs::path in = root() / "in";
    writeImage(in / "a.npy", 4, 4, 1, 1);
    InputOptions io;
    io.inputs = {in.string()};
    PlanOptions o;
    o.outputDir = in;  // the outputs would land on the inputs
    o.overwrite = true;
    BatchPlan p = makeBatchPlan(expandInputs(io), expandSweep({}, {}), o);
    QCOMPARE(p.items[0].action, PlanAction::Fail);
    QVERIFY(p.items[0].reason.find("overwrite an input") != std::string::npos);
    o.outputDir = root() / "." / "in" / ".." / "in";  // the same folder spelled differently
    p = makeBatchPlan(expandInputs(io), expandSweep({}, {}), o);
    QCOMPARE(p.items[0].action, PlanAction::Fail);
    o.suffix = "_up";  // beside the input is fine
    p = makeBatchPlan(expandInputs(io), expandSweep({}, {}), o);
    QCOMPARE(p.items[0].action, PlanAction::Process);
    QCOMPARE(p.items[0].output.lexically_normal(), in / "a_up.npy");
}

void TestBatchUnits::planCollisions() {
    const fs::path in = root() / "in";
    writeImage(in / "a.npy", 4, 4, 1, 1);
    writeText(in / "a.dat", "x");
    InputOptions io;
    io.inputs = {(in / "a.npy").string(), (in / "a.dat").string()};
    PlanOptions o;
    o.outputDir = root() / "out";
    o.format = OutputFormat::Npy;
    const BatchPlan p = makeBatchPlan(expandInputs(io), expandSweep({}, {}), o);
    QCOMPARE(p.items.size(), size_t(2));
    QCOMPARE(p.items[0].action, PlanAction::Process);  // a.dat sorts first and claims out/a.npy
    QCOMPARE(p.items[1].action, PlanAction::Fail);
    QVERIFY(p.items[1].reason.find("same output path") != std::string::npos);
}

void TestBatchUnits::progressFormatting() {
    QCOMPARE(BatchProgress::formatDuration(7), std::string("0:07"));
    QCOMPARE(BatchProgress::formatDuration(754), std::string("12:34"));
    QCOMPARE(BatchProgress::formatDuration(3723), std::string("1:02:03"));
    QCOMPARE(BatchProgress::formatDuration(-1), std::string("--:--"));
    BatchCounts c;
    c.toProcess = 200;
    c.done = 40;
    c.failed = 2;
    // 42 finished in 14 s: 3 images/s, 158 left: 52.7 s.
    QCOMPARE(BatchProgress::formatBar(c, 14.0, 20),
             std::string("[####----------------]  42/200  3.0 img/s  ETA 0:53  2 failed"));
    QCOMPARE(BatchProgress::formatLine(c, 14.0), std::string("batch: 42/200 (21%), 3.00 images/s, ETA 0:53, 2 failed"));
    BatchCounts none;
    none.toProcess = 5;
    QCOMPARE(BatchProgress::formatLine(none, 0.0), std::string("batch: 0/5 (0%), 0.00 images/s, ETA --:--"));
}

void TestBatchUnits::progressOutput() {
    BatchCounts c;
    c.toProcess = 3;
    c.done = 1;
    auto capture = [&](bool quiet, bool tty) {
        std::FILE* f = std::tmpfile();
        {
            BatchProgress p(f, quiet, tty, 0.0);  // interval 0: a line per update
            p.update(c);
            p.finish(c);
        }
        std::string text;
        std::rewind(f);
        for (int ch; (ch = std::fgetc(f)) != EOF;) text += static_cast<char>(ch);
        std::fclose(f);
        return text;
    };
    QCOMPARE(capture(true, true), std::string());
    const std::string plain = capture(false, false);
    QVERIFY(plain.find('\r') == std::string::npos);
    QCOMPARE(std::count(plain.begin(), plain.end(), '\n'), 2L);
    QVERIFY(plain.rfind("batch: 1/3 (33%)", 0) == 0);
    const std::string bar = capture(false, true);
    QVERIFY(bar.rfind("\r[", 0) == 0);
    QVERIFY(bar.find("1/3") != std::string::npos);
    QCOMPARE(bar.back(), '\n');
}

void TestBatchUnits::reportFormats() {
    BatchPlan plan;
    SweepCombination c;
    c.description = "k=4 s=2 p=1";
    plan.combinations = {c};
    plan.items = {BatchItem{"in/a\"b.png", "out/a\"b.png", 0, PlanAction::Process, {}, false, {}},
                  BatchItem{"in/c,d.png", "out/c,d.png", 0, PlanAction::Process, {}, false, {}}};
    BatchSummary s;
    ItemResult ok;
    ok.item = 0;
    ok.status = ItemStatus::Done;
    ok.inputShape = Shape4{1, 3, 10, 20};
    ok.outputShape = Shape4{1, 3, 20, 40};
    ok.cv = 0;
    ok.ratio = std::numeric_limits<double>::infinity();
    ok.seconds = 0.5;
    ItemResult bad;
    bad.item = 1;
    bad.status = ItemStatus::Failed;
    bad.error = "cannot read: \"broken\"\nline two";
    s.results = {ok, bad};
    s.counts.toProcess = 2;
    s.counts.done = 1;
    s.counts.failed = 1;
    s.seconds = 2.0;
    s.backend = "cpu";

    const std::string csv = batchReportCsv(plan, s);
    QCOMPARE(
        csv,
        std::string(
            "input,output,status,error,parameters,input_width,input_height,channels,output_width,"
            "output_height,cv,ratio,seconds\n"
            "\"in/a\"\"b.png\",\"out/a\"\"b.png\",done,,k=4 s=2 p=1,20,10,3,40,20,0,inf,0.5\n"
            "\"in/c,d.png\",\"out/c,d.png\",failed,\"cannot read: \"\"broken\"\"\nline two\",k=4 s=2 p=1,,,,,,,,0\n"));
    const std::string json = batchReportJson(plan, s);
    QVERIFY(json.find("\"summary\": {\"done\": 1, \"skipped\": 0, \"failed\": 1, \"cancelled\": 0, \"seconds\": 2, "
                      "\"images_per_second\": 1, \"backend\": \"cpu\"}") != std::string::npos);
    QVERIFY(json.find("{\"input\": \"in/a\\\"b.png\", \"output\": \"out/a\\\"b.png\", \"status\": \"done\", "
                      "\"error\": \"\", \"parameters\": \"k=4 s=2 p=1\", \"input_size\": [10, 20, 3], "
                      "\"output_size\": [20, 40, 3], \"cv\": 0, \"ratio\": null, \"seconds\": 0.5}") !=
            std::string::npos);
    QVERIFY(json.find("\"error\": \"cannot read: \\\"broken\\\"\\nline two\"") != std::string::npos);
    QVERIFY(json.find("\"input_size\": null") != std::string::npos);
    QCOMPARE(batchSummaryLine(s), std::string("batch: 1 done, 0 skipped, 1 failed in 2.00 s (1.00 images/s)"));

    const fs::path path = root() / "r.json";
    writeBatchReport(path.string(), plan, s);
    std::ifstream f(path);
    QCOMPARE(std::string(std::istreambuf_iterator<char>(f), {}), json);
    QVERIFY_THROWS_EXCEPTION(ParameterError, writeBatchReport((root() / "r.txt").string(), plan, s));
    QVERIFY(hiddenFiles(root()).empty());
}

void TestBatchUnits::partialFileNames_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("partial");
    QTest::newRow("image") << "shot.png" << false;
    QTest::newRow("dots inside") << "my.part.1.jpg" << false;
    QTest::newRow("firefox") << "shot.png.part" << true;
    QTest::newRow("chrome") << "shot.png.crdownload" << true;
    QTest::newRow("upper case") << "SHOT.PNG.CRDOWNLOAD" << true;
    QTest::newRow("safari") << "shot.png.download" << true;
    QTest::newRow("wget/aria") << "shot.png.partial" << true;
    QTest::newRow("tmp") << "shot.png.tmp" << true;
    QTest::newRow("temp") << "shot.temp" << true;
    QTest::newRow("vim swap") << "shot.png.swp" << true;
    QTest::newRow("backup") << "shot.png~" << true;
    QTest::newRow("hidden") << ".shot.png" << true;
    QTest::newRow("ours") << QString::fromStdString(tempFileName("shot.png", 1234, 0xabcdef01u)) << true;
    QTest::newRow("in a folder") << "dir.part/shot.png" << false;
}

void TestBatchUnits::partialFileNames() {
    QFETCH(QString, name);
    QFETCH(bool, partial);
    QCOMPARE(isPartialFileName(fs::path(name.toStdString())), partial);
}

// A file counts once its stamp (size, mtime) stayed the same for the quiet
// period; growing files, touched files and vanished files are handled. The
// clock and stat() are fakes, so this is exact and instant.
void TestBatchUnits::settleWaitsForAQuietPeriod() {
    using namespace std::chrono_literals;
    std::map<fs::path, FileStamp> disk;
    SettleTracker t(1000ms, [&](const fs::path& p) -> std::optional<FileStamp> {
        const auto it = disk.find(p);
        return it == disk.end() ? std::nullopt : std::optional<FileStamp>(it->second);
    });
    const SettleTracker::Clock::time_point t0{};
    disk["a"] = {10, 1};
    disk["b"] = {5, 1};
    t.touch("a", t0);
    t.touch("b", t0);
    QCOMPARE(t.size(), size_t(2));
    QVERIFY(t.takeSettled(t0 + 999ms).empty());
    disk["b"] = {7, 2};  // b grows
    QCOMPARE(t.takeSettled(t0 + 1000ms), std::vector<fs::path>{"a"});
    QCOMPARE(t.size(), size_t(1));
    // b's period restarted when the growth was seen (at 1000 ms).
    QVERIFY(t.takeSettled(t0 + 1999ms).empty());
    disk["b"] = {9, 3};  // and again: a slow writer
    QVERIFY(t.takeSettled(t0 + 2500ms).empty());
    QVERIFY(t.takeSettled(t0 + 3499ms).empty());
    QCOMPARE(t.takeSettled(t0 + 3500ms), std::vector<fs::path>{"b"});
    QVERIFY(t.empty());
    // A touch (an inotify event) restarts the period even when the stamp is the same.
    t.touch("a", t0 + 4000ms);
    t.touch("a", t0 + 4800ms);
    QVERIFY(t.takeSettled(t0 + 5000ms).empty());
    QCOMPARE(t.takeSettled(t0 + 5800ms), std::vector<fs::path>{"a"});
    // A file deleted (or renamed away) before it settled is dropped, never returned.
    disk["c"] = {1, 1};
    t.touch("c", t0);
    disk.erase("c");
    QVERIFY(t.takeSettled(t0 + 10s).empty());
    QVERIFY(t.empty());
    // Several settle at once, in path order.
    disk["z"] = {1, 1};
    disk["m"] = {1, 1};
    t.touch("z", t0);
    t.touch("m", t0);
    QCOMPARE(t.takeSettled(t0 + 1s), (std::vector<fs::path>{"m", "z"}));
    // The real stat: a regular file has a stamp, a folder and a missing file none.
    writeText(root() / "f.png", "12345");
    QCOMPARE(statFile(root() / "f.png")->size, std::uintmax_t(5));
    QVERIFY(!statFile(root()));
    QVERIFY(!statFile(root() / "missing.png"));
}

QTEST_GUILESS_MAIN(TestBatchUnits)
#include "test_batch_units.moc"
