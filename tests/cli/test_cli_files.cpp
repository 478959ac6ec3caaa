// SPDX-License-Identifier: MIT
// Never lose or nest a file (issue 10): the real tconv binary refuses an output
// that is one of its inputs (by device and inode: symlinks, "./a", hard links),
// never replaces a file that appeared meanwhile, cleans up its temporary files
// on SIGINT/SIGTERM and after a SIGKILL, writes long legal names, ends options
// at "--" and prints valid JSON for any file name.
#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

#include "common/ProcessResult.h"

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/NpyFile.h"

namespace fs = std::filesystem;

namespace {

ProcessResult runTconv(const QStringList& args, const QString& cwd = {},
                       const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    QProcess p;
    p.setProcessEnvironment(env);
    if (!cwd.isEmpty()) p.setWorkingDirectory(cwd);
    p.start(TCONV_EXE, args);
    return finishProcess(p);
}

QString q(const fs::path& p) { return QString::fromStdString(p.string()); }

// A small (h, w) float32 .npy of seeded values.
void writeSmallNpy(const fs::path& path, int h = 4, int w = 5, unsigned seed = 1) {
    std::vector<float> v(size_t(h * w));
    uint32_t x = seed * 2654435761u + 7;
    for (float& f : v) {
        x = x * 1664525u + 1013904223u;
        f = float(x >> 8) / float(1 << 24);
    }
    tconv::writeNpy(path.string(), {h, w}, v.data());
}

std::string bytesOf(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

// Hidden temporary files AtomicFile left in `dir`.
std::vector<std::string> tempFilesIn(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().find(".tconv-") != std::string::npos) out.push_back(e.path().filename());
    return out;
}

}  // namespace

class TestCliFiles : public QObject {
    Q_OBJECT
private slots:
    void init();
    void applyRefusesItsInputAsOutput_data();
    void applyRefusesItsInputAsOutput();
    void analyzeRefusesItsInputAsOutput();
    void repairRefusesItsKernelAsOutput();
    void batchRefusesAnInputAsOutput();
    void screenshotRefusesItsInputAsOutput();
    void applyReplacesAndKeepsPermissions();
    void signalRemovesTempFile_data();
    void signalRemovesTempFile();
    void killedApplyLeftoverRemovedByNextRun();
    void killedBatchLeftoverRemovedByNextRun();
    void longOutputNamesWork();
    void doubleDashEndsOptionsEverywhere();
    void nonUtf8NamesGiveValidJson();

private:
    std::unique_ptr<QTemporaryDir> tmp_;
    fs::path root() const { return fs::path(tmp_->path().toStdString()); }
};

void TestCliFiles::init() {
    tmp_ = std::make_unique<QTemporaryDir>();
    QVERIFY(tmp_->isValid());
}

void TestCliFiles::applyRefusesItsInputAsOutput_data() {
    QTest::addColumn<QString>("how");
    for (const char* how : {"same", "dot", "dotdot", "symlink", "hardlink", "kernel"}) QTest::newRow(how) << how;
}

void TestCliFiles::applyRefusesItsInputAsOutput() {
    QFETCH(QString, how);
    const fs::path a = root() / "a.npy";
    writeSmallNpy(a);
    const std::string before = bytesOf(a);
    QStringList args{"apply", "a.npy"};
    if (how == "same") args << "a.npy";
    if (how == "dot") args << "./a.npy";
    if (how == "dotdot") args << "../" + QString::fromStdString(root().filename().string()) + "/a.npy";
    if (how == "symlink") {
        fs::create_symlink("a.npy", root() / "link.npy");
        args << "link.npy";
    }
    if (how == "hardlink") {
        fs::create_hard_link(a, root() / "hard.npy");
        args << "hard.npy";
    }
    if (how == "kernel") {  // the output is the kernel file, not the image
        writeSmallNpy(root() / "b.npy", 6, 6, 2);
        writeSmallNpy(root() / "k.npy", 3, 3, 3);
        args = QStringList{"apply", "b.npy", "k.npy", "--kernel", "k.npy"};
    }
    const fs::path victim = how == "kernel" ? root() / "k.npy" : a;
    const std::string victimBefore = bytesOf(victim);
    const ProcessResult r = runTconv(args, q(root()));
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("same file as the input"), qPrintable(r.err));
    QCOMPARE(bytesOf(victim), victimBefore);
    QCOMPARE(bytesOf(a), before);
    QVERIFY(tempFilesIn(root()).empty());
    // A new output beside it is still fine.
    QCOMPARE(runTconv({"apply", "a.npy", "new.npy"}, q(root())).code, 0);
}

void TestCliFiles::analyzeRefusesItsInputAsOutput() {
    const fs::path a = root() / "a.npy";
    writeSmallNpy(a);
    fs::create_symlink("a.npy", root() / "link.npy");
    writeSmallNpy(root() / "k.npy", 3, 3, 3);
    const std::string before = bytesOf(a), kernel = bytesOf(root() / "k.npy");
    for (const QStringList& args :
         {QStringList{"analyze", "--input", "a.npy", "--heatmap", "a.npy"},
          QStringList{"analyze", "--input", "a.npy", "--heatmap", "./link.npy"},
          QStringList{"analyze", "--input", "a.npy", "--spectrum", "a.npy"},
          QStringList{"analyze", "--kernel", "k.npy", "--stride", "2", "--spectrum", "k.npy"}}) {
        const ProcessResult r = runTconv(args, q(root()));
        QVERIFY2(r.code == 2, qPrintable(args.join(' ') + ": " + r.err));
#ifdef TCONV_HAVE_OPENCV
        QVERIFY2(r.err.contains("same file as the input"), qPrintable(r.err));
#endif
    }
    QCOMPARE(bytesOf(a), before);
    QCOMPARE(bytesOf(root() / "k.npy"), kernel);
}

void TestCliFiles::repairRefusesItsKernelAsOutput() {
    writeSmallNpy(root() / "k.npy", 3, 3, 3);
    fs::create_hard_link(root() / "k.npy", root() / "same.npy");
    const std::string before = bytesOf(root() / "k.npy");
    for (const char* out : {"k.npy", "./k.npy", "same.npy"}) {
        const ProcessResult r =
            runTconv({"repair", "--kernel", "k.npy", "--stride", "2", "--method", "zoh", "--out", out}, q(root()));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("same file as the input"), qPrintable(r.err));
        QCOMPARE(bytesOf(root() / "k.npy"), before);
    }
    QCOMPARE(
        runTconv({"repair", "--kernel", "k.npy", "--stride", "2", "--method", "zoh", "--out", "r.npy"}, q(root())).code,
        0);
}

void TestCliFiles::batchRefusesAnInputAsOutput() {
    fs::create_directories(root() / "in");
    fs::create_directories(root() / "out");
    writeSmallNpy(root() / "in" / "a.npy");
    writeSmallNpy(root() / "in" / "b.npy", 5, 5, 2);
    // out/b.npy is a hard link to in/b.npy: replacing it with --overwrite would
    // not touch in/b.npy's name but would leave it looking processed; refused.
    fs::create_hard_link(root() / "in" / "b.npy", root() / "out" / "b.npy");
    const std::string a = bytesOf(root() / "in" / "a.npy"), b = bytesOf(root() / "in" / "b.npy");
    ProcessResult r = runTconv({"batch", "in", "-o", "in", "--overwrite"}, q(root()));
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("overwrite an input"), qPrintable(r.err));
    r = runTconv({"batch", "in", "-o", "out", "--overwrite"}, q(root()));
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("out/b.npy"), qPrintable(r.err));
    QVERIFY(!fs::exists(root() / "out" / "a.npy"));  // nothing at all was written
    QCOMPARE(bytesOf(root() / "in" / "a.npy"), a);
    QCOMPARE(bytesOf(root() / "in" / "b.npy"), b);
}

namespace {

// Starts `tconv args` in `cwd` with the writer paused after its temporary file
// is complete (TCONV_TEST_PAUSE_AFTER_TEMP) and returns that file's path.
QString startPaused(QProcess& p, const QStringList& args, const QString& cwd) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("TCONV_TEST_PAUSE_AFTER_TEMP", "1");
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(cwd);
    p.setReadChannel(QProcess::StandardError);
    p.start(TCONV_EXE, args);
    if (!p.waitForStarted()) return {};
    QByteArray err;
    while (!err.contains("TCONV_TEST_PAUSED ") || !err.endsWith('\n')) {
        if (!p.waitForReadyRead(120000)) return {};
        err += p.readAllStandardError();
    }
    const QByteArray line = err.mid(err.indexOf("TCONV_TEST_PAUSED ") + 18);
    return QString::fromLocal8Bit(line.left(line.indexOf('\n')));
}

}  // namespace

void TestCliFiles::screenshotRefusesItsInputAsOutput() {
#ifndef TCONV_STUDIO_EXE
    QSKIP("built without the studio");
#else
    const fs::path a = root() / "a.npy";
    writeSmallNpy(a, 16, 16);
    fs::create_symlink("a.npy", root() / "link.npy");
    const std::string before = bytesOf(a);
    for (const char* out : {"a.npy", "./link.npy"}) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        p.setProcessEnvironment(env);
        p.setWorkingDirectory(q(root()));
        p.start(TCONV_STUDIO_EXE, {"a.npy", "--screenshot", out});
        const ProcessResult r = finishProcess(p);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("same file as the input"), qPrintable(r.err));
        QCOMPARE(bytesOf(a), before);
    }
#endif
}

void TestCliFiles::applyReplacesAndKeepsPermissions() {
    writeSmallNpy(root() / "a.npy");
    writeSmallNpy(root() / "out.npy", 2, 2, 9);
    QCOMPARE(::chmod((root() / "out.npy").c_str(), 0600), 0);
    const std::string before = bytesOf(root() / "out.npy");
    QCOMPARE(runTconv({"apply", "a.npy", "out.npy"}, q(root())).code, 0);  // apply replaces by design
    QVERIFY(bytesOf(root() / "out.npy") != before);
    struct stat st {};
    QCOMPARE(::stat((root() / "out.npy").c_str(), &st), 0);
    QCOMPARE(int(st.st_mode & 07777), 0600);
}

void TestCliFiles::signalRemovesTempFile_data() {
    QTest::addColumn<int>("sig");
    QTest::newRow("SIGINT") << int(SIGINT);
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGHUP") << int(SIGHUP);
}

void TestCliFiles::signalRemovesTempFile() {
    QFETCH(int, sig);
    writeSmallNpy(root() / "a.npy", 40, 40);
    QProcess p;
    const QString temp = startPaused(p, {"apply", "a.npy", "out.npy"}, q(root()));
    QVERIFY2(!temp.isEmpty(), "the writer never paused");
    QVERIFY(fs::exists(root() / temp.toStdString()));
    // Recognisable: hidden, names the destination and the writer's PID.
    const QString name = QString::fromStdString(fs::path(temp.toStdString()).filename().string());
    QVERIFY2(name.startsWith(".out.npy.tconv-" + QString::number(p.processId()) + "-"), qPrintable(name));
    QCOMPARE(::kill(pid_t(p.processId()), sig), 0);
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(p.exitStatus(), QProcess::CrashExit);  // died of the signal, as the shell expects
    QVERIFY(tempFilesIn(root()).empty());
    QVERIFY(!fs::exists(root() / "out.npy"));
    // The same for analyze and repair writes.
    writeSmallNpy(root() / "k.npy", 3, 3, 3);
    for (const QStringList& args :
         {QStringList{"repair", "--kernel", "k.npy", "--stride", "2", "--method", "zoh", "--out", "r.npy"},
          QStringList{"analyze", "--heatmap", "h.png"}}) {
#ifndef TCONV_HAVE_OPENCV
        if (args[0] == "analyze") continue;
#endif
        QProcess w;
        QVERIFY2(!startPaused(w, args, q(root())).isEmpty(), qPrintable(args.join(' ')));
        QCOMPARE(::kill(pid_t(w.processId()), sig), 0);
        QVERIFY(w.waitForFinished(120000));
        QCOMPARE(w.exitStatus(), QProcess::CrashExit);
        QVERIFY(tempFilesIn(root()).empty());
    }
}

void TestCliFiles::killedApplyLeftoverRemovedByNextRun() {
    writeSmallNpy(root() / "a.npy", 40, 40);
    fs::create_directories(root() / "sub");
    QProcess p;
    const QString temp = startPaused(p, {"apply", "a.npy", "sub/out.npy"}, q(root()));
    QVERIFY(!temp.isEmpty());
    QCOMPARE(::kill(pid_t(p.processId()), SIGKILL), 0);  // no handler runs: the file stays
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(tempFilesIn(root() / "sub").size(), size_t(1));
    // A live writer's file is never taken for a stale one: this process is alive.
    const std::string live = ".x.npy.tconv-" + std::to_string(::getpid()) + "-0000beef.tmp.npy";
    std::ofstream(root() / "sub" / live) << "busy";
    fs::last_write_time(root() / "sub" / live, fs::file_time_type::clock::now() - std::chrono::hours(1));
    const ProcessResult r = runTconv({"apply", "a.npy", "sub/out.npy"}, q(root()));
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.contains("removed 1 stale temporary file of interrupted runs in 'sub'"), qPrintable(r.err));
    QCOMPARE(tempFilesIn(root() / "sub"), std::vector<std::string>{live});
    QVERIFY(fs::exists(root() / "sub" / "out.npy"));
    // Nothing stale left: nothing said.
    QVERIFY(!runTconv({"apply", "a.npy", "sub/out.npy"}, q(root())).err.contains("stale"));
}

void TestCliFiles::killedBatchLeftoverRemovedByNextRun() {
    fs::create_directories(root() / "in");
    writeSmallNpy(root() / "in" / "a.npy", 30, 30);
    QProcess p;
    const QString temp = startPaused(p, {"batch", "in", "-o", "out", "-j", "1"}, q(root()));
    QVERIFY(!temp.isEmpty());
    QCOMPARE(::kill(pid_t(p.processId()), SIGKILL), 0);
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(tempFilesIn(root() / "out").size(), size_t(1));
    const ProcessResult r = runTconv({"batch", "in", "-o", "out"}, q(root()));
    QCOMPARE(r.code, 0);
    QVERIFY2(r.err.contains("removed 1 stale temporary file"), qPrintable(r.err));
    QVERIFY(tempFilesIn(root() / "out").empty());
    QVERIFY(fs::exists(root() / "out" / "a.npy"));
}

void TestCliFiles::longOutputNamesWork() {
    writeSmallNpy(root() / "a.npy");
    for (int n : {224, 240, 255}) {
        const std::string name = std::string(size_t(n - 4), 'o') + ".npy";
        const ProcessResult r = runTconv({"apply", "a.npy", QString::fromStdString(name)}, q(root()));
        QVERIFY2(r.code == 0, qPrintable(QString::number(n) + ": " + r.err));
        QVERIFY(fs::exists(root() / name));
    }
    QVERIFY(tempFilesIn(root()).empty());
}

void TestCliFiles::doubleDashEndsOptionsEverywhere() {
    writeSmallNpy(root() / "-a.npy");
    ProcessResult r = runTconv({"apply", "--", "-a.npy", "-b.npy"}, q(root()));
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(fs::exists(root() / "-b.npy"));
    r = runTconv({"apply", "--stride", "3", "--", "-a.npy", "-c.npy"}, q(root()));
    QVERIFY2(r.code == 0, qPrintable(r.err));
    // Commands without file arguments accept "--" and refuse anything after it.
    const QStringList repair{"repair", "--kernel", "box", "--kernel-size", "2",     "--stride",
                             "2",      "--method", "zoh", "--out",         "-r.npy"};
    const QStringList analyze{"analyze", "--stride", "2", "--json"};
    const QStringList bench{"bench", "--size", "4x4x1", "--repeat", "1", "--backend", "cpu", "--json"};
    for (const QStringList& cmd : {repair, analyze, bench, QStringList{"info"}}) {
        r = runTconv(cmd + QStringList{"--"}, q(root()));
        QVERIFY2(r.code == 0, qPrintable(cmd.join(' ') + " --: " + r.err));
        r = runTconv(cmd + QStringList{"--", "extra"}, q(root()));
        QVERIFY2(r.code == 2, qPrintable(cmd.join(' ') + " -- extra: " + r.err));
        QVERIFY2(r.err.contains("no file arguments"), qPrintable(r.err));
    }
    QVERIFY(fs::exists(root() / "-r.npy"));
}

// File names are bytes; a Latin-1 "\xe9" is not UTF-8. The JSON stays valid,
// with U+FFFD for each byte that is not UTF-8.
void TestCliFiles::nonUtf8NamesGiveValidJson() {
    const std::string kernel = "k\xe9.npy", image = "b\xe9\xff.npy";
    writeSmallNpy(root() / kernel, 3, 3, 3);
    fs::create_directories(root() / "in");
    writeSmallNpy(root() / "in" / image);
    writeSmallNpy(root() / "in" / "\xc3\xa9t\xc3\xa9.npy");  // valid UTF-8 stays as it is
    QProcess p;
    p.setWorkingDirectory(q(root()));
    // The name goes through the shell: a QString argument cannot hold the byte.
    p.start("/bin/sh", {"-c", "exec \"$0\" analyze --json --stride 2 --kernel \"$(printf 'k\\351.npy')\"", TCONV_EXE});
    QVERIFY(p.waitForFinished(120000));
    QCOMPARE(p.exitCode(), 0);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(p.readAllStandardOutput(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(doc.object().value("kernel").toString(), QString::fromUtf8("k\uFFFD.npy"));

    const ProcessResult r = runTconv({"batch", "in", "-o", "out", "--report", "r.json"}, q(root()));
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QFile f(q(root() / "r.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonDocument report = QJsonDocument::fromJson(f.readAll(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QStringList inputs;
    for (const QJsonValue& item : report.object().value("items").toArray())
        inputs << item.toObject().value("input").toString();
    inputs.sort();
    QCOMPARE(inputs, (QStringList{"in/b\uFFFD\uFFFD.npy", QString::fromUtf8("in/\u00e9t\u00e9.npy")}));
}

QTEST_GUILESS_MAIN(TestCliFiles)
#include "test_cli_files.moc"
