// SPDX-License-Identifier: MIT
// The file-safety building blocks under batch and every writer (issue 10):
// AtomicFile's no-replace commit (renameat2 and the link()+unlink() fallback),
// replace keeping the permission bits, temporary file names (recognisable,
// within NAME_MAX), the stale-file sweep, and BatchRunner failing one image
// (and keeping the file) when its output appeared after planning.
#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>

#include "batch/BatchTestUtil.h"
#include "common/AtomicFile.h"
#include "common/BatchFolderWatcher.h"
#include "common/BatchInputs.h"
#include "common/BatchPlan.h"
#include "common/BatchRunner.h"
#include "common/BatchSweep.h"
#include "common/JsonText.h"
#include "common/StaleTempFiles.h"
#include "common/TempFileName.h"
#include "common/TestPrinters.h"
#include "core/ConvError.h"

using namespace tconv;
using namespace tconv::app;
using namespace tconv::batchtest;

namespace {

std::string readText(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

// Sets (or clears) an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
    ~ScopedEnv() { ::unsetenv(name_); }

private:
    const char* name_;
};

}  // namespace

class TestBatchFiles : public QObject {
    Q_OBJECT
private slots:
    void init();
    void noReplaceKeepsAFileThatAppeared_data();
    void noReplaceKeepsAFileThatAppeared();
    void replaceKeepsPermissionBits();
    void tempNamesAreRecognisedAndFit_data();
    void tempNamesAreRecognisedAndFit();
    void longDestinationNamesCanBeWritten();
    void staleSweepRemovesOnlyDeadWritersFiles();
    void runnerFailsAnImageWhoseOutputAppeared();
    void runnerOverwriteStillReplaces();
    void jsonStringsAreValidForAnyBytes_data();
    void jsonStringsAreValidForAnyBytes();
    void folderWatcherSeesNewFiles();

private:
    std::unique_ptr<QTemporaryDir> tmp_;
    fs::path root() const { return fs::path(tmp_->path().toStdString()); }
};

void TestBatchFiles::init() {
    tmp_ = std::make_unique<QTemporaryDir>();
    QVERIFY(tmp_->isValid());
}

void TestBatchFiles::noReplaceKeepsAFileThatAppeared_data() {
    QTest::addColumn<bool>("fallback");
    QTest::newRow("renameat2") << false;
    QTest::newRow("link+unlink") << true;
}

void TestBatchFiles::noReplaceKeepsAFileThatAppeared() {
    QFETCH(bool, fallback);
    std::unique_ptr<ScopedEnv> env;
    if (fallback) env = std::make_unique<ScopedEnv>("TCONV_TEST_NO_RENAMEAT2", "1");
    const fs::path dest = root() / "x.bin";
    {
        ScopedCommitMode mode(CommitMode::NoReplace);
        writeFileAtomically(dest.string(), "first", 5);  // a new file: written
    }
    QCOMPARE(readText(dest), std::string("first"));
    {
        AtomicFile f(dest.string(), CommitMode::NoReplace);
        writeText(f.tempPath(), "second");
        QVERIFY_THROWS_EXCEPTION(ProcessingError, f.commit());
    }
    QCOMPARE(readText(dest), std::string("first"));
    QVERIFY(hiddenFiles(root()).empty());
    try {
        ScopedCommitMode mode(CommitMode::NoReplace);
        writeFileAtomically(dest.string(), "third", 5);
        QFAIL("replaced an existing file");
    } catch (const ProcessingError& e) {
        QVERIFY2(std::string(e.what()).find("appeared") != std::string::npos, e.what());
    }
    QCOMPARE(readText(dest), std::string("first"));
    QVERIFY(hiddenFiles(root()).empty());
    writeFileAtomically(dest.string(), "fourth", 6);  // the default (Replace) still replaces
    QCOMPARE(readText(dest), std::string("fourth"));
}

void TestBatchFiles::replaceKeepsPermissionBits() {
    const fs::path dest = root() / "secret.txt";
    writeText(dest, "old");
    QCOMPARE(::chmod(dest.c_str(), 0600), 0);
    writeFileAtomically(dest.string(), "new", 3);
    struct stat st {};
    QCOMPARE(::stat(dest.c_str(), &st), 0);
    QCOMPARE(int(st.st_mode & 07777), 0600);
    QCOMPARE(readText(dest), std::string("new"));
    QCOMPARE(::chmod(dest.c_str(), 0640), 0);
    writeFileAtomically(dest.string(), "newer", 5);
    QCOMPARE(::stat(dest.c_str(), &st), 0);
    QCOMPARE(int(st.st_mode & 07777), 0640);
}

void TestBatchFiles::tempNamesAreRecognisedAndFit_data() {
    QTest::addColumn<QByteArray>("name");
    QTest::newRow("short") << QByteArray("a.png");
    QTest::newRow("no extension") << QByteArray("kernel");
    QTest::newRow("224 bytes") << QByteArray(220, 'n') + ".npy";
    QTest::newRow("255 bytes") << QByteArray(251, 'n') + ".png";
    QTest::newRow("255 bytes, no extension") << QByteArray(255, 'n');
    QByteArray utf8;
    while (utf8.size() < 248) utf8 += "\xc3\xa9";  // é, 2 bytes
    QTest::newRow("255 bytes of UTF-8") << utf8 + ".tif";
    QTest::newRow("many dots") << QByteArray("a.b.c.tconv-1-2.tmp.png");
}

void TestBatchFiles::tempNamesAreRecognisedAndFit() {
    QFETCH(QByteArray, name);
    const std::string dest = name.toStdString();
    for (pid_t pid : {pid_t(1), pid_t(4194304), pid_t(2147483647)}) {
        const std::string t = tempFileName(dest, pid, 0xdeadbeef);
        QVERIFY2(t.size() <= kMaxFileNameBytes, t.c_str());
        QVERIFY(t[0] == '.');
        QVERIFY(t.find(".tconv-" + std::to_string(pid) + "-deadbeef.tmp") != std::string::npos);
        QCOMPARE(tempFileOwner(t), std::optional<pid_t>(pid));
        // Never a cut UTF-8 sequence: the name is valid UTF-8 when the destination was.
        QVERIFY(QString::fromUtf8(t.c_str()).toUtf8() == QByteArray(t.c_str()));
        const std::string ext = fs::path(dest).extension().string();
        if (!ext.empty()) QVERIFY(t.size() >= ext.size() && t.compare(t.size() - ext.size(), ext.size(), ext) == 0);
    }
    QVERIFY(!tempFileOwner(dest));  // a user's file is not ours
}

void TestBatchFiles::longDestinationNamesCanBeWritten() {
    for (int n : {224, 240, 255}) {
        const fs::path dest = root() / (std::string(size_t(n - 4), 'L') + ".npy");
        writeFileAtomically(dest.string(), "data", 4);
        QCOMPARE(readText(dest), std::string("data"));
        writeImage(dest, 3, 4, 1, 5);  // the image writer too (it reads back)
        QCOMPARE(loadImage(dest.string()).tensor.shape(), (Shape4{1, 1, 3, 4}));
    }
    QVERIFY(hiddenFiles(root()).empty());
}

void TestBatchFiles::staleSweepRemovesOnlyDeadWritersFiles() {
    const auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
    const pid_t dead = 2147483000;  // above any pid_max: never a live process
    const std::string stale = tempFileName("a.png", dead, 1), live = tempFileName("b.png", ::getppid(), 2),
                      fresh = tempFileName("c.png", dead, 3), ours = tempFileName("d.png", ::getpid(), 4);
    for (const std::string& n : {stale, live, fresh, ours, std::string(".hidden.png"), std::string("a.png")})
        writeText(root() / n, "x");
    for (const std::string& n : {stale, live, ours, std::string(".hidden.png"), std::string("a.png")})
        fs::last_write_time(root() / n, old);
    fs::last_write_time(root() / fresh, fs::file_time_type::clock::now() + std::chrono::hours(1));
    fs::create_directory(root() / tempFileName("dir", dead, 5));  // not a regular file: kept
    QCOMPARE(removeStaleTempFiles(root().string()), size_t(2));   // `stale`, and `ours` (our PID, older than us)
    QVERIFY(!fs::exists(root() / stale));
    QVERIFY(!fs::exists(root() / ours));
    for (const std::string& n : {live, fresh, std::string(".hidden.png"), std::string("a.png")})
        QVERIFY2(fs::exists(root() / n), n.c_str());
    QCOMPARE(removeStaleTempFiles(root().string()), size_t(0));
    QCOMPARE(removeStaleTempFiles((root() / "missing").string()), size_t(0));
}

void TestBatchFiles::runnerFailsAnImageWhoseOutputAppeared() {
    writeImage(root() / "in" / "a.npy", 4, 4, 1, 1);
    writeImage(root() / "in" / "b.npy", 4, 4, 1, 2);
    InputOptions io;
    io.inputs = {(root() / "in").string()};
    PlanOptions po;
    po.outputDir = root() / "out";
    const BatchPlan plan = makeBatchPlan(expandInputs(io), expandSweep({}, {}), po);
    QCOMPARE(plan.count(PlanAction::Process), size_t(2));
    BatchRunOptions ro;
    ro.jobs = 1;
    ro.backend = BackendKind::Cpu;
    // Another writer creates out/a.npy between planning and writing.
    ro.testHook = [&](size_t item, std::string_view stage) {
        if (stage == "encode" && plan.items[item].output.filename() == "a.npy")
            writeText(plan.items[item].output, "someone else's");
    };
    const BatchSummary s = BatchRunner(plan, ro).run();
    QCOMPARE(s.counts.failed, size_t(1));
    QCOMPARE(s.counts.done, size_t(1));
    QVERIFY2(s.results[0].error.find("appeared") != std::string::npos, s.results[0].error.c_str());
    QCOMPARE(readText(root() / "out" / "a.npy"), std::string("someone else's"));
    QCOMPARE(loadImage((root() / "out" / "b.npy").string()).tensor.shape(), (Shape4{1, 1, 10, 10}));
    QVERIFY(hiddenFiles(root() / "out").empty());
}

void TestBatchFiles::runnerOverwriteStillReplaces() {
    writeImage(root() / "in" / "a.npy", 4, 4, 1, 1);
    writeText(root() / "out" / "a.npy", "old");
    InputOptions io;
    io.inputs = {(root() / "in").string()};
    PlanOptions po;
    po.outputDir = root() / "out";
    po.overwrite = true;
    const BatchPlan plan = makeBatchPlan(expandInputs(io), expandSweep({}, {}), po);
    BatchRunOptions ro;
    ro.backend = BackendKind::Cpu;
    const BatchSummary s = BatchRunner(plan, ro).run();
    QCOMPARE(s.counts.done, size_t(1));
    QCOMPARE(loadImage((root() / "out" / "a.npy").string()).tensor.shape(), (Shape4{1, 1, 10, 10}));
}

void TestBatchFiles::jsonStringsAreValidForAnyBytes_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("parsed");
    const QString r(QChar(0xFFFD));
    QTest::newRow("ascii") << QByteArray("a \"b\" \\ c") << QString("a \"b\" \\ c");
    QTest::newRow("controls") << QByteArray("\x01\n\x7f") << QString("\x01\n\x7f");
    QTest::newRow("utf-8") << QByteArray("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80")
                           << QString::fromUtf8("\u00e9\u20ac\U0001F600");
    QTest::newRow("latin-1") << QByteArray("b\xe9.png") << "b" + r + ".png";
    QTest::newRow("overlong") << QByteArray("\xc0\xaf") << r + r;
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << r + r + r;
    QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << r + r + r + r;
    QTest::newRow("cut sequence") << QByteArray("x\xe2\x82") << "x" + r + r;
    QTest::newRow("stray continuation") << QByteArray("\x80z") << r + "z";
}

void TestBatchFiles::jsonStringsAreValidForAnyBytes() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, parsed);
    const std::string json = "[" + jsonString(bytes.toStdString()) + "]";
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, json.c_str());
    QCOMPARE(doc.array().at(0).toString(), parsed);
}

// inotify: files created, moved in, and in new sub-folders (recursive) are
// reported; nothing from the output folder; non-recursive watches one folder.
void TestBatchFiles::folderWatcherSeesNewFiles() {
    const fs::path in = root() / "in";
    fs::create_directories(in / "out" / "deep");
    fs::create_directories(in / "old");
    fs::create_directories(in / ".hidden");
    FolderWatcher w({in}, true, in / "out");
    QCOMPARE(w.folderCount(), size_t(2));  // in and in/old: not the output folder, not hidden ones
    auto collect = [&](int ms) {
        std::set<std::string> got;
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        while (std::chrono::steady_clock::now() < end)
            for (const fs::path& f : w.wait(20).files) got.insert(f.lexically_relative(in).generic_string());
        return got;
    };
    writeText(in / "a.png", "x");
    writeText(in / "out" / "ignored.png", "x");
    writeText(in / "out" / "deep" / "ignored.png", "x");
    writeText(in / ".hidden" / "ignored.png", "x");
    writeText(root() / "elsewhere" / "moved.png", "x");
    fs::rename(root() / "elsewhere" / "moved.png", in / "old" / "moved.png");
    // A tree made at once: its files may exist before its watches; they are reported either way.
    fs::create_directories(in / "new" / "deep");
    writeText(in / "new" / "deep" / "c.png", "x");
    std::set<std::string> got = collect(300);
    QVERIFY(got.count("a.png"));
    QVERIFY(got.count("old/moved.png"));
    QVERIFY(got.count("new/deep/c.png"));
    for (const std::string& f : got) QVERIFY2(f.find("ignored") == std::string::npos, f.c_str());
    writeText(in / "new" / "deep" / "d.png", "x");  // the new folder is watched now
    QVERIFY(collect(200).count("new/deep/d.png"));
    QVERIFY(collect(50).empty());  // nothing when nothing happens

    FolderWatcher flat({in}, false, {});
    QCOMPARE(flat.folderCount(), size_t(1));
    try {
        FolderWatcher missing({root() / "nope"}, false, {});
        QFAIL("a missing folder was watched");
    } catch (const ProcessingError& e) {
        QVERIFY2(std::string(e.what()).find("nope") != std::string::npos, e.what());
    }
}

QTEST_GUILESS_MAIN(TestBatchFiles)
#include "test_batch_files.moc"
