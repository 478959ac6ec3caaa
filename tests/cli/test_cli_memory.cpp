// SPDX-License-Identifier: MIT
// The memory limit as users meet it: TCONV_MEMORY_LIMIT_MB parsed strictly,
// decompression bombs, huge kernels, resize-conv, analyze's heatmaps, repair
// and batch either refused before they allocate or kept under the limit --
// each command's peak RSS measured with wait4() on the real tconv process --
// and a bounded read of non-regular files (/dev/zero, a FIFO).
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <thread>

#include "common/ProcessResult.h"
#include "core/NpyFile.h"
#include "core/ResourceLimits.h"
#include "core/Tensor.h"

#ifdef TCONV_TEST_HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef TCONV_HAVE_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#endif

using namespace tconv;

namespace {

// Under AddressSanitizer freed memory is quarantined and every block has
// redzones: peak RSS says nothing about the program, so only the exit codes
// and messages are checked there.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kMeasurePeaks = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kMeasurePeaks = false;
#else
constexpr bool kMeasurePeaks = true;
#endif
#else
constexpr bool kMeasurePeaks = true;
#endif

#ifdef TCONV_TEST_HAVE_ZLIB
constexpr bool kHaveZlib = true;
#else
constexpr bool kHaveZlib = false;
#endif

// The fixed allowance on top of the limit, besides the process baseline
// (the libraries, measured on a tiny job): thread stacks and scratch rows,
// the allocator's slack. The README promises the same figure.
constexpr long kSlackKb = 16 * 1024;

struct Measured : ProcessResult {
    long peakKb = 0;  // ru_maxrss of the child
};

#ifdef TCONV_TEST_HAVE_ZLIB
struct Png {
    static void put32(QByteArray& b, uint32_t v) {
        for (int i = 3; i >= 0; --i) b += char((v >> (8 * i)) & 0xff);
    }
    static QByteArray chunk(const char* tag, const QByteArray& data) {
        QByteArray c;
        put32(c, uint32_t(data.size()));
        QByteArray body = QByteArray(tag, 4) + data;
        c += body;
        put32(c, uint32_t(crc32(0, reinterpret_cast<const Bytef*>(body.constData()), uInt(body.size()))));
        return c;
    }
};
#endif

}  // namespace

class TestCliMemory : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void memoryLimitParsedStrictly_data();
    void memoryLimitParsedStrictly();
    void cgroupLimitLowersTheDefault();
    void decompressionBombRefusedBeforeDecoding();
    void everyCommandStaysUnderTheLimit_data();
    void everyCommandStaysUnderTheLimit();
    void acceptedJobsPeakWithinTheirEstimate_data();
    void acceptedJobsPeakWithinTheirEstimate();
    void nonRegularFilesReadWithABound();
    void benchThreadsCapped();
    void kernelSizeCapped_data();
    void kernelSizeCapped();
    void batchChecksTheWholeJob();
    void nonFiniteInputsWarnOnce();
    void exifOrientationApplied();
    void channelMixingWorkspaceCounted();

private:
    QString path(const QString& name) const { return dir_->filePath(name); }
    Measured run(const QStringList& args, const QByteArray& limitMb = {});
    long baselineKb();
    void writeBomb(const QString& name, int side);
    void writeNpyImage(const QString& name, int64_t h, int64_t w, int64_t c);
    std::unique_ptr<QTemporaryDir> dir_;
    long baselineKb_ = 0;
};

void TestCliMemory::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
}

void TestCliMemory::cleanup() { dir_.reset(); }

// fork + exec + wait4: the exit status, stderr and the child's own peak RSS.
Measured TestCliMemory::run(const QStringList& args, const QByteArray& limitMb) {
    const QByteArray errPath = path("stderr.txt").toLocal8Bit(), outPath = path("stdout.txt").toLocal8Bit();
    const QByteArray dir = dir_->path().toLocal8Bit();
    std::vector<QByteArray> argBytes{QByteArray(TCONV_EXE)};
    for (const QString& a : args) argBytes.push_back(a.toLocal8Bit());
    std::vector<char*> argv;
    for (QByteArray& a : argBytes) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (::chdir(dir.constData()) != 0) ::_exit(126);
        const int err = ::open(errPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int out = ::open(outPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(err, 2);
        ::dup2(out, 1);
        if (limitMb.isNull()) ::unsetenv("TCONV_MEMORY_LIMIT_MB");
        else ::setenv("TCONV_MEMORY_LIMIT_MB", limitMb.constData(), 1);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    Measured m;
    int status = 0;
    rusage ru{};
    if (pid < 0 || ::wait4(pid, &status, 0, &ru) != pid) return m;
    m.code = WIFEXITED(status) ? WEXITSTATUS(status) : -2;
    m.peakKb = ru.ru_maxrss;
    QFile e(QString::fromLocal8Bit(errPath));
    if (e.open(QIODevice::ReadOnly)) m.err = QString::fromUtf8(e.readAll());
    return m;
}

// The process baseline: a tiny job's peak (libraries, thread pools).
long TestCliMemory::baselineKb() {
    if (baselineKb_ == 0) {
        writeNpyImage("tiny.npy", 4, 4, 1);
        const Measured m = run({"apply", "tiny.npy", "tiny_out.npy"});
        baselineKb_ = m.peakKb;
        qInfo("process baseline: %ld KiB", baselineKb_);
    }
    return baselineKb_;
}

void TestCliMemory::writeNpyImage(const QString& name, int64_t h, int64_t w, int64_t c) {
    std::vector<float> v(size_t(h * w * c));
    for (size_t i = 0; i < v.size(); ++i) v[i] = float((i * 7919) % 1000) / 1000.0f;
    std::vector<int64_t> shape{h, w};
    if (c > 1) shape.push_back(c);
    writeNpy(path(name).toStdString(), shape, v.data());
}

// A gray 8-bit PNG of side x side zeros: a few hundred KB that decode to side^2 bytes.
void TestCliMemory::writeBomb(const QString& name, int side) {
#ifdef TCONV_TEST_HAVE_ZLIB
    // Deflating 900 MB of zeros takes seconds: once per run, then copied.
    static QTemporaryDir cache;
    const QString cached = cache.filePath("bomb" + QString::number(side) + ".png");
    if (QFile::exists(cached)) {
        QVERIFY(QFile::copy(cached, path(name)));
        return;
    }
    z_stream z{};
    QVERIFY(deflateInit(&z, 1) == Z_OK);
    const std::vector<unsigned char> row(size_t(side) + 1, 0);  // filter byte + samples
    QByteArray idat;
    std::vector<unsigned char> buf(1 << 16);
    for (int y = 0; y <= side; ++y) {
        const bool last = y == side;
        z.next_in = const_cast<unsigned char*>(row.data());
        z.avail_in = last ? 0 : uInt(row.size());
        do {
            z.next_out = buf.data();
            z.avail_out = uInt(buf.size());
            deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
            idat.append(reinterpret_cast<const char*>(buf.data()), qsizetype(buf.size() - z.avail_out));
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    QByteArray ihdr;
    Png::put32(ihdr, uint32_t(side));
    Png::put32(ihdr, uint32_t(side));
    ihdr += QByteArray("\x08\x00\x00\x00\x00", 5);
    QFile f(path(name));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray("\x89PNG\r\n\x1a\n", 8) + Png::chunk("IHDR", ihdr) + Png::chunk("IDAT", idat) +
            Png::chunk("IEND", {}));
    f.close();
    QVERIFY(QFile::copy(path(name), cached));
#else
    Q_UNUSED(name);
    Q_UNUSED(side);
#endif
}

void TestCliMemory::memoryLimitParsedStrictly_data() {
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("why");
    QTest::newRow("garbage") << QByteArray("lots") << "not a whole number";
    QTest::newRow("negative") << QByteArray("-5") << "negative";
    QTest::newRow("zero") << QByteArray("0") << "0 would refuse every job";
    QTest::newRow("overflow") << QByteArray("99999999999999999999999") << "too large";
    QTest::newRow("fraction") << QByteArray("1.5") << "not a whole number";
    QTest::newRow("unit") << QByteArray("64MB") << "not a whole number";
    QTest::newRow("empty") << QByteArray("") << "empty";
}

void TestCliMemory::memoryLimitParsedStrictly() {
    QFETCH(QByteArray, value);
    QFETCH(QString, why);
    writeNpyImage("in.npy", 8, 8, 1);
    for (const QStringList& args :
         {QStringList{"apply", "in.npy", "out.npy"}, QStringList{"analyze", "--size", "8x8"},
          QStringList{"repair", "--kernel", "box", "--kernel-size", "3", "--method", "zoh", "--out", "k.npy"}}) {
        const Measured r = run(args, value);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("TCONV_MEMORY_LIMIT_MB='" + QString::fromLatin1(value) + "'"), qPrintable(r.err));
        QVERIFY2(r.err.contains(why) && r.err.contains("whole number of MiB from 1 to"), qPrintable(r.err));
        QCOMPARE(r.err.count('\n'), 1);
    }
    QVERIFY(!QFile::exists(path("out.npy")));
    QVERIFY(!QFile::exists(path("k.npy")));
    QCOMPARE(run({"apply", "in.npy", "out.npy"}, "64").code, 0);
}

void TestCliMemory::cgroupLimitLowersTheDefault() {
    // A fake cgroup tree: v2 with a limit on the parent, v1 with one on the leaf.
    QVERIFY(QDir(dir_->path()).mkpath("v2/a/b"));
    QVERIFY(QDir(dir_->path()).mkpath("v1/memory/x/y"));
    auto write = [&](const QString& name, const QByteArray& text) {
        QFile f(path(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
    };
    write("v2/memory.max", "max\n");
    write("v2/a/memory.max", "1048576000\n");
    write("v2/a/b/memory.max", "max\n");
    QCOMPARE(cgroupMemoryLimitBytes("0::/a/b\n", path("v2").toStdString()).value_or(0), quint64(1048576000));
    write("v1/memory/x/y/memory.limit_in_bytes", "536870912\n");
    write("v1/memory/x/memory.limit_in_bytes", "9223372036854771712\n");  // v1's "unlimited"
    QCOMPARE(cgroupMemoryLimitBytes("12:cpu,cpuacct:/x/y\n4:memory:/x/y\n", path("v1").toStdString()).value_or(0),
             quint64(536870912));
    QVERIFY(!cgroupMemoryLimitBytes("0::/\n", path("v1").toStdString()));
    QVERIFY(!cgroupMemoryLimitBytes("garbage", path("v2").toStdString()));
}

void TestCliMemory::decompressionBombRefusedBeforeDecoding() {
    if (!kHaveZlib) QSKIP("zlib not found: cannot write the PNG bomb");
    writeBomb("bomb.png", 30000);
    QVERIFY(QFileInfo(path("bomb.png")).size() < 8 * 1024 * 1024);
    const long base = baselineKb();
    const Measured r = run({"apply", "bomb.png", "out.png"}, "64");
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("30000x30000") && r.err.contains("memory limit of 64.0 MiB"), qPrintable(r.err));
    if (kMeasurePeaks) QVERIFY2(r.peakKb < base + kSlackKb, qPrintable(QString::number(r.peakKb)));
    QVERIFY(!QFile::exists(path("out.png")));
}

void TestCliMemory::everyCommandStaysUnderTheLimit_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("words");
    const QStringList far{"--kernel", "box", "--kernel-size", "3", "--dilation", "1000", "--padding", "1000"};
    QTest::newRow("apply bomb") << QStringList{"apply", "bomb.png", "out.npy"} << 2 << "memory limit";
    QTest::newRow("apply huge weight") << QStringList{"apply", "in.npy", "out.npy", "--kernel", "weight.npy"} << 2
                                       << "memory limit";
    QTest::newRow("apply resize-conv bilinear")
        << (QStringList{"apply", "in.npy", "out.npy", "--method", "resize-conv", "--resize", "bilinear"} + far) << 2
        << "memory limit";
    QTest::newRow("apply large output") << QStringList{"apply", "in.npy", "out.png", "--stride", "40"} << 2
                                        << "memory limit";
    QTest::newRow("analyze energy heatmap")
        << (QStringList{"analyze", "--input", "in.npy", "--heatmap", "h.png", "--heatmap-kind", "energy"} + far) << 2
        << "memory limit";
    QTest::newRow("analyze gain heatmap")
        << QStringList{"analyze", "--size", "2000x2000", "--stride", "4", "--heatmap", "h.png"} << 2 << "memory limit";
    QTest::newRow("repair zoh") << QStringList{"repair",     "--kernel", "weight_small.npy",
                                               "--dilation", "100",      "--method",
                                               "zoh",        "--out",    "k.npy"}
                                << 2 << "memory limit";
    QTest::newRow("batch with a bomb") << QStringList{"batch", "imgs", "-o", "out"} << 1 << "memory limit";
}

void TestCliMemory::everyCommandStaysUnderTheLimit() {
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, words);
    if (!kHaveZlib && args.join(' ').contains("bomb")) QSKIP("zlib not found: cannot write the PNG bomb");
    if (!kHaveZlib && args.first() == "batch") QSKIP("zlib not found: cannot write the PNG bomb");
    writeBomb("bomb.png", 30000);
    writeNpyImage("in.npy", 200, 200, 3);
    // A (64, 64, 255, 255) weight: 1 GiB of float32, announced by its header
    // (the data need not be there: the refusal comes first).
    {
        QByteArray header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 64, 255, 255), }";
        while ((10 + header.size() + 1) % 64) header += ' ';
        header += '\n';
        QFile f(path("weight.npy"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("\x93NUMPY\x01\x00", 8) + char(header.size() & 0xff) + char(header.size() >> 8) + header);
    }
    {
        std::vector<float> w(64 * 64 * 9, 0.1f);
        writeNpy(path("weight_small.npy").toStdString(), {64, 64, 3, 3}, w.data());
    }
    QVERIFY(QDir(dir_->path()).mkpath("imgs"));
    if (kHaveZlib) QVERIFY(QFile::copy(path("bomb.png"), path("imgs/bomb.png")));
    QVERIFY(QFile::copy(path("in.npy"), path("imgs/small.npy")));
    const long base = baselineKb();
    const long limitMb = 64;
    const Measured r = run(args, QByteArray::number(qlonglong(limitMb)));
    QVERIFY2(r.code == code && r.err.contains(words), qPrintable(QString::number(r.code) + ": " + r.err));
    if (kMeasurePeaks)
        QVERIFY2(r.peakKb < base + limitMb * 1024 + kSlackKb,
                 qPrintable(QString("peak %1 KiB, baseline %2 KiB").arg(r.peakKb).arg(base)));
}

void TestCliMemory::acceptedJobsPeakWithinTheirEstimate_data() {
    QTest::addColumn<QStringList>("args");
    QTest::newRow("npy to npy") << QStringList{"apply", "in.npy", "out.npy", "--stride", "4"};
    QTest::newRow("npy to png") << QStringList{"apply", "in.npy", "out.png", "--stride", "4"};
    QTest::newRow("resize-conv bilinear") << QStringList{"apply",    "in.npy",   "out.npy",  "--method", "resize-conv",
                                                         "--resize", "bilinear", "--stride", "4"};
    QTest::newRow("resize-conv nearest even stride")
        << QStringList{"apply", "in.npy", "out.npy", "--method", "resize-conv", "--stride", "4"};
    // Batches of four 200x200x3 items (in.npy's bytes), in PyTorch's layout and channels last.
    QTest::newRow("npy batch nchw") << QStringList{"apply", "batch_nchw.npy", "out.npy", "--layout",
                                                   "nchw",  "--stride",       "4"};
    QTest::newRow("npy batch nhwc") << QStringList{"apply", "batch_nhwc.npy", "out.npy", "--stride", "4"};
    QTest::newRow("analyze energy heatmap") << QStringList{
        "analyze", "--input", "in.npy", "--heatmap", "h.png", "--heatmap-kind", "energy", "--stride", "4"};
}

// The refusal at a small limit names the job's estimate; at that limit the job
// runs, and its peak above the process baseline stays within the estimate.
void TestCliMemory::acceptedJobsPeakWithinTheirEstimate() {
    QFETCH(QStringList, args);
    writeNpyImage("in.npy", 400, 400, 3);
    // The same bytes under a 4-D header: a batch of four 200x200x3 items, channels last and in PyTorch's layout.
    for (const auto& [name, shape] : {std::pair<QString, QByteArray>{"batch_nhwc.npy", "(4, 200, 200, 3)"},
                                      std::pair<QString, QByteArray>{"batch_nchw.npy", "(4, 3, 200, 200)"}}) {
        QVERIFY(QFile::copy(path("in.npy"), path(name)));
        QFile f(path(name));
        QVERIFY(f.open(QIODevice::ReadWrite));
        QByteArray head = f.read(128);
        const QByteArray from = "(400, 400, 3)";
        const qsizetype at = head.indexOf(from);
        QVERIFY(at > 0 && head.endsWith('\n'));
        head.replace(at, from.size(), shape);
        head.remove(head.size() - 1 - (shape.size() - from.size()), shape.size() - from.size());  // padding spaces
        QVERIFY(f.seek(0));
        QCOMPARE(f.write(head), qint64(128));
    }
    const long base = baselineKb();
    // Each stage checks before it allocates (the input's header, then the
    // whole job): raise the limit to each named need until the job runs.
    long estimateKb = 0;
    Measured ok = run(args, "1");
    for (int stage = 0; stage < 4 && ok.code == 2; ++stage) {
        const QRegularExpressionMatch m = QRegularExpression("would need ([0-9.]+) (KiB|MiB|GiB)").match(ok.err);
        QVERIFY2(m.hasMatch(), qPrintable(ok.err));
        const double unit = m.captured(2) == "KiB" ? 1.0 : m.captured(2) == "MiB" ? 1024.0 : 1024.0 * 1024.0;
        QVERIFY2(long(m.captured(1).toDouble() * unit) + 1 > estimateKb, qPrintable(ok.err));
        estimateKb = long(m.captured(1).toDouble() * unit) + 103;  // + the rounding of "x.y MiB"
        ok = run(args, QByteArray::number(qlonglong(estimateKb / 1024 + 1)));
    }
    QVERIFY2(ok.code == 0, qPrintable(ok.err));
    if (kMeasurePeaks)
        QVERIFY2(ok.peakKb - base <= estimateKb + kSlackKb,
                 qPrintable(QString("peak %1 KiB above a baseline of %2 KiB, estimate %3 KiB")
                                .arg(ok.peakKb - base)
                                .arg(base)
                                .arg(estimateKb)));
}

void TestCliMemory::nonRegularFilesReadWithABound() {
    writeNpyImage("in.npy", 8, 8, 1);
    const long base = baselineKb();
    // A kernel file that never ends.
    Measured r = run({"apply", "in.npy", "out.npy", "--kernel", "/dev/zero"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("/dev/zero"), qPrintable(r.err));
    if (kMeasurePeaks) QVERIFY2(r.peakKb < base + 2 * kSlackKb, qPrintable(QString::number(r.peakKb)));
    // An input that never ends, through a FIFO fed by a child until it is killed.
    const QByteArray fifo = path("endless").toLocal8Bit();
    QCOMPARE(::mkfifo(fifo.constData(), 0600), 0);
    const pid_t writer = ::fork();
    if (writer == 0) {
        ::signal(SIGPIPE, SIG_DFL);
        const int fd = ::open(fifo.constData(), O_WRONLY);
        std::vector<char> zeros(1 << 16, 0);
        while (fd >= 0 && ::write(fd, zeros.data(), zeros.size()) > 0) {
        }
        ::_exit(0);
    }
    r = run({"apply", "endless", "out.npy"}, "32");
    ::kill(writer, SIGKILL);
    ::waitpid(writer, nullptr, 0);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("memory limit of 32.0 MiB"), qPrintable(r.err));
    if (kMeasurePeaks) QVERIFY2(r.peakKb < base + 32 * 1024 + kSlackKb, qPrintable(QString::number(r.peakKb)));
    QVERIFY(!QFile::exists(path("out.npy")));
}

void TestCliMemory::benchThreadsCapped() {
    // 100000 threads made oneTBB's arena destructor crash: refused up front.
    const Measured r = run({"bench", "--threads", "100000", "--size", "8x8x1", "--repeat", "1"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--threads 100000") && r.err.contains("per hardware thread"), qPrintable(r.err));
    const QString most = QString::number(4 * std::max(1u, std::thread::hardware_concurrency()));
    QVERIFY2(r.err.contains("at most " + most), qPrintable(r.err));
    QCOMPARE(run({"bench", "--threads", most, "--size", "8x8x1", "--repeat", "1", "--backend", "cpu"}).code, 0);
}

void TestCliMemory::kernelSizeCapped_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("words");
    QTest::newRow("apply preset 4096") << QStringList{"apply", "in.npy",        "out.npy", "--kernel",
                                                      "box",   "--kernel-size", "4096"}
                                       << "kernel_height: 4096";
    QTest::newRow("apply preset 3x256") << QStringList{"apply", "in.npy",        "out.npy", "--kernel",
                                                       "box",   "--kernel-size", "3x256"}
                                        << "kernel_width: 256";
    QTest::newRow("analyze 4096") << QStringList{"analyze", "--kernel", "gaussian", "--kernel-size", "4096"}
                                  << "kernel_height: 4096";
    QTest::newRow("repair 4096") << QStringList{"repair",   "--kernel", "box",   "--kernel-size", "4096",
                                                "--method", "additive", "--out", "k.npy"}
                                 << "kernel_height: 4096";
    QTest::newRow("npy kernel 300x4") << QStringList{"apply", "in.npy", "out.npy", "--kernel", "big.npy"} << "300x4";
    QTest::newRow("text kernel 1x300") << QStringList{"apply", "in.npy", "out.npy", "--kernel", "wide.txt"}
                                       << "kernel_width: 300";
}

void TestCliMemory::kernelSizeCapped() {
    QFETCH(QStringList, args);
    QFETCH(QString, words);
    writeNpyImage("in.npy", 8, 8, 1);
    std::vector<float> big(300 * 4, 0.01f);
    writeNpy(path("big.npy").toStdString(), {300, 4}, big.data());
    QFile wide(path("wide.txt"));
    QVERIFY(wide.open(QIODevice::WriteOnly));
    for (int i = 0; i < 300; ++i) wide.write("0.5 ");
    wide.close();
    const Measured r = run(args);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("at most 255") || r.err.contains("maximum kernel size 255"), qPrintable(r.err));
    QVERIFY2(r.err.contains(words), qPrintable(r.err));
    QVERIFY(!QFile::exists(path("out.npy")) && !QFile::exists(path("k.npy")));
    // The largest allowed size runs.
    QCOMPARE(run({"apply", "in.npy", "out.npy", "--kernel", "box", "--kernel-size", "255", "--stride", "1"}).code, 0);
}

// Batch checks each image's whole job (the encode buffers too) against its
// share of the limit (limit / max-in-flight), not only the convolution's.
void TestCliMemory::batchChecksTheWholeJob() {
    QVERIFY(QDir(dir_->path()).mkpath("in"));
    writeNpyImage("in/a.npy", 200, 200, 3);  // output 402x402x3: 1.8 MiB, and as much again to encode
    Measured r = run({"batch", "in", "-o", "out", "--jobs", "1", "--max-in-flight", "1"}, "3");
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("encoding") && r.err.contains("memory limit of 3.0 MiB"), qPrintable(r.err));
    r = run({"batch", "in", "-o", "out", "--jobs", "1", "--max-in-flight", "1"}, "5");
    QVERIFY2(r.code == 0, qPrintable(r.err));
}

void TestCliMemory::nonFiniteInputsWarnOnce() {
    std::vector<float> v(8 * 8, 0.25f);
    v[10] = std::numeric_limits<float>::quiet_NaN();
    v[20] = std::numeric_limits<float>::infinity();
    writeNpy(path("nan.npy").toStdString(), {8, 8}, v.data());
    Measured r = run({"apply", "nan.npy", "out.npy"});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.err.count("warning"), 1);
    QVERIFY2(r.err.contains("'nan.npy' holds 1 NaN and 1 infinite values") && r.err.contains("as in PyTorch"),
             qPrintable(r.err));
    // Passed through like PyTorch: NaN where the window touches it.
    const NpyArray out = readNpy(path("out.npy").toStdString());
    QVERIFY(std::any_of(out.values.begin(), out.values.end(), [](float x) { return std::isnan(x); }));
    QVERIFY(std::any_of(out.values.begin(), out.values.end(), [](float x) { return std::isfinite(x); }));
    // A clean input says nothing.
    writeNpyImage("clean.npy", 8, 8, 1);
    r = run({"apply", "clean.npy", "out2.npy"});
    QCOMPARE(r.code, 0);
    QVERIFY2(!r.err.contains("warning"), qPrintable(r.err));
    // Batch: one warning for the run, however many inputs hold NaN.
    QVERIFY(QDir(dir_->path()).mkpath("many"));
    for (const char* name : {"many/a.npy", "many/b.npy", "many/c.npy"})
        QVERIFY(QFile::copy(path("nan.npy"), path(name)));
    r = run({"batch", "many", "-o", "many_out"});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.err.count("warning: "), 1);
    // Documented.
    r = run({"apply", "--help"});
    QFile help(path("stdout.txt"));
    QVERIFY(help.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(help.readAll());
    QVERIFY2(text.contains("NaN and infinity pass through as in PyTorch"), qPrintable(text));
    QVERIFY2(text.contains("EXIF orientation"), qPrintable(text));
}

void TestCliMemory::exifOrientationApplied() {
#ifdef TCONV_HAVE_OPENCV
    // Stored 64 wide x 32 high: left half white, right half black. EXIF
    // orientation 6 (rotate 90 degrees clockwise to view): 32 wide x 64 high,
    // white on top.
    cv::Mat stored(32, 64, CV_8UC3, cv::Scalar(0, 0, 0));
    stored(cv::Rect(0, 0, 32, 32)).setTo(cv::Scalar(255, 255, 255));
    std::vector<unsigned char> jpeg;
    QVERIFY(cv::imencode(".jpg", stored, jpeg, {cv::IMWRITE_JPEG_QUALITY, 100}));
    // APP1 "Exif": a little-endian TIFF header and one IFD entry, Orientation = 6.
    const unsigned char app1[] = {0xFF, 0xE1, 0x00, 0x22, 'E',  'x',  'i',  'f',  0,
                                  0,    'I',  'I',  0x2A, 0x00, 0x08, 0x00, 0x00, 0x00,  // TIFF header, IFD at 8
                                  0x01, 0x00,                                            // 1 entry
                                  0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06,
                                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};  // no next IFD
    QCOMPARE(int(sizeof app1), 2 + 0x22);
    QByteArray bytes(reinterpret_cast<const char*>(jpeg.data()), 2);  // SOI
    bytes += QByteArray(reinterpret_cast<const char*>(app1), sizeof app1);
    bytes += QByteArray(reinterpret_cast<const char*>(jpeg.data()) + 2, qsizetype(jpeg.size() - 2));
    QFile f(path("portrait.jpg"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
    f.close();
    const Measured r =
        run({"apply", "portrait.jpg", "out.npy", "--kernel", "box", "--kernel-size", "1", "--stride", "1"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const NpyArray out = readNpy(path("out.npy").toStdString());
    QCOMPARE(out.shape, (std::vector<int64_t>{64, 32, 3}));
    auto at = [&](int y, int x) { return out.values[size_t((y * 32 + x) * 3)]; };
    QVERIFY2(at(8, 16) > 0.9f && at(56, 16) < 0.1f, qPrintable(QString("%1 %2").arg(at(8, 16)).arg(at(56, 16))));
    // The header-first memory check sees the turned size too.
    cv::Mat big(512, 1024, CV_8UC3, cv::Scalar(10, 20, 30));
    QVERIFY(cv::imencode(".jpg", big, jpeg));
    bytes = QByteArray(reinterpret_cast<const char*>(jpeg.data()), 2);
    bytes += QByteArray(reinterpret_cast<const char*>(app1), sizeof app1);
    bytes += QByteArray(reinterpret_cast<const char*>(jpeg.data()) + 2, qsizetype(jpeg.size() - 2));
    QFile g(path("big.jpg"));
    QVERIFY(g.open(QIODevice::WriteOnly));
    g.write(bytes);
    g.close();
    const Measured refused = run({"apply", "big.jpg", "out2.npy"}, "1");
    QCOMPARE(refused.code, 2);
    QVERIFY2(refused.err.contains("(1024x512x3)"), qPrintable(refused.err));
#else
    QSKIP("built without OpenCV");
#endif
}

// A layer that mixes many channels runs as matrix products over a copy of the
// input padded by the kernel's extent, with the weights packed beside the
// originals (engine/cpu/GemmPath.cpp); the job's estimate counts both.
void TestCliMemory::channelMixingWorkspaceCounted() {
    writeNpyImage("mix.npy", 40, 40, 64);
    std::vector<float> w(size_t(64) * 64 * 4 * 4, 0.01f);
    writeNpy(path("mixw.npy").toStdString(), {64, 64, 4, 4}, w.data());
    const QStringList args{"apply",    "mix.npy", "mix_out.npy", "--kernel", "mixw.npy",
                           "--stride", "2",       "--padding",   "1"};
    // Raise the limit to each stage's named need until the job runs.
    Measured r = run(args, "1");
    QString lastRefusal;
    for (int stage = 0; stage < 4 && r.code == 2; ++stage) {
        const QRegularExpressionMatch m = QRegularExpression("would need ([0-9.]+) (KiB|MiB)").match(r.err);
        QVERIFY2(m.hasMatch(), qPrintable(r.err));
        lastRefusal = r.err;
        const double mib = m.captured(1).toDouble() / (m.captured(2) == "KiB" ? 1024.0 : 1.0);
        r = run(args, QByteArray::number(qlonglong(std::ceil(mib)) + 1));
    }
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(lastRefusal.contains("padded input copy") || lastRefusal.contains("packed weights"),
             qPrintable(lastRefusal));
}

QTEST_GUILESS_MAIN(TestCliMemory)
#include "test_cli_memory.moc"
