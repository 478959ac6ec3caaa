// SPDX-License-Identifier: MIT
// The codec path of a batch: the vectorized pixel conversions against an
// independent double-precision reference (edge values included), captures of
// the libraries' stderr running concurrently under a QuietStderr and still
// each getting exactly its own text, and `tconv batch --jobs 2` refusing
// damaged files with the libraries' reasons and nothing else on stderr.
#include <QProcess>
#include <QtTest>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <random>
#include <thread>

#include "batch/BatchTestUtil.h"
#include "common/PixelConversion.h"
#include "common/StderrCapture.h"

using namespace tconv;
using namespace tconv::app;
using namespace tconv::batchtest;

namespace {

// The definition, in double: clamp to [0, 1] (NaN -> 0), round half up.
double quantizeReference(float f, double maxValue) {
    double v = f;
    v = std::isnan(v) ? 0.0 : std::min(1.0, std::max(0.0, v));
    return std::floor(v * maxValue + 0.5);
}

// Seeded values around [0, 1] plus, for every level k, the floats nearest to
// the rounding boundary (k + 1/2) / M on both sides, and the special values.
std::vector<float> quantizeInputs(double maxValue) {
    std::vector<float> v;
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-0.25f, 1.25f);
    for (int i = 0; i < 100000; ++i) v.push_back(u(rng));
    const int step = maxValue > 255 ? 13 : 1;
    for (int k = 0; k <= int(maxValue); k += step) {
        const float b = float((k + 0.5) / maxValue);
        float down = b, up = b;
        for (int s = 0; s < 4; ++s) {
            v.push_back(down);
            v.push_back(up);
            down = std::nextafter(down, 0.0f);
            up = std::nextafter(up, 2.0f);
        }
        v.push_back(float(k / maxValue));
    }
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    for (float s : {nan, -nan, inf, -inf, 0.0f, -0.0f, 1.0f, 0.5f, std::nextafter(1.0f, 2.0f), 1e-30f, -1e-30f, 3e38f})
        v.push_back(s);
    return v;
}

// Makes fd 2 a temporary file for the scope (the "user's terminal").
class UserStderrFile {
public:
    UserStderrFile() {
        std::fflush(stderr);
        char name[] = "/tmp/tconv-test-stderr-XXXXXX";
        fd_ = ::mkstemp(name);
        ::unlink(name);
        saved_ = ::dup(2);
        ::dup2(fd_, 2);
    }
    ~UserStderrFile() {
        std::fflush(stderr);
        ::dup2(saved_, 2);
        ::close(saved_);
        ::close(fd_);
    }
    std::string text() const {
        std::string t;
        char buf[4096];
        ssize_t n;
        for (off_t at = 0; (n = ::pread(fd_, buf, sizeof buf, at)) > 0; at += n) t.append(buf, size_t(n));
        return t;
    }

private:
    int fd_ = -1, saved_ = -1;
};

// Runs `captures` captures on each of `threads` threads; every 5th one prints
// its own line to fd 2, the others sleep briefly. Returns the largest number
// of captures seen running at once; fails the test when a capture returns
// anything but its own line.
int concurrentCaptures(int threads, int captures) {
    std::atomic<int> inside{0}, most{0}, wrong{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            for (int i = 0; i < captures; ++i) {
                const bool loud = i % 5 == 0;
                const std::string line = "thread " + std::to_string(t) + " capture " + std::to_string(i) + "\n";
                const std::string got = captureStderr([&] {
                    const int now = ++inside;
                    for (int m = most; now > m && !most.compare_exchange_weak(m, now);) {
                    }
                    if (loud) (void)!::write(2, line.data(), line.size());
                    else std::this_thread::sleep_for(std::chrono::microseconds(500));
                    --inside;
                });
                if (got != (loud ? line : std::string())) ++wrong;
            }
        });
    for (std::thread& th : pool) th.join();
    if (wrong) qWarning("%d captures returned another capture's text", wrong.load());
    return wrong ? -1 : most.load();
}

#if defined(TCONV_HAVE_OPENCV)
bool flipByteAfter(std::string& bytes, const std::string& tag, size_t offset) {
    const size_t at = bytes.find(tag);
    if (at == std::string::npos || at + offset >= bytes.size()) return false;
    bytes[at + offset] = char(bytes[at + offset] ^ 0x5A);
    return true;
}

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
#endif

}  // namespace

class TestBatchCodec : public QObject {
    Q_OBJECT
private slots:
    void quantizeRoundsHalfUpExactly();
    void quantizeHandChecked();
    void normalizeIsExactDivision();
    void quietCapturesRunConcurrentlyEachGetsItsOwnText();
    void capturesWithoutQuietAreSerialized();
    void batchWithJobsRefusesDamagedFiles();
    void pngCompressionChangesSizeNotPixels();
};

void TestBatchCodec::quantizeRoundsHalfUpExactly() {
    for (double maxValue : {255.0, 65535.0}) {
        const std::vector<float> in = quantizeInputs(maxValue);
        // Every start offset up to 17: the SIMD body and the scalar tail.
        for (size_t off = 0; off < 17; ++off) {
            const size_t n = in.size() - off;
            std::vector<uint8_t> q8(n);
            std::vector<uint16_t> q16(n);
            if (maxValue == 255.0) quantizeRow(in.data() + off, q8.data(), n);
            else quantizeRow(in.data() + off, q16.data(), n);
            for (size_t i = 0; i < n; ++i) {
                const double got = maxValue == 255.0 ? q8[i] : q16[i];
                if (got != quantizeReference(in[off + i], maxValue))
                    QFAIL(qPrintable(QString("M=%1 value %2 (%3): got %4, want %5")
                                         .arg(maxValue)
                                         .arg(double(in[off + i]), 0, 'g', 12)
                                         .arg(i)
                                         .arg(got)
                                         .arg(quantizeReference(in[off + i], maxValue))));
            }
        }
    }
}

void TestBatchCodec::quantizeHandChecked() {
    const std::vector<float> in{
        -1.0f,      0.0f,       0.5f,        0.2f,         1.0f,  2.5f, std::numeric_limits<float>::quiet_NaN(),
        1.0f / 255, 0.5f / 255, 0.49f / 255, 254.5f / 255, 0.999f};
    std::vector<uint8_t> q8(in.size());
    std::vector<uint16_t> q16(in.size());
    quantizeRow(in.data(), q8.data(), in.size());
    quantizeRow(in.data(), q16.data(), in.size());
    // 0.5 * 255 = 127.5 rounds up; float(0.5 / 255) * 255 = 0.50000003 -> 1.
    // float(254.5 / 255) * 255 = 254.4999924 -> 254, where a float product
    // (254.5 after rounding) would give 255.
    QCOMPARE(q8, (std::vector<uint8_t>{0, 0, 128, 51, 255, 255, 0, 1, 1, 0, 254, 255}));
    QCOMPARE(q16[2], uint16_t(32768));
    QCOMPARE(q16[4], uint16_t(65535));
    QCOMPARE(q16[6], uint16_t(0));
    QCOMPARE(q16[11], uint16_t(65469));  // 0.999 * 65535 = 65469.465
}

void TestBatchCodec::normalizeIsExactDivision() {
    std::vector<uint8_t> a(256 + 5);
    std::vector<uint16_t> b(65536 + 5);
    for (size_t i = 0; i < a.size(); ++i) a[i] = uint8_t(i);
    for (size_t i = 0; i < b.size(); ++i) b[i] = uint16_t(i);
    std::vector<float> fa(a.size()), fb(b.size());
    normalizeRow(a.data(), fa.data(), a.size());
    normalizeRow(b.data(), fb.data(), b.size());
    for (size_t i = 0; i < a.size(); ++i) QCOMPARE(fa[i], float(a[i]) / 255.0f);
    for (size_t i = 0; i < b.size(); ++i)
        if (fb[i] != float(b[i]) / 65535.0f) QFAIL(qPrintable(QString("16-bit value %1").arg(b[i])));
    QCOMPARE(fa[255], 1.0f);
    QCOMPARE(fb[65535], 1.0f);
}

void TestBatchCodec::quietCapturesRunConcurrentlyEachGetsItsOwnText() {
    UserStderrFile user;
    {
        QuietStderr quiet;
        QVERIFY(quiet.active());
        QVERIFY(userStderrFd() != 2);
        const int most = concurrentCaptures(4, 60);
        QVERIFY2(most >= 2, qPrintable(QString("captures never overlapped (most at once: %1)").arg(most)));
        // Library noise outside any capture goes to the sink, not to the user.
        std::fprintf(stderr, "stray library noise\n");
        passOnLibraryNoise("a warning\n");
        std::fprintf(quiet.out(), "shown to the user\n");
    }
    QCOMPARE(userStderrFd(), 2);
    std::fprintf(stderr, "after\n");
    std::fflush(stderr);
    QCOMPARE(user.text(), std::string("shown to the user\nafter\n"));
}

void TestBatchCodec::capturesWithoutQuietAreSerialized() {
    UserStderrFile user;
    QCOMPARE(concurrentCaptures(3, 20), 1);
    passOnLibraryNoise("a warning\n");
    QCOMPARE(user.text(), std::string("a warning\n"));
}

void TestBatchCodec::batchWithJobsRefusesDamagedFiles() {
#if !defined(TCONV_HAVE_OPENCV)
    QSKIP("built without OpenCV");
#else
    QTemporaryDir tmp;
    const fs::path root(tmp.path().toStdString()), in = root / "in";
    std::vector<std::string> good;
    for (int i = 0; i < 12; ++i) {
        const std::string name = "good" + std::to_string(i) + (i % 2 ? ".jpg" : ".png");
        writeImage(in / name, 40 + i, 48, 3, unsigned(i));
        good.push_back(fs::path(name).replace_extension(".png").string());
    }
    writeImage(root / "full.png", 40, 48, 3, 99);
    writeImage(root / "full.jpg", 40, 48, 3, 99);
    const std::string png = readAll(root / "full.png"), jpg = readAll(root / "full.jpg");
    std::vector<std::pair<std::string, std::string>> bad;  // file, what its line must say
    for (int i = 0; i < 3; ++i) {
        std::string crc = png;
        QVERIFY(flipByteAfter(crc, "IDAT", 20 + size_t(i)));
        writeText(in / ("crc" + std::to_string(i) + ".png"), crc);
        bad.push_back({"crc" + std::to_string(i) + ".png", "libpng"});
        writeText(in / ("cut" + std::to_string(i) + ".png"), png.substr(0, png.size() / 2));
        bad.push_back({"cut" + std::to_string(i) + ".png", "libpng"});
        // Scan data overwritten, markers intact: libjpeg fills in and only warns.
        std::string scan = jpg;
        const size_t mid = jpg.size() / 2 + size_t(i);
        scan.replace(mid, 4, "\xFF\xD0\xFF\xD3");
        writeText(in / ("scan" + std::to_string(i) + ".jpg"), scan);
        bad.push_back({"scan" + std::to_string(i) + ".jpg", "Corrupt JPEG"});
    }
    QString firstErr;
    for (const char* jobs : {"1", "2"}) {
        const fs::path out = root / (std::string("out") + jobs);
        QProcess p;
        p.start(TCONV_EXE, {"batch", QString::fromStdString(in.string()), "-o", QString::fromStdString(out.string()),
                            "--format", "png", "--jobs", jobs, "-q"});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 1);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(listFiles(out), sorted(good));
        const QStringList lines = err.split('\n', Qt::SkipEmptyParts);
        // The heading and one line per damaged file: no raw library output.
        QCOMPARE(lines.size(), int(bad.size()) + 1);
        QVERIFY2(lines[0].contains(QString("%1 failed:").arg(bad.size())), qPrintable(err));
        for (const auto& [file, reason] : bad) {
            const QStringList hit = lines.filter(QString::fromStdString("/" + file + "'"));
            QVERIFY2(hit.size() == 1, qPrintable(QString::fromStdString(file) + " in:\n" + err));
            QVERIFY2(hit[0].contains(QString::fromStdString(reason)), qPrintable(hit[0]));
        }
        // The same reasons whether decodes run one at a time or concurrently.
        if (firstErr.isEmpty()) firstErr = err;
        else QCOMPARE(err, firstErr);
    }
#endif
}

// --png-compression: level 0 stores, 9 packs hardest; the pixels are the same
// at every level, and 'fast' is what a batch without the option writes.
void TestBatchCodec::pngCompressionChangesSizeNotPixels() {
#if !defined(TCONV_HAVE_OPENCV)
    QSKIP("built without OpenCV");
#else
    QTemporaryDir tmp;
    const fs::path root(tmp.path().toStdString()), in = root / "in";
    // Smooth content (what PNG compresses well), 16-bit so both depths are exercised by the levels.
    for (int i = 0; i < 3; ++i) {
        Tensor t(Shape4{1, 3, 48, 64});
        for (int c = 0; c < 3; ++c)
            for (int y = 0; y < 48; ++y)
                for (int x = 0; x < 64; ++x)
                    t.storage()[(size_t(c) * 48 + y) * 64 + x] = float((x * (c + 1) + y * (i + 2)) % 97) / 96.0f;
        fs::create_directories(in);
        app::saveImage((in / ("g" + std::to_string(i) + ".png")).string(), t, i == 2 ? 16 : 8);
    }
    auto run = [&](const QStringList& extra) {
        QProcess p;
        p.start(TCONV_EXE, QStringList{"batch", QString::fromStdString(in.string()), "-q", "--jobs", "2"} + extra);
        p.waitForFinished(120000);
        return std::make_pair(p.exitCode(), QString::fromUtf8(p.readAllStandardError()));
    };
    auto folderBytes = [&](const fs::path& dir) {
        uintmax_t n = 0;
        for (const std::string& f : listFiles(dir)) n += fs::file_size(dir / f);
        return n;
    };
    for (const char* level : {"0", "9", "fast"})
        QCOMPARE(run({"-o", QString::fromStdString((root / level).string()), "--png-compression", level}).first, 0);
    QCOMPARE(run({"-o", QString::fromStdString((root / "default").string())}).first, 0);
    QVERIFY(folderBytes(root / "0") > folderBytes(root / "9"));
    for (int i = 0; i < 3; ++i) {
        const std::string name = "g" + std::to_string(i) + ".png";
        const Tensor a = app::loadImage((root / "0" / name).string()).tensor;
        for (const char* other : {"9", "fast"})
            QVERIFY(app::loadImage((root / other / name).string()).tensor.storage() == a.storage());
        QCOMPARE(readAll(root / "default" / name), readAll(root / "fast" / name));
    }
    for (const char* bad : {"10", "-1", "x", "", "1.5"}) {
        const auto [code, err] = run({"-o", QString::fromStdString((root / "bad").string()), "--png-compression", bad});
        QCOMPARE(code, 2);
        QVERIFY2(
            err.contains(QString("--png-compression: expected fast or a level from 0 to 9, but got '%1'").arg(bad)),
            qPrintable(err));
    }
    QVERIFY(!fs::exists(root / "bad"));
#endif
}

QTEST_APPLESS_MAIN(TestBatchCodec)
#include "test_batch_codec.moc"
