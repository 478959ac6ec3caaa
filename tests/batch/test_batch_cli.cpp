// SPDX-License-Identifier: MIT
// `tconv batch` as users run it (the real binary, TCONV_EXE): tree mirroring,
// sweeps, skip / overwrite / resume, bad files in the middle, exit codes,
// reports, dry runs, never overwriting an input, no partial files after a
// failure or Ctrl-C.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include "common/ProcessResult.h"

#include <csignal>

#include "batch/BatchTestUtil.h"
#include "common/TempFileName.h"
#include "common/TestPrinters.h"

using namespace tconv;
using namespace tconv::app;
using namespace tconv::batchtest;

namespace {

using Run = ProcessResult;

Run runTconv(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(TCONV_EXE, QStringList{"batch"} + args);
    return finishProcess(p);
}

QString q(const fs::path& p) { return QString::fromStdString(p.string()); }

std::string readText(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

// The images used by the tests: real images when OpenCV is there, else .npy.
#if defined(TCONV_HAVE_OPENCV)
const char* const kExt = ".png";
const char* const kAltExt = ".jpg";
#else
const char* const kExt = ".npy";
const char* const kAltExt = ".npy";
#endif

std::string name(const char* stem, const char* ext = kExt) { return std::string(stem) + ext; }

}  // namespace

class TestBatchCli : public QObject {
    Q_OBJECT
private slots:
    void init();
    void treeMirroring();
    void evaluateRanksStablyAcrossJobs();
    void sweepsIntoFolders();
    void skipOverwriteResume();
    void badFilesInTheMiddle();
    void usageErrors_data();
    void usageErrors();
    void reportContents();
    void dryRunWritesNothing();
    void neverOverwritesAnInput();
    void failedWritesLeaveNoPartialFiles();
    void interruptStopsCleanlyAndResumes();
    void rerunsNeverNest_data();
    void rerunsNeverNest();
    void rerunBesideInputsDoesNotReprocessOutputs();
    void doubleDashEndsOptions();
    void referenceFolderPerImageErrors();
    void watchUntilInterrupted();
    void watchOutputInsideInputAndSigterm();

private:
    void makeTree();
    std::unique_ptr<QTemporaryDir> tmp_;
    fs::path root() const { return fs::path(tmp_->path().toStdString()); }
    fs::path in() const { return root() / "in"; }
    fs::path out() const { return root() / "out"; }
};

void TestBatchCli::init() {
    tmp_ = std::make_unique<QTemporaryDir>();
    QVERIFY(tmp_->isValid());
}

void TestBatchCli::makeTree() {
    writeImage(in() / name("a"), 10, 12, 3, 1);
    writeImage(in() / "sub" / name("b", kAltExt), 8, 8, 1, 2);
    writeImage(in() / "sub" / "deep" / name("c"), 6, 5, 4, 3, 16);
}

void TestBatchCli::treeMirroring() {
    makeTree();
    Run r = runTconv({q(in()), "-o", q(out()), "--backend", "cpu"});
    QCOMPARE(r.code, 0);
    QCOMPARE(listFiles(out()), std::vector<std::string>({name("a")}));  // not recursive: the top level only
    r = runTconv({q(in()), "-o", q(out()), "-r", "--padding", "1", "--backend", "cpu"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QCOMPARE(listFiles(out()), sorted({name("a"), "sub/" + name("b", kAltExt), "sub/deep/" + name("c")}));
    QVERIFY2(r.out.contains("batch: 2 done, 1 skipped, 0 failed"), qPrintable(r.out));
    const LoadedImage c = loadImage((out() / "sub" / "deep" / name("c")).string());
    QCOMPARE(c.tensor.shape(), (Shape4{1, 4, 12, 10}));  // k4 s2 p1 doubles; alpha kept
#if defined(TCONV_HAVE_OPENCV)
    QCOMPARE(c.bitDepth, 16);
#endif
    // --format and --suffix, with --include.
    r = runTconv({q(in()), "-o", q(root() / "npy"), "-r", "--format", "npy", "--suffix", "_x2", "--include", "c*"});
    QCOMPARE(r.code, 0);
    QCOMPARE(listFiles(root() / "npy"), std::vector<std::string>({"sub/deep/c_x2.npy"}));
}

void TestBatchCli::sweepsIntoFolders() {
    writeImage(in() / name("a"), 10, 12, 3, 1);
    writeImage(in() / name("b"), 7, 7, 1, 2);
    const Run r =
        runTconv({q(in()), "-o", q(out()), "--stride", "2,3", "--kernel", "bilinear,box", "--padding=1", "-q"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.isEmpty());  // --quiet
    std::vector<std::string> expected;
    for (const char* folder : {"k4_s2_p1_bilinear", "k2_s2_p1_box", "k6_s3_p1_bilinear", "k3_s3_p1_box"})
        for (const char* f : {"a", "b"}) expected.push_back(std::string(folder) + "/" + name(f));
    QCOMPARE(listFiles(out()), sorted(expected));
    // s3 k6 p1 on 10x12: (10-1)*3 - 2 + 6 = 31, (12-1)*3 - 2 + 6 = 37.
    QCOMPARE(loadImage((out() / "k6_s3_p1_bilinear" / name("a")).string()).tensor.shape(), (Shape4{1, 3, 31, 37}));
    QCOMPARE(loadImage((out() / "k2_s2_p1_box" / name("b")).string()).tensor.shape(), (Shape4{1, 1, 12, 12}));
}

void TestBatchCli::skipOverwriteResume() {
    makeTree();
    Run r = runTconv({q(in()), "-o", q(out()), "-r", "--format", "npy"});
    QCOMPARE(r.code, 0);
    const auto before = fs::last_write_time(out() / "a.npy");
    // A file we make ourselves must survive a second run (skip is the default).
    writeText(out() / "sub" / "b.npy", "precious");
    r = runTconv({q(in()), "-o", q(out()), "-r", "--format", "npy", "--skip-existing"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("batch: 0 done, 3 skipped, 0 failed"), qPrintable(r.out));
    QCOMPARE(fs::last_write_time(out() / "a.npy"), before);
    QCOMPARE(fs::file_size(out() / "sub" / "b.npy"), uintmax_t(8));
    // Resume: a deleted output is the only one made again.
    fs::remove(out() / "a.npy");
    r = runTconv({q(in()), "-o", q(out()), "-r", "--format", "npy"});
    QVERIFY2(r.out.contains("batch: 1 done, 2 skipped, 0 failed"), qPrintable(r.out));
    r = runTconv({q(in()), "-o", q(out()), "-r", "--format", "npy", "--overwrite"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("batch: 3 done, 0 skipped, 0 failed"), qPrintable(r.out));
    QVERIFY(fs::file_size(out() / "sub" / "b.npy") > 100);
}

void TestBatchCli::badFilesInTheMiddle() {
    writeImage(in() / name("a"), 6, 6, 3, 1);
    writeText(in() / name("b"), "");                     // empty
    writeText(in() / name("c"), "not an image at all");  // corrupt
    writeImage(in() / name("d"), 6, 6, 3, 2);
    const Run r = runTconv({q(in()), "-o", q(out())});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("2 failed:"), qPrintable(r.err));
    QVERIFY(r.err.contains(QString::fromStdString(name("b"))));
    QVERIFY(r.err.contains(QString::fromStdString(name("c"))));
    QVERIFY2(r.out.contains("batch: 2 done, 0 skipped, 2 failed"), qPrintable(r.out));
    QCOMPARE(listFiles(out()), sorted({name("a"), name("d")}));
}

void TestBatchCli::usageErrors_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no input") << QStringList{"-o", "OUT"} << "no INPUT";
    QTest::newRow("no output") << QStringList{"IN"} << "no output folder";
    QTest::newRow("unknown option") << QStringList{"IN", "-o", "OUT", "--frobnicate"}
                                    << "unknown option '--frobnicate'";
    QTest::newRow("bad format") << QStringList{"IN", "-o", "OUT", "--format", "gif"} << "--format";
    QTest::newRow("bad sweep value") << QStringList{"IN", "-o", "OUT", "--stride", "2,zero"} << "--stride";
    QTest::newRow("empty sweep item") << QStringList{"IN", "-o", "OUT", "--padding", "1,,2"} << "--padding";
    QTest::newRow("invalid combination") << QStringList{"IN", "-o", "OUT", "--stride", "2,3", "--output-padding", "2"}
                                         << "settings k4_s2_p0_op2";
    QTest::newRow("bad kernel") << QStringList{"IN", "-o", "OUT", "--kernel", "bilinear,nosuch"} << "nosuch";
    QTest::newRow("jobs 0") << QStringList{"IN", "-o", "OUT", "--jobs", "0"} << "--jobs";
    QTest::newRow("bad report") << QStringList{"IN", "-o", "OUT", "--report", "r.txt"} << "--report";
    QTest::newRow("missing input") << QStringList{"NOPE", "-o", "OUT"} << "does not exist";
    QTest::newRow("output is a file") << QStringList{"IN", "-o", "IN/x"} << "not a folder";
    QTest::newRow("missing value") << QStringList{"IN", "-o"} << "needs a value";
    QTest::newRow("reference not a folder") << QStringList{"IN", "-o", "OUT", "--reference", "NOPE"} << "--reference";
    QTest::newRow("reference and degrade")
        << QStringList{"IN", "-o", "OUT", "--reference", "IN", "--degrade", "area"} << "--degrade";
    QTest::newRow("watch a shard") << QStringList{"--watch", "IN", "-o", "OUT", "--shard", "0/2"} << "--watch";
    QTest::newRow("watch no folder") << QStringList{"--watch", "IN/x", "-o", "OUT"} << "no INPUT is a folder";
    QTest::newRow("bad settle") << QStringList{"--watch", "IN", "-o", "OUT", "--settle", "0"} << "--settle";
}

void TestBatchCli::usageErrors() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    writeText(in() / "x", "not taken from the folder: no image extension");
    for (QString& a : args) {
        a.replace("IN", q(in()));
        a.replace("OUT", q(out()));
        a.replace("NOPE", q(root() / "nope"));
    }
    const Run r = runTconv(args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QCOMPARE(r.err.count('\n'), 1);  // one clear line
    QVERIFY(!fs::exists(out()));
}

void TestBatchCli::reportContents() {
    writeImage(in() / name("a"), 10, 12, 3, 1);
    writeText(in() / name("bad"), "garbage");
    const Run r = runTconv({q(in()), "-o", q(out()), "--padding", "1", "--report", q(root() / "r.csv")});
    QCOMPARE(r.code, 1);
    QFile f(q(root() / "r.csv"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], QString("input,output,status,error,parameters,input_width,input_height,channels,output_width,"
                               "output_height,cv,ratio,seconds"));
    const QStringList a = lines[1].split(',');
    QCOMPARE(a.size(), 13);
    QCOMPARE(a[0], q(in() / name("a")));
    QCOMPARE(a[1], q(out() / name("a")));
    QCOMPARE(a[2], QString("done"));
    QCOMPARE(a[4], QString("k=4 s=2 p=1 op=0 d=1 g=auto kernel=bilinear method=transposed"));
    QCOMPARE(a.mid(5, 5), QStringList({"12", "10", "3", "24", "20"}));
    QCOMPARE(a[10], QString("0"));  // bilinear k4 s2: no checkerboard
    QCOMPARE(a[11], QString("1"));
    QVERIFY(a[12].toDouble() > 0);
    QVERIFY(lines[2].contains(",failed,"));

    const Run j = runTconv({q(in()), "-o", q(out()), "--report", q(root() / "r.json"), "--overwrite"});
    QCOMPARE(j.code, 1);
    QFile jf(q(root() / "r.json"));
    QVERIFY(jf.open(QIODevice::ReadOnly));
    const QJsonObject doc = QJsonDocument::fromJson(jf.readAll()).object();
    QCOMPARE(doc["summary"].toObject()["done"].toInt(), 1);
    QCOMPARE(doc["summary"].toObject()["failed"].toInt(), 1);
    const QJsonArray items = doc["items"].toArray();
    QCOMPARE(items.size(), 2);
    QCOMPARE(items[0].toObject()["output_size"].toArray(), QJsonArray({22, 26, 3}));  // p0: 2n + 2
    QCOMPARE(items[1].toObject()["status"].toString(), QString("failed"));
    QVERIFY(!items[1].toObject()["error"].toString().isEmpty());
}

void TestBatchCli::dryRunWritesNothing() {
    makeTree();
    const Run r =
        runTconv({q(in()), "-o", q(out()), "-r", "--stride", "2,4", "--dry-run", "--report", q(root() / "r.csv")});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out.count("process "), 6);
    QVERIFY(r.out.contains("6 to process, 0 skipped"));
    QVERIFY(!fs::exists(out()));
    QVERIFY(!fs::exists(root() / "r.csv"));
}

void TestBatchCli::neverOverwritesAnInput() {
    writeImage(in() / name("a"), 6, 6, 3, 1);
    const auto size = fs::file_size(in() / name("a"));
    const auto time = fs::last_write_time(in() / name("a"));
    Run r = runTconv({q(in()), "-o", q(in()), "--overwrite"});
    QCOMPARE(r.code, 2);  // a usage error: nothing is written
    QVERIFY2(r.err.contains("overwrite an input"), qPrintable(r.err));
    QCOMPARE(fs::file_size(in() / name("a")), size);
    QCOMPARE(fs::last_write_time(in() / name("a")), time);
    r = runTconv({q(in()), "-o", q(in()), "--suffix", "_up"});  // beside the input is fine
    QCOMPARE(r.code, 0);
    QVERIFY(fs::exists(in() / (std::string("a_up") + kExt)));
}

void TestBatchCli::failedWritesLeaveNoPartialFiles() {
    makeTree();
    // Injected failures: the output folder "sub" is a plain file (creating it
    // fails), and the output a.* is a non-empty folder (the temporary file is
    // complete, then the rename fails). The batch reports both and goes on.
    writeText(out() / "sub", "in the way");
    fs::create_directories(out() / name("a") / "keep");
    writeImage(in() / name("z"), 5, 5, 3, 9);
    const Run r = runTconv({q(in()), "-o", q(out()), "-r", "--overwrite"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains("batch: 1 done, 0 skipped, 3 failed"), qPrintable(r.out + r.err));
    QVERIFY(hiddenFiles(out()).empty());
    QCOMPARE(listFiles(out()), sorted({"sub", name("z")}));
}

void TestBatchCli::interruptStopsCleanlyAndResumes() {
    const int total = 30;
    for (int i = 0; i < total; ++i) writeImage(in() / name(("img" + std::to_string(100 + i)).c_str()), 24, 24, 3, i);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("TCONV_BATCH_TEST_DELAY_MS", "100");  // test hook: every image takes 0.1 s or more
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(TCONV_EXE, {"batch", q(in()), "-o", q(out()), "--jobs", "1"});
    QVERIFY(p.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(listFiles(out()).size() >= 2, 30000);
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 1);  // interrupted = not all succeeded
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains("interrupted"), qPrintable(err));
    const auto written = listFiles(out());
    QVERIFY(written.size() >= 2 && written.size() < size_t(total));
    QVERIFY(hiddenFiles(out()).empty());
    for (const std::string& f : written) QCOMPARE(loadImage((out() / f).string()).tensor.shape().h, int64_t(50));

    const Run r = runTconv({q(in()), "-o", q(out()), "--jobs", "2"});
    QCOMPARE(r.code, 0);
    const QString expected =
        QString("batch: %1 done, %2 skipped, 0 failed").arg(total - written.size()).arg(written.size());
    QVERIFY2(r.out.contains(expected), qPrintable(r.out));
    QCOMPARE(listFiles(out()).size(), size_t(total));
}

namespace {

bool anyNested(const std::vector<std::string>& files, const std::string& part) {
    return std::any_of(files.begin(), files.end(),
                       [&](const std::string& f) { return f.find(part) != std::string::npos; });
}

}  // namespace

void TestBatchCli::rerunsNeverNest_data() {
    QTest::addColumn<QStringList>("args");  // relative to root(); "dir" holds the images
    QTest::newRow("glob, recursive, -o inside") << QStringList{"dir/*", "-r", "-o", "dir/out"};
    QTest::newRow("glob, -o inside") << QStringList{"dir/*", "-o", "dir/out"};
    QTest::newRow("folder, recursive, -o inside") << QStringList{"dir", "-r", "-o", "dir/out"};
    QTest::newRow("folder, recursive, -o inside, spelled differently")
        << QStringList{"./dir/", "-r", "-o", "dir/./out"};
    QTest::newRow("folder into itself, suffix") << QStringList{"dir", "-o", "dir", "--suffix", "_up"};
    QTest::newRow("recursive into itself, suffix") << QStringList{"dir", "-r", "-o", "dir", "--suffix", "_up"};
    QTest::newRow("glob into itself, suffix") << QStringList{"dir/*", "-o", "dir", "--suffix", "_up"};
    QTest::newRow("into itself, npy") << QStringList{"dir", "-r", "-o", "dir", "--format", "npy"};
    QTest::newRow("sweep into itself") << QStringList{"dir", "-r", "-o", "dir", "--stride", "2,3"};
}

// The same command three times: the second and third only skip (resume),
// and no output of a run is taken as an input of the next.
void TestBatchCli::rerunsNeverNest() {
    QFETCH(QStringList, args);
    writeImage(root() / "dir" / name("a"), 6, 6, 3, 1);
    writeImage(root() / "dir" / "sub" / name("b"), 5, 4, 1, 2);
    QProcess p;
    auto run = [&] {
        p.setWorkingDirectory(q(root()));
        p.start(TCONV_EXE, QStringList{"batch"} + args);
        return finishProcess(p);
    };
    const Run first = run();
    QVERIFY2(first.code == 0, qPrintable(first.out + first.err));
    const std::vector<std::string> afterFirst = listFiles(root() / "dir");
    for (int i = 0; i < 2; ++i) {
        const Run again = run();
        QVERIFY2(again.code == 0, qPrintable(again.out + again.err));
        QVERIFY2(again.out.contains(" 0 done,"), qPrintable(again.out + again.err));
        QCOMPARE(listFiles(root() / "dir"), afterFirst);
    }
    QVERIFY(!anyNested(afterFirst, "out/out"));
    QVERIFY(!anyNested(afterFirst, "_up_up"));
    QVERIFY(!anyNested(afterFirst, "/k4_s2_p1_bilinear/k"));
    QVERIFY(!anyNested(afterFirst, "/k4_s3_p1_bilinear/k"));
}

// Outputs beside their inputs: even with the original gone, a file named like
// an output of this batch is not upsampled again.
void TestBatchCli::rerunBesideInputsDoesNotReprocessOutputs() {
    writeImage(in() / name("a"), 6, 6, 3, 1);
    // The price of the rule: a file of the user's that is named like an
    // output (here beside the outputs) is left out too; name it to take it.
    writeImage(in() / name("make_up"), 6, 6, 3, 2);
    Run r = runTconv({q(in()), "-o", q(in()), "--suffix", "_up"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("batch: 1 done"), qPrintable(r.out));
    QVERIFY2(r.err.contains("1 file found in the output folder not taken as input"), qPrintable(r.err));
    fs::remove(in() / name("a"));
    r = runTconv({q(in()), "-o", q(in()), "--suffix", "_up"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(!fs::exists(in() / name("a_up_up")));
    QVERIFY(!fs::exists(in() / name("make_up_up")));
    QVERIFY2(r.err.contains("2 files found in the output folder not taken as inputs"), qPrintable(r.err));
    // Named one by one, a file is always taken.
    r = runTconv({q(in() / name("a_up")), "-o", q(in()), "--suffix", "_up"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(fs::exists(in() / name("a_up_up")));
}

void TestBatchCli::doubleDashEndsOptions() {
    writeImage(root() / name("-x"), 5, 5, 3, 1);
    QProcess p;
    p.setWorkingDirectory(q(root()));
    p.start(TCONV_EXE, {"batch", "-o", "out", "--", name("-x").c_str()});
    const Run r = finishProcess(p);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(fs::exists(root() / "out" / name("-x")));
    p.start(TCONV_EXE, {"batch", "-o", "out", name("-x").c_str()});  // without it, an unknown option
    QCOMPARE(finishProcess(p).code, 2);
}

// --evaluate: psnr and ssim columns, a ranking that is the same whatever
// --jobs, and a result of another size than the original failing its image.
void TestBatchCli::evaluateRanksStablyAcrossJobs() {
    for (int i = 0; i < 6; ++i)
        writeImage(in() / name(("e" + std::to_string(i)).c_str()), 22 + i, 24, 3, unsigned(40 + i));
    const fs::path root = this->root();
    QString first;
    for (const char* jobs : {"1", "2"}) {
        const fs::path report = root / (std::string("r") + jobs + ".csv");
        const Run r = runTconv({q(in()), "-o", q(root / (std::string("ev") + jobs)), "--evaluate", "--kernel",
                                "bilinear,box,gaussian", "--kernel-size", "4", "--stride", "2", "--padding", "1",
                                "--degrade", "bicubic", "--jobs", jobs, "--report", q(report)});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("ranking (mean PSNR"), qPrintable(r.out));
        const QString csv = QString::fromStdString(readText(report));
        QVERIFY(
            csv.startsWith("input,output,status,error,parameters,input_width,input_height,channels,output_width,"
                           "output_height,cv,ratio,seconds,psnr,ssim,periodic_energy\n"));
        const QString ranking = QString::fromStdString(readText(root / (std::string("r") + jobs + ".ranking.csv")));
        QCOMPARE(ranking.count('\n'), 4);  // header + 3 combinations
        if (first.isEmpty()) first = ranking;
        else QCOMPARE(ranking, first);
    }
    // k3 s2 p0 gives 2n+1: not the original's size, so every image fails with the reason.
    const Run bad = runTconv({q(in()), "-o", q(root / "evbad"), "--evaluate", "--kernel-size", "3", "--stride", "2",
                              "--padding", "0", "-q"});
    QCOMPARE(bad.code, 1);
    QVERIFY2(bad.err.contains("psnr: the result is"), qPrintable(bad.err));
    QCOMPARE(runTconv({q(in()), "-o", q(root / "evbad"), "--evaluate", "--degrade", "box"}).code, 2);
}

// --reference: scored against existing images; a missing reference or one of
// another size fails that image with the reason, the others are scored.
void TestBatchCli::referenceFolderPerImageErrors() {
    writeImage(in() / name("a"), 8, 10, 3, 1);
    writeImage(in() / name("b"), 8, 8, 3, 2);
    writeImage(in() / name("c"), 6, 6, 3, 3);
    writeImage(root() / "ref" / name("a"), 16, 20, 3, 4);
    writeImage(root() / "ref" / name("b"), 15, 16, 3, 5);
    const fs::path report = root() / "r.csv";
    const Run r = runTconv({q(in()), "-o", q(out()), "--reference", q(root() / "ref"), "--padding", "1", "--report",
                            q(report), "--backend", "cpu"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("no reference image"), qPrintable(r.err));
    QVERIFY2(r.err.contains("but the reference"), qPrintable(r.err));
    QVERIFY2(r.out.contains("ranking (mean PSNR"), qPrintable(r.out));
    QCOMPARE(listFiles(out()), std::vector<std::string>{name("a")});
    const QString csv = QString::fromStdString(readText(report));
    QVERIFY2(csv.section('\n', 0, 0).endsWith(",psnr,ssim,periodic_energy,reference"), qPrintable(csv));
    QVERIFY2(csv.contains(q(root() / "ref" / name("a"))), qPrintable(csv));
    QCOMPARE(csv.count(",failed,"), 2);
    const QString ranking = QString::fromStdString(readText(root() / "r.ranking.csv"));
    QVERIFY2(ranking.startsWith("rank,parameters,folder,images,mean_psnr,mean_ssim,worst_psnr,worst_ssim,cv,"
                                "mean_periodic_energy\n1,"),
             qPrintable(ranking));
}

namespace {

// What a running process printed on stderr so far (accumulated in `err`).
bool stderrContains(QProcess& p, QString& err, const QString& text) {
    err += QString::fromUtf8(p.readAllStandardError());
    return err.contains(text);
}

std::string fileBytes(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

}  // namespace

// The real binary watching a folder: what is there, a file written slowly in
// chunks (read once complete), junk and partial names ignored, Ctrl-C ends it
// cleanly (exit 0: nothing failed, nothing left unprocessed) with the report
// of the whole watch and no temporary file.
void TestBatchCli::watchUntilInterrupted() {
    writeImage(in() / name("a"), 10, 12, 3, 1);
    writeImage(root() / name("b"), 9, 7, 3, 2);
    const std::string bytes = fileBytes(root() / name("b"));
    QProcess p;
    p.start(TCONV_EXE, {"batch", "--watch", q(in()), "-r", "-o", q(out()), "--settle", "0.3", "--jobs", "2",
                        "--padding", "1", "--report", q(root() / "r.csv"), "--backend", "cpu"});
    QVERIFY(p.waitForStarted());
    QString err;
    QTRY_VERIFY_WITH_TIMEOUT(stderrContains(p, err, "waiting for new images"), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(fs::exists(out() / name("a")), 20000);
    for (const std::string& junk : {name("c") + ".part", name("d") + ".crdownload", name("e") + ".tmp",
                                    tempFileName(name("f"), 4242, 0x1234abcdu), std::string("notes.txt")})
        writeText(in() / junk, bytes);
    fs::create_directories(in() / "sub");
    {
        std::ofstream slow(in() / "sub" / name("b"), std::ios::binary);
        const size_t chunk = bytes.size() / 5 + 1;
        for (size_t off = 0; off < bytes.size(); off += chunk) {
            slow.write(bytes.data() + off, std::streamsize(std::min(chunk, bytes.size() - off)));
            slow.flush();
            QTest::qWait(120);  // shorter pauses than --settle
            QVERIFY(!fs::exists(out() / "sub" / name("b")));
        }
    }
    QTRY_VERIFY_WITH_TIMEOUT(fs::exists(out() / "sub" / name("b")), 20000);
    QTest::qWait(500);  // junk would have settled by now
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(30000));
    err += QString::fromUtf8(p.readAllStandardError());
    const QString printed = QString::fromUtf8(p.readAllStandardOutput());
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QVERIFY2(p.exitCode() == 0, qPrintable(err));
    QVERIFY2(printed.contains("batch: 2 done, 0 skipped, 0 failed"), qPrintable(printed + err));
    QCOMPARE(listFiles(out()), sorted({name("a"), "sub/" + name("b")}));
    QVERIFY(hiddenFiles(out()).empty());
    QCOMPARE(loadImage((out() / "sub" / name("b")).string()).tensor.shape(), (Shape4{1, 3, 18, 14}));
    const QString csv = QString::fromStdString(readText(root() / "r.csv"));
    QCOMPARE(csv.count(",done,"), 2);
    QCOMPARE(csv.count('\n'), 3);
}

// The output folder inside the watched one is never read back (no up/up/...),
// a damaged file fails alone and the watch goes on, SIGTERM ends it like Ctrl-C
// (exit 1 because an image failed), and no temporary file is left.
void TestBatchCli::watchOutputInsideInputAndSigterm() {
    writeImage(in() / name("a"), 8, 8, 3, 1);
    const fs::path up = in() / "up";
    QProcess p;
    p.start(TCONV_EXE, {"batch", "--watch", q(in()), "-r", "-o", q(up), "--settle", "0.2", "--backend", "cpu"});
    QVERIFY(p.waitForStarted());
    QString err;
    QTRY_VERIFY_WITH_TIMEOUT(fs::exists(up / name("a")), 20000);
    writeText(in() / name("bad"), "not an image at all");
    QTRY_VERIFY_WITH_TIMEOUT(stderrContains(p, err, "failed: "), 20000);
    writeImage(in() / "sub" / name("c"), 6, 6, 1, 3);
    QTRY_VERIFY_WITH_TIMEOUT(fs::exists(up / "sub" / name("c")), 20000);
    QTest::qWait(500);
    ::kill(static_cast<pid_t>(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(30000));
    err += QString::fromUtf8(p.readAllStandardError());
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 1);
    QVERIFY2(err.contains(QString::fromStdString(name("bad"))), qPrintable(err));
    QCOMPARE(listFiles(up), sorted({name("a"), "sub/" + name("c")}));
    QVERIFY(hiddenFiles(in()).empty());
}

QTEST_GUILESS_MAIN(TestBatchCli)
#include "test_batch_cli.moc"
