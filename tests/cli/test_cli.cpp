// SPDX-License-Identifier: MIT
// The tconv binary as users run it: exit codes 0/1/2 with one-line errors,
// every bad option value, .npy and image round trips checked value by value
// (images written and read with OpenCV directly), results against the
// reference implementation, corrupt inputs, atomic output, and `tconv info`.
#include <QJsonDocument>
#include <QJsonObject>
#include <QDir>
#include <QProcess>
#include <QtTest>

#include "common/ProcessResult.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>

#include "common/TestPrinters.h"
#include "backends/BackendFactory.h"
#include "core/ConvLayer.h"
#include "core/KernelPresets.h"
#include "core/NpyFile.h"
#include "core/ReferenceConvTranspose.h"

#ifdef TCONV_HAVE_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#endif

using namespace tconv;

namespace {

// What a refused image output says: the format's limit, or in a build
// without OpenCV that images cannot be written at all.
#ifdef TCONV_HAVE_OPENCV
#define IMAGE_REFUSAL(words) words
#else
#define IMAGE_REFUSAL(words) "no image support"
#endif

using Result = ProcessResult;

// An .npy with any dtype and raw data, for the formats writeNpy never produces.
QByteArray npyBytes(const QByteArray& descr, const QByteArray& shape, const QByteArray& data, bool fortran = false) {
    QByteArray header =
        "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
    while ((10 + header.size() + 1) % 64) header += ' ';
    header += '\n';
    QByteArray f("\x93NUMPY\x01\x00", 8);
    f += char(header.size() & 0xff);
    f += char(header.size() >> 8);
    return f + header + data;
}

// (1, C, H, W) tensor from an .npy written by tconv: (H, W) or (H, W, C).
Tensor tensorFromNpy(const NpyArray& a) {
    const int64_t h = a.shape[0], w = a.shape[1], c = a.shape.size() == 3 ? a.shape[2] : 1;
    Tensor t(Shape4{1, c, h, w});
    for (int64_t ch = 0; ch < c; ++ch)
        for (int64_t i = 0; i < h * w; ++i) t.plane(0, ch)[i] = a.values[size_t(i * c + ch)];
    return t;
}

std::vector<float> interleave(const Tensor& t) {
    const Shape4 s = t.shape();
    std::vector<float> v(size_t(s.count()));
    for (int64_t c = 0; c < s.c; ++c)
        for (int64_t i = 0; i < s.h * s.w; ++i) v[size_t(i * s.c + c)] = t.plane(0, c)[i];
    return v;
}

Tensor randomTensor(Shape4 s, uint32_t seed) {
    Tensor t(s);
    uint32_t x = seed * 2654435761u + 1;
    for (float& v : t.storage()) {
        x = x * 1664525u + 1013904223u;
        v = float(x >> 8) / float(1 << 24);
    }
    return t;
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void helpAndUsage();
    void oneErrorFormatForEveryCommand();
    void refusals_data();
    void refusals();
    void cudaRequestedWithoutDevice();
    void npyNearestReplicatesExactly();
    void npyChannelsAndAnisotropicStride();
    void optionSyntaxes();
    void defaultsAreBilinearStride2();
    void presetMatchesReference_data();
    void presetMatchesReference();
    void textKernelFileIsUsedRaw();
    void npyKernelFileAndFullWeight();
    void integerNpyInputsAreScaled();
    void npyToPngClampsAndQuantizes();
    void png8BitRgbRoundTrip();
    void png16BitAndTiff16Bit_data();
    void png16BitAndTiff16Bit();
    void grayAndRgbaImages();
    void eightBitOnlyFormats();
    void corruptImagesRefused_data();
    void corruptImagesRefused();
    void writeFailureLeavesNothing();
    void failedRunKeepsExistingOutput();
    void resizeConvHasTransposedShape();
    void infoReportsSimdAndCuda();

private:
    QString path(const QString& name) const { return dir_->filePath(name); }
    Result tconv(const QStringList& args, qint64 fileSizeLimit = 0);
    void writeNpyFile(const QString& name, const Tensor& t);
    void writeRaw(const QString& name, const QByteArray& bytes);
    NpyArray readOut(const QString& name) { return readNpy(path(name).toStdString()); }
    QStringList dirListing() const {
        return QDir(dir_->path()).entryList(QDir::Files | QDir::Hidden | QDir::Dirs | QDir::NoDotAndDotDot);
    }
    void expectError(const Result& r, int code, const QString& words);
    std::unique_ptr<QTemporaryDir> dir_;
};

void TestCli::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
}

void TestCli::cleanup() { dir_.reset(); }

Result TestCli::tconv(const QStringList& args, qint64 fileSizeLimit) {
    QProcess p;
    p.setWorkingDirectory(dir_->path());
    if (fileSizeLimit > 0) {
        // A coverage build's tconv writes its .gcda counters at exit, under this same limit: keep them (and
        // libgcov's complaints) away from this run's stderr and from the counters the other runs add to.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("GCOV_PREFIX", QDir::tempPath() + "/tconv-test-gcov-limited");
        env.insert("GCOV_ERROR_FILE", "/dev/null");
        p.setProcessEnvironment(env);
        // Runs in the child before exec: files may not grow past the limit, and
        // with SIGXFSZ ignored (inherited through exec) a write past it fails
        // with EFBIG instead of killing the process -- a disk-full stand-in.
        p.setChildProcessModifier([fileSizeLimit] {
            ::signal(SIGXFSZ, SIG_IGN);
            rlimit r{rlim_t(fileSizeLimit), rlim_t(fileSizeLimit)};
            ::setrlimit(RLIMIT_FSIZE, &r);
        });
    }
    p.start(TCONV_EXE, args);
    return finishProcess(p);
}

void TestCli::writeNpyFile(const QString& name, const Tensor& t) {
    const Shape4 s = t.shape();
    const std::vector<float> v = interleave(t);
    if (s.c == 1) writeNpy(path(name).toStdString(), {s.h, s.w}, v.data());
    else writeNpy(path(name).toStdString(), {s.h, s.w, s.c}, v.data());
}

void TestCli::writeRaw(const QString& name, const QByteArray& bytes) {
    QFile f(path(name));
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}

void TestCli::expectError(const Result& r, int code, const QString& words) {
    QVERIFY2(r.code == code, qPrintable(QString("exit %1 (want %2), stderr: %3").arg(r.code).arg(code).arg(r.err)));
    QVERIFY2(r.err.startsWith("tconv: error: "), qPrintable(r.err));
    QVERIFY2(r.err.count('\n') == 1 && r.err.endsWith('\n'), qPrintable("not one line: " + r.err));
    QVERIFY2(r.err.contains(words, Qt::CaseInsensitive), qPrintable("'" + words + "' not in: " + r.err));
}

void TestCli::helpAndUsage() {
    Result r = tconv({"apply", "--help"});
    QCOMPARE(r.code, 0);
    for (const char* word :
         {"--kernel-size", "--stride", "--padding", "--output-padding", "--dilation", "--kernel", "--groups", "--bias",
          "--backend", "--sigma", "--seed", "--method", "--resize", "default 2", "bilinear",
          // issue 13's I/O: batches, PyTorch's layout, bias files, the parameters line
          "--layout", "nhwc|nchw", "(N,H,W,C)", "(N,C,H,W)", "V[,V...]|FILE.npy", "(C_out,)", "tconv: applied"})
        QVERIFY2(r.out.contains(word), word);
    QCOMPARE(tconv({}).code, 2);
    QCOMPARE(tconv({"frobnicate"}).code, 2);
    QCOMPARE(tconv({"--help"}).code, 0);
    QCOMPARE(tconv({"info", "--help"}).code, 0);
}

// The command-line contract is kept in one place (app/cli/CommandLine.cpp):
// every command's --help goes to stdout with exit 0, and every usage error of
// every command is one "tconv: error: ..." line with exit 2.
void TestCli::oneErrorFormatForEveryCommand() {
    const Result none = tconv({});
    QCOMPARE(none.code, 2);
    QVERIFY2(none.out.isEmpty() && none.err.contains("Usage: tconv"), qPrintable(none.err));
    for (const QStringList& help : {QStringList{"--help"}, QStringList{"help"}, QStringList{"-h"}}) {
        const Result r = tconv(help);
        QCOMPARE(r.code, 0);
        for (const char* command : {"apply", "batch", "batch-report", "analyze", "repair", "bench", "info"})
            QVERIFY2(r.out.contains(command), command);
    }
    expectError(tconv({"frobnicate"}), 2, "unknown command 'frobnicate' (expected apply, batch");
    expectError(tconv({"--frob"}), 2, "unknown option '--frob'");
    const QStringList commands{"apply", "batch", "analyze", "repair", "bench", "info"};
    for (const QString& command : commands) {
        const Result help = tconv({command, "--help"});
        QVERIFY2(help.code == 0 && help.err.isEmpty(), qPrintable(command + ": " + help.err));
        QVERIFY2(help.out.contains("Usage: tconv " + command), qPrintable(help.out));
        expectError(tconv({command, "--frob"}), 2, "unknown option '--frob' (see tconv " + command + " --help)");
    }
    const Result mergeHelp = tconv({"batch-report", "merge", "--help"});
    QVERIFY2(mergeHelp.code == 0 && mergeHelp.out.contains("REPORT.csv"), qPrintable(mergeHelp.out));
    expectError(tconv({"batch-report", "merge", "--frob"}), 2, "unknown option '--frob'");
    // A missing value names the option, with the short or the long spelling.
    expectError(tconv({"apply", "--kernel"}), 2, "--kernel needs a value");
    expectError(tconv({"batch", "in", "-o"}), 2, "--output needs a value");
    expectError(tconv({"bench", "--repeat"}), 2, "--repeat needs a value");
    expectError(tconv({"analyze", "--window"}), 2, "--window needs a value");
    expectError(tconv({"repair", "--out"}), 2, "--out needs a value");
    expectError(tconv({"batch-report", "merge", "d", "--output"}), 2, "--output needs a value");
    // A value that is not a number where one is expected names the value.
    expectError(tconv({"analyze", "--window", "0"}), 2, "--window: expected a positive number, but got '0'");
    expectError(tconv({"apply", "in.npy", "out.npy", "--padding", "1x"}), 2, "'1x'");
    expectError(tconv({"batch-report", "merge", "d", "-o", "r.txt"}), 2, "must end in .csv");
}

void TestCli::refusals_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("words");
    const QStringList io{"apply", "in.npy", "out.npy"};
    auto row = [&](const char* name, QStringList extra, int code, const char* words, QStringList base = {}) {
        QTest::newRow(name) << (base.isEmpty() ? io : base) + extra << code << QString(words);
    };
    // Usage and parameter errors: exit 2.
    row("no files", {}, 2, "INPUT and OUTPUT", {"apply"});
    row("one file", {}, 2, "INPUT and OUTPUT", {"apply", "in.npy"});
    row("three files", {}, 2, "3 file", {"apply", "in.npy", "out.npy", "x.npy"});
    row("unknown option", {"--frob"}, 2, "unknown option '--frob'");
    row("missing value", {"--stride"}, 2, "--stride needs a value");
    row("stride 0", {"--stride", "0"}, 2, "stride");
    row("stride 2x", {"--stride", "2x"}, 2, "'2x'");
    row("stride x2", {"--stride", "x2"}, 2, "'x2'");
    row("stride 2x2x2", {"--stride", "2x2x2"}, 2, "'2x2x2'");
    row("stride abc", {"--stride", "abc"}, 2, "N or HxW");
    row("stride 1.5", {"--stride", "1.5"}, 2, "'1.5'");
    row("stride empty", {"--stride="}, 2, "--stride");
    row("stride negative", {"--stride", "-2"}, 2, "stride");
    row("stride overflow", {"--stride", "99999999999"}, 2, "99999999999");
    row("kernel size 0", {"--kernel-size", "0"}, 2, "kernel size");
    row("padding -1", {"--padding", "-1"}, 2, "padding");
    row("dilation 0", {"--dilation", "0x1"}, 2, "dilation");
    row("output padding = stride", {"--output-padding", "2"}, 2, "output padding");
    row("output padding per axis", {"--stride", "3x2", "--output-padding", "1x2"}, 2, "output padding");
    row("kernel nosuch", {"--kernel", "nosuch"}, 2, "'nosuch'");
    row("nearest other size", {"--kernel", "nearest", "--kernel-size", "3"}, 2, "nearest");
    row("groups 0", {"--groups", "0"}, 2, "--groups");
    row("groups not channels", {"--groups", "2"}, 2, "--groups 2");
    row("bias count", {"--bias", "1,2"}, 2, "--bias has 2 values");
    row("bias text", {"--bias", "x"}, 2, "--bias");
    row("bias trailing comma", {"--bias", "1,"}, 2, "--bias");
    row("backend gpu", {"--backend", "gpu"}, 2, "cpu, cuda or auto");
    row("sigma 0", {"--kernel", "gaussian", "--sigma", "0"}, 2, "sigma");
    row("sigma nan", {"--kernel", "gaussian", "--sigma", "nan"}, 2, "sigma");
    row("seed negative", {"--kernel", "random", "--seed", "-1"}, 2, "--seed");
    row("method", {"--method", "magic"}, 2, "transposed or resize-conv");
    row("resize", {"--method", "resize-conv", "--resize", "cubic"}, 2, "nearest or bilinear");
    row("padding too large", {"--padding", "9"}, 2, "too small");
    row("memory limit", {"--kernel", "box", "--kernel-size", "1", "--stride", "200000"}, 2, "memory limit");
    row("output extension", {}, 2, "unknown output extension '.xyz'", {"apply", "in.npy", "out.xyz"});
    row("png with 2 channels", {}, 2, IMAGE_REFUSAL("2 channels"), {"apply", "two.npy", "out.png"});
    row("jpg with alpha", {}, 2, IMAGE_REFUSAL("alpha"), {"apply", "four.npy", "out.jpg"});
    row("weight channels", {"--kernel", "w2.npy"}, 2, "expects 2 input channels");
    row("weight vs kernel size", {"--kernel", "k2.npy", "--kernel-size", "3"}, 2, "does not match");
    // A shape of the wrong rank is a shape mismatch like the others: exit 2. (A 4-D array is a batch.)
    row("npy 5-D", {}, 2,
        "cannot use 'fived.npy' as an input: with --layout nhwc an .npy input has shape (H, W), (H, W, C) or "
        "(N, H, W, C), but this one has shape (1, 2, 2, 2, 2)",
        {"apply", "fived.npy", "out.npy"});
    row("npy 1-D", {}, 2, "but this one has shape (4,)", {"apply", "oned.npy", "out.npy"});
    row("npy 5-D nchw", {"--layout", "nchw"}, 2,
        "with --layout nchw an .npy input has shape (H, W), (C, H, W) or (N, C, H, W), but this one has shape "
        "(1, 2, 2, 2, 2)",
        {"apply", "fived.npy", "out.npy"});
    row("layout chw", {"--layout", "chw"}, 2, "--layout: expected nhwc or nchw, but got 'chw'");
    // N * H * W * C beyond 64 bits, or an empty batch whose one item could not exist: the memory check.
    row("batch overflow", {}, 2,
        "reading 'huge.npy' (4294967296x4294967296x4294967296x3) would need more than 16 EiB of memory at its peak",
        {"apply", "huge.npy", "out.npy"});
    row("empty batch of huge items", {}, 2, "one item of the empty batch", {"apply", "hugeempty.npy", "out.npy"});
    row("batch to png", {}, 2, IMAGE_REFUSAL("an image holds one picture, but the result has batch 2; write .npy"),
        {"apply", "batch.npy", "out.png"});
    row("empty batch to png", {}, 2, "the result is empty", {"apply", "nobatch.npy", "out.png"});
    row("bias file length", {"--bias", "b2.npy"}, 2,
        "--bias 'b2.npy': expected a bias of shape (3,) (one value per output channel, C_out = 3), but got shape (2,)");
    row("bias file rank", {"--bias", "b13.npy"}, 2, "but got shape (1, 3)");
    row("bias file is output", {"--bias", "b3.npy"}, 2, "same file as the input", {"apply", "in.npy", "b3.npy"});
    row("kernel file 3-D", {"--kernel", "k3d.npy"}, 2, "(kH, kW)");
    // Processing errors: exit 1.
    row("missing input", {}, 1, "No such file", {"apply", "nosuch.npy", "out.npy"});
    row("input is a folder", {}, 1, "directory", {"apply", "sub", "out.npy"});
    row("empty input", {}, 1, "empty", {"apply", "empty.npy", "out.npy"});
    row("truncated npy", {}, 1, "truncated", {"apply", "trunc.npy", "out.npy"});
    row("npy int32", {}, 1, "dtype '<i4'", {"apply", "int32.npy", "out.npy"});
    row("npy empty axis", {}, 1, "empty", {"apply", "zero.npy", "out.npy"});
    row("npy fortran", {}, 1, "Fortran", {"apply", "fortran.npy", "out.npy"});
    row("npy big-endian", {}, 1, "big-endian", {"apply", "bigend.npy", "out.npy"});
    row("batch truncated", {}, 1,
        "cannot read 'btrunc.npy': truncated .npy file: the header announces 24 values (96 bytes) but the file holds "
        "40 bytes of data",
        {"apply", "btrunc.npy", "out.npy"});
    row("batch fortran", {}, 1,
        "cannot read 'bfortran.npy': Fortran-order arrays are not supported; save a C-order array "
        "(numpy.ascontiguousarray)",
        {"apply", "bfortran.npy", "out.npy"});
    row("batch int32", {}, 1,
        "cannot read 'bint32.npy': unsupported dtype '<i4' (supported: float32 '<f4', float64 '<f8', uint8 '|u1', "
        "uint16 '<u2')",
        {"apply", "bint32.npy", "out.npy"});
    row("batch empty height", {}, 1, "cannot read 'bzero.npy': the array is empty, shape (2, 0, 3, 1)",
        {"apply", "bzero.npy", "out.npy"});
    row("bias file missing", {"--bias", "nosuch.npy"}, 1, "cannot read --bias 'nosuch.npy': cannot open");
    row("bias file int32", {"--bias", "bint32.npy"}, 1,
        "cannot read --bias 'bint32.npy': unsupported dtype '<i4' (a bias holds float32 '<f4'; float64 '<f8' is "
        "rounded to float32)");
    row("bias file uint8", {"--bias", "bu8.npy"}, 1,
        "cannot read --bias 'bu8.npy': unsupported dtype '|u1' (a bias holds float32 '<f4'; float64 '<f8' is rounded "
        "to float32)");
    row("bias file truncated", {"--bias", "btrunc3.npy"}, 1, "cannot read --bias 'btrunc3.npy': truncated");
    row("text as npy", {}, 1, "not an .npy", {"apply", "text.npy", "out.npy"});
    row("output folder missing", {}, 1, "does not exist", {"apply", "in.npy", "no/such/out.npy"});
    row("output is a folder", {}, 1, "directory", {"apply", "in.npy", "sub.npy"});
    row("kernel file garbage", {"--kernel", "garbage.txt"}, 1, "not a number");
    row("kernel file ragged", {"--kernel", "ragged.txt"}, 1, "rectangular");
    row("kernel file empty", {"--kernel", "empty.txt"}, 1, "empty");
    row("kernel file binary", {"--kernel", "bigend.npy"}, 1, "big-endian");
}

void TestCli::refusals() {
    QFETCH(QStringList, args);
    QFETCH(int, code);
    QFETCH(QString, words);
    writeNpyFile("in.npy", randomTensor(Shape4{1, 3, 4, 5}, 1));
    writeNpyFile("two.npy", randomTensor(Shape4{1, 2, 4, 5}, 2));
    writeNpyFile("four.npy", randomTensor(Shape4{1, 4, 4, 5}, 3));
    const std::vector<float> w2(2 * 1 * 2 * 2, 1.0f), k2(4, 1.0f), k3d(8, 1.0f);
    writeNpy(path("w2.npy").toStdString(), {2, 1, 2, 2}, w2.data());
    writeNpy(path("k2.npy").toStdString(), {2, 2}, k2.data());
    writeNpy(path("k3d.npy").toStdString(), {2, 2, 2}, k3d.data());
    writeNpy(path("zero.npy").toStdString(), {0, 3}, k2.data());
    QVERIFY(QDir(dir_->path()).mkdir("sub"));
    QVERIFY(QDir(dir_->path()).mkdir("sub.npy"));
    writeRaw("empty.npy", {});
    writeRaw("empty.txt", {});
    writeRaw("trunc.npy", npyBytes("<f4", "(4, 4)", QByteArray(40, 0)));
    writeRaw("int32.npy", npyBytes("<i4", "(2, 2)", QByteArray(16, 0)));
    writeRaw("fived.npy", npyBytes("<f4", "(1, 2, 2, 2, 2)", QByteArray(64, 0)));
    writeRaw("oned.npy", npyBytes("<f4", "(4,)", QByteArray(16, 0)));
    writeRaw("huge.npy", npyBytes("<f4", "(4294967296, 4294967296, 4294967296, 3)", QByteArray(16, 0)));
    writeRaw("hugeempty.npy", npyBytes("<f4", "(0, 4294967296, 4294967296, 3)", {}));
    writeRaw("batch.npy", npyBytes("<f4", "(2, 2, 2, 3)", QByteArray(96, 0)));
    writeRaw("nobatch.npy", npyBytes("<f4", "(0, 2, 2, 3)", {}));
    writeRaw("btrunc.npy", npyBytes("<f4", "(2, 2, 2, 3)", QByteArray(40, 0)));
    writeRaw("bfortran.npy", npyBytes("<f4", "(2, 2, 2, 3)", QByteArray(96, 0), true));
    writeRaw("bint32.npy", npyBytes("<i4", "(2, 2, 2, 3)", QByteArray(96, 0)));
    writeRaw("bzero.npy", npyBytes("<f4", "(2, 0, 3, 1)", {}));
    writeRaw("b2.npy", npyBytes("<f4", "(2,)", QByteArray(8, 0)));
    writeRaw("b3.npy", npyBytes("<f4", "(3,)", QByteArray(12, 0)));
    writeRaw("b13.npy", npyBytes("<f4", "(1, 3)", QByteArray(12, 0)));
    writeRaw("bu8.npy", npyBytes("|u1", "(3,)", QByteArray(3, 0)));
    writeRaw("btrunc3.npy", npyBytes("<f4", "(3,)", QByteArray(8, 0)));
    writeRaw("fortran.npy", npyBytes("<f4", "(2, 2)", QByteArray(16, 0), true));
    writeRaw("bigend.npy", npyBytes(">f4", "(2, 2)", QByteArray(16, 0)));
    writeRaw("text.npy", "1 2 3\n4 5 6\n");
    writeRaw("garbage.txt", "0.25 0.75\nzero 1\n");
    writeRaw("ragged.txt", "1 2 3\n4 5\n");
    const QStringList before = dirListing();

    const Result r = tconv(args);
    expectError(r, code, words);
    QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
    // Nothing written: no output and no temporary file.
    QCOMPARE(dirListing(), before);
}

void TestCli::cudaRequestedWithoutDevice() {
    if (cudaAvailability().usable) QSKIP("a CUDA device is usable here");
    writeNpyFile("in.npy", randomTensor(Shape4{1, 1, 3, 3}, 4));
    const Result r = tconv({"apply", "in.npy", "out.npy", "--backend", "cuda"});
    expectError(r, 1, "CUDA");
    QVERIFY(r.err.contains(QString::fromStdString(cudaAvailability().reason)));
    QVERIFY(!QFile::exists(path("out.npy")));
}

void TestCli::npyNearestReplicatesExactly() {
    Tensor in(Shape4{1, 1, 3, 4});
    for (int i = 0; i < 12; ++i) in.storage()[size_t(i)] = float(i) * 0.5f - 1.0f;
    writeNpyFile("in.npy", in);
    const Result r = tconv({"apply", "in.npy", "out.npy", "--kernel", "nearest"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.startsWith("wrote out.npy (6x8x1) in ") && r.out.contains(" ms on cpu"), qPrintable(r.out));
    QCOMPARE(r.out.count('\n'), 1);
    const NpyArray a = readOut("out.npy");
    QCOMPARE(a.shape, (std::vector<int64_t>{6, 8}));  // one channel: (H, W)
    for (int y = 0; y < 6; ++y)
        for (int x = 0; x < 8; ++x) QCOMPARE(a.values[size_t(y * 8 + x)], in.at(0, 0, y / 2, x / 2));
    // Nothing else left in the folder (no temporary files).
    QCOMPARE(dirListing(), (QStringList{"in.npy", "out.npy"}));
}

void TestCli::npyChannelsAndAnisotropicStride() {
    const Tensor in = randomTensor(Shape4{1, 3, 2, 3}, 5);
    writeNpyFile("in.npy", in);
    // Height first: stride 3 rows, 2 columns.
    const Result r = tconv({"apply", "in.npy", "out.npy", "--kernel", "nearest", "--stride", "3x2"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const NpyArray a = readOut("out.npy");
    QCOMPARE(a.shape, (std::vector<int64_t>{6, 6, 3}));
    const Tensor out = tensorFromNpy(a);
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < 6; ++y)
            for (int x = 0; x < 6; ++x) QCOMPARE(out.at(0, c, y, x), in.at(0, c, y / 3, x / 2));
}

void TestCli::optionSyntaxes() {
    writeNpyFile("in.npy", randomTensor(Shape4{1, 2, 3, 3}, 6));
    const Result a = tconv({"apply", "in.npy", "a.npy", "--stride=3x2", "--kernel=box", "--padding", "1"});
    const Result b = tconv({"apply", "--stride", "3x2", "in.npy", "--kernel", "box", "b.npy", "--padding=1", "-q"});
    QVERIFY2(a.code == 0 && b.code == 0, qPrintable(a.err + b.err));
    QVERIFY(b.out.isEmpty());  // --quiet
    QCOMPARE(readOut("a.npy").values, readOut("b.npy").values);
    QCOMPARE(readOut("a.npy").shape, (std::vector<int64_t>{7, 4, 2}));  // (3-1)*3-2+3, (3-1)*2-2+2
}

void TestCli::defaultsAreBilinearStride2() {
    const Tensor in = randomTensor(Shape4{1, 1, 3, 4}, 7);
    writeNpyFile("in.npy", in);
    QCOMPARE(tconv({"apply", "in.npy", "out.npy"}).code, 0);
    QCOMPARE(tconv({"apply", "in.npy", "explicit.npy", "--kernel", "bilinear", "--stride", "2", "--kernel-size", "4",
                    "--padding", "0", "--output-padding", "0", "--dilation", "1"})
                 .code,
             0);
    const NpyArray a = readOut("out.npy");
    QCOMPARE(a.shape, (std::vector<int64_t>{8, 10}));  // (3-1)*2 + 4, (4-1)*2 + 4
    QCOMPARE(a.values, readOut("explicit.npy").values);
}

void TestCli::presetMatchesReference_data() {
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("preset");
    QTest::addColumn<int>("kernelH");  // 0: natural size
    QTest::addColumn<int>("kernelW");
    QTest::addColumn<int>("stride");
    QTest::addColumn<int>("padding");
    QTest::addColumn<int>("outputPadding");
    QTest::addColumn<int>("dilation");
    QTest::newRow("bilinear k4 s2 p1") << QStringList{"--padding", "1"} << "bilinear" << 0 << 0 << 2 << 1 << 0 << 1;
    QTest::newRow("bilinear k3 s2 p1 op1")
        << QStringList{"--kernel-size", "3", "--padding", "1", "--output-padding", "1"} << "bilinear" << 3 << 3 << 2
        << 1 << 1 << 1;
    QTest::newRow("gaussian s3 sigma 1.5")
        << QStringList{"--stride", "3", "--sigma", "1.5"} << "gaussian" << 0 << 0 << 3 << 0 << 0 << 1;
    QTest::newRow("random 3x5 d2 seed 9")
        << QStringList{"--kernel-size", "3x5", "--dilation", "2", "--seed", "9", "--output-padding", "1"} << "random"
        << 3 << 5 << 2 << 0 << 1 << 2;
    QTest::newRow("box k5 s3 p2") << QStringList{"--kernel-size", "5", "--stride", "3", "--padding", "2"} << "box" << 5
                                  << 5 << 3 << 2 << 0 << 1;
}

void TestCli::presetMatchesReference() {
    QFETCH(QStringList, options);
    QFETCH(QString, preset);
    QFETCH(int, kernelH);
    QFETCH(int, kernelW);
    QFETCH(int, stride);
    QFETCH(int, padding);
    QFETCH(int, outputPadding);
    QFETCH(int, dilation);
    const Tensor in = randomTensor(Shape4{1, 3, 5, 7}, 8);
    writeNpyFile("in.npy", in);
    const Result r = tconv(QStringList{"apply", "in.npy", "out.npy", "--kernel", preset, "--backend", "cpu"} + options);
    QVERIFY2(r.code == 0, qPrintable(r.err));

    PresetOptions o;
    o.stride = Size2(stride);
    if (kernelH) o.size = Size2(kernelH, kernelW);
    o.sigma = options.contains("--sigma") ? 1.5 : 1.0;
    o.seed = options.contains("--seed") ? 9 : 0;
    ConvParams p;
    p.stride = stride;
    p.padding = padding;
    p.outputPadding = outputPadding;
    p.dilation = dilation;
    const ConvLayer layer = makeDepthwiseLayer(makePresetKernel(*parseKernelPreset(preset.toStdString()), o), 3, p);
    const Tensor want = referenceConvTranspose2d(in, layer);
    const Tensor got = tensorFromNpy(readOut("out.npy"));
    QCOMPARE(got.shape(), want.shape());
    for (int64_t i = 0; i < want.size(); ++i)
        QVERIFY2(std::abs(got.storage()[size_t(i)] - want.storage()[size_t(i)]) < 1e-5f,
                 qPrintable(QString::number(i)));
}

void TestCli::textKernelFileIsUsedRaw() {
    // A 2x3 kernel summing to 9.5 with stride 2: a preset would be rescaled to 4.
    writeRaw("k.txt", "# my kernel\n1, 2 ,3\n\n 0.5\t1 2   # second row\n");
    const Tensor in = randomTensor(Shape4{1, 3, 4, 4}, 9);
    writeNpyFile("in.npy", in);
    const Result r =
        tconv({"apply", "in.npy", "out.npy", "--kernel", "k.txt", "--padding", "0x1", "--bias", "0.5,-1,2"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    Kernel2D k(2, 3);
    k.taps = {1, 2, 3, 0.5f, 1, 2};
    ConvParams p;
    p.stride = 2;
    p.padding = Size2(0, 1);
    const Tensor want = referenceConvTranspose2d(in, makeDepthwiseLayer(k, 3, p, {0.5f, -1.0f, 2.0f}));
    const Tensor got = tensorFromNpy(readOut("out.npy"));
    QCOMPARE(got.shape(), want.shape());
    for (int64_t i = 0; i < want.size(); ++i)
        QVERIFY(std::abs(got.storage()[size_t(i)] - want.storage()[size_t(i)]) < 1e-5f);

    // A single pixel of value 1 reproduces the kernel exactly (stride 1).
    writeNpyFile("one.npy", Tensor(Shape4{1, 1, 1, 1}, 1.0f));
    QCOMPARE(tconv({"apply", "one.npy", "k.npy", "--kernel", "k.txt", "--stride", "1"}).code, 0);
    QCOMPARE(readOut("k.npy").values, k.taps);
}

void TestCli::npyKernelFileAndFullWeight() {
    const Tensor in = randomTensor(Shape4{1, 3, 4, 5}, 10);
    writeNpyFile("in.npy", in);
    // Full PyTorch weight (C_in=3, C_out/groups=2, 3, 3), groups 1 -> 2 output channels.
    const Tensor w = randomTensor(Shape4{3, 2, 3, 3}, 11);
    writeNpy(path("w.npy").toStdString(), {3, 2, 3, 3}, w.data());
    Result r = tconv({"apply", "in.npy", "out.npy", "--kernel", "w.npy", "--padding", "1", "--bias", "0.25"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    ConvLayer layer;
    layer.params.kernel = 3;
    layer.params.stride = 2;
    layer.params.padding = 1;
    layer.weight = w;
    layer.bias = {0.25f, 0.25f};
    Tensor want = referenceConvTranspose2d(in, layer);
    Tensor got = tensorFromNpy(readOut("out.npy"));
    QCOMPARE(got.shape(), want.shape());
    for (int64_t i = 0; i < want.size(); ++i)
        QVERIFY(std::abs(got.storage()[size_t(i)] - want.storage()[size_t(i)]) < 1e-5f);
    // A 2-channel result cannot be a PNG; .npy it is (checked above).
    expectError(tconv({"apply", "in.npy", "out.png", "--kernel", "w.npy"}), 2, IMAGE_REFUSAL("2 channels"));

    // Grouped: weight (3, 1, 2, 2) with --groups 3 is depthwise with per-channel kernels.
    const Tensor wg = randomTensor(Shape4{3, 1, 2, 2}, 12);
    writeNpy(path("wg.npy").toStdString(), {3, 1, 2, 2}, wg.data());
    r = tconv({"apply", "in.npy", "g.npy", "--kernel", "wg.npy", "--groups", "3"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    ConvLayer g;
    g.params.kernel = 2;
    g.params.stride = 2;
    g.params.groups = 3;
    g.weight = wg;
    want = referenceConvTranspose2d(in, g);
    got = tensorFromNpy(readOut("g.npy"));
    QCOMPARE(got.shape(), want.shape());
    for (int64_t i = 0; i < want.size(); ++i)
        QVERIFY(std::abs(got.storage()[size_t(i)] - want.storage()[size_t(i)]) < 1e-5f);
    // Without --groups it is PyTorch's default groups=1: 3 -> 1 channel.
    QCOMPARE(tconv({"apply", "in.npy", "g1.npy", "--kernel", "wg.npy"}).code, 0);
    QCOMPARE(readOut("g1.npy").shape, (std::vector<int64_t>{8, 10}));

    // A 2-D .npy kernel is applied raw to every channel.
    const std::vector<float> k{1, -2, 3, 4};
    writeNpy(path("k.npy").toStdString(), {2, 2}, k.data());
    writeNpyFile("one.npy", Tensor(Shape4{1, 2, 1, 1}, 1.0f));
    QCOMPARE(tconv({"apply", "one.npy", "k_out.npy", "--kernel", "k.npy"}).code, 0);
    QCOMPARE(readOut("k_out.npy").values, (std::vector<float>{1, 1, -2, -2, 3, 3, 4, 4}));
}

void TestCli::integerNpyInputsAreScaled() {
    std::vector<uint8_t> u8{0, 51, 255, 102};
    writeRaw("u8.npy", npyBytes("|u1", "(2, 2)", QByteArray(reinterpret_cast<const char*>(u8.data()), 4)));
    std::vector<uint16_t> u16{0, 65535, 13107, 1};
    writeRaw("u16.npy", npyBytes("<u2", "(1, 2, 2)", QByteArray(reinterpret_cast<const char*>(u16.data()), 8)));
    std::vector<double> f8{0.125, -3, 1e-3, 7};
    writeRaw("f8.npy", npyBytes("<f8", "(2, 2)", QByteArray(reinterpret_cast<const char*>(f8.data()), 32)));
    for (const char* f : {"u8.npy", "u16.npy", "f8.npy"})
        QCOMPARE(tconv({"apply", f, QString("o_") + f, "--kernel", "box", "--stride", "1", "--kernel-size", "1"}).code,
                 0);
    QCOMPARE(readOut("o_u8.npy").values, (std::vector<float>{0, 51 / 255.0f, 1, 102 / 255.0f}));
    const NpyArray b = readOut("o_u16.npy");
    QCOMPARE(b.shape, (std::vector<int64_t>{1, 2, 2}));
    QCOMPARE(b.values, (std::vector<float>{0, 1, 13107 / 65535.0f, 1 / 65535.0f}));
    QCOMPARE(readOut("o_f8.npy").values, (std::vector<float>{0.125f, -3, 1e-3f, 7}));
}

#ifdef TCONV_HAVE_OPENCV

void TestCli::npyToPngClampsAndQuantizes() {
    Tensor in(Shape4{1, 1, 1, 6});
    in.storage() = {-1.0f, 0.0f, 0.5f, 0.2f, 1.0f, 2.5f};
    writeNpyFile("in.npy", in);
    QCOMPARE(tconv({"apply", "in.npy", "out.png", "--kernel", "box", "--stride", "1", "--kernel-size", "1"}).code, 0);
    const cv::Mat m = cv::imread(path("out.png").toStdString(), cv::IMREAD_UNCHANGED);
    QCOMPARE(m.type(), CV_8UC1);  // .npy inputs give 8-bit images
    const std::vector<int> want{0, 0, 128, 51, 255, 255};
    for (int x = 0; x < 6; ++x) QCOMPARE(int(m.at<uint8_t>(0, x)), want[size_t(x)]);
}

void TestCli::png8BitRgbRoundTrip() {
    cv::Mat bgr(3, 4, CV_8UC3);
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 4; ++x)
            bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(10 * x), uchar(100 + y), uchar(200 + x + y));
    QVERIFY(cv::imwrite(path("in.png").toStdString(), bgr));
    // To .npy: channel order R, G, B and value/255.
    QCOMPARE(tconv({"apply", "in.png", "out.npy", "--kernel", "nearest"}).code, 0);
    const NpyArray a = readOut("out.npy");
    QCOMPARE(a.shape, (std::vector<int64_t>{6, 8, 3}));
    const Tensor t = tensorFromNpy(a);
    for (int y = 0; y < 6; ++y)
        for (int x = 0; x < 8; ++x) {
            const cv::Vec3b px = bgr.at<cv::Vec3b>(y / 2, x / 2);
            QCOMPARE(t.at(0, 0, y, x), px[2] / 255.0f);
            QCOMPARE(t.at(0, 1, y, x), px[1] / 255.0f);
            QCOMPARE(t.at(0, 2, y, x), px[0] / 255.0f);
        }
    // To .png: exact pixel replication, 8-bit, same colours.
    const Result r = tconv({"apply", "in.png", "out.png", "--kernel", "nearest", "--stride", "3"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains("(9x12x3)"));
    const cv::Mat m = cv::imread(path("out.png").toStdString(), cv::IMREAD_UNCHANGED);
    QCOMPARE(m.type(), CV_8UC3);
    QCOMPARE(m.rows, 9);
    QCOMPARE(m.cols, 12);
    for (int y = 0; y < 9; ++y)
        for (int x = 0; x < 12; ++x) QVERIFY(m.at<cv::Vec3b>(y, x) == bgr.at<cv::Vec3b>(y / 3, x / 3));
    // Bilinear: each pixel is the reference result quantized.
    QCOMPARE(tconv({"apply", "in.png", "bil.png", "--padding", "1"}).code, 0);
    Tensor in(Shape4{1, 3, 3, 4});
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 4; ++x) in.at(0, c, y, x) = bgr.at<cv::Vec3b>(y, x)[2 - c] / 255.0f;
    ConvParams p;
    p.stride = 2;
    p.padding = 1;
    PresetOptions o;
    const Tensor want =
        referenceConvTranspose2d(in, makeDepthwiseLayer(makePresetKernel(KernelPreset::Bilinear, o), 3, p));
    const cv::Mat b = cv::imread(path("bil.png").toStdString(), cv::IMREAD_UNCHANGED);
    QCOMPARE(b.rows, int(want.shape().h));
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < b.rows; ++y)
            for (int x = 0; x < b.cols; ++x) {
                const double v = std::clamp(double(want.at(0, c, y, x)), 0.0, 1.0) * 255.0;
                QVERIFY(std::abs(b.at<cv::Vec3b>(y, x)[2 - c] - v) <= 0.5 + 1e-3);
            }
}

void TestCli::png16BitAndTiff16Bit_data() {
    QTest::addColumn<QString>("ext");
    QTest::newRow("png") << ".png";
    QTest::newRow("tif") << ".tif";
    QTest::newRow("tiff") << ".tiff";
}

void TestCli::png16BitAndTiff16Bit() {
    QFETCH(QString, ext);
    cv::Mat bgr(2, 3, CV_16UC3);
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 3; ++x)
            bgr.at<cv::Vec3w>(y, x) = cv::Vec3w(ushort(1000 * x + 1), ushort(40000 + y), ushort(65535 - 257 * x));
    QVERIFY(cv::imwrite(path("in" + ext).toStdString(), bgr));
    QCOMPARE(tconv({"apply", "in" + ext, "out" + ext, "--kernel", "nearest"}).code, 0);
    const cv::Mat m = cv::imread(path("out" + ext).toStdString(), cv::IMREAD_UNCHANGED);
    QCOMPARE(m.type(), CV_16UC3);  // the input's bit depth is kept
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 6; ++x) QVERIFY(m.at<cv::Vec3w>(y, x) == bgr.at<cv::Vec3w>(y / 2, x / 2));
    QCOMPARE(tconv({"apply", "in" + ext, "out.npy", "--kernel", "nearest"}).code, 0);
    const Tensor t = tensorFromNpy(readOut("out.npy"));
    QCOMPARE(t.at(0, 0, 3, 5), (65535 - 257 * 2) / 65535.0f);
    QCOMPARE(t.at(0, 2, 0, 2), 1001 / 65535.0f);
    // 16-bit in, 8-bit-only format out.
    QCOMPARE(tconv({"apply", "in" + ext, "out.jpg", "--kernel", "nearest"}).code, 0);
    QCOMPARE(cv::imread(path("out.jpg").toStdString(), cv::IMREAD_UNCHANGED).depth(), CV_8U);
}

void TestCli::grayAndRgbaImages() {
    cv::Mat gray(2, 2, CV_8UC1);
    gray.at<uint8_t>(0, 0) = 0;
    gray.at<uint8_t>(0, 1) = 85;
    gray.at<uint8_t>(1, 0) = 170;
    gray.at<uint8_t>(1, 1) = 255;
    QVERIFY(cv::imwrite(path("gray.png").toStdString(), gray));
    QCOMPARE(tconv({"apply", "gray.png", "gray.npy", "--kernel", "nearest"}).code, 0);
    const NpyArray a = readOut("gray.npy");
    QCOMPARE(a.shape, (std::vector<int64_t>{4, 4}));
    QCOMPARE(a.values[2], 85 / 255.0f);
    QCOMPARE(tconv({"apply", "gray.png", "gray_out.png", "--kernel", "nearest"}).code, 0);
    const cv::Mat g = cv::imread(path("gray_out.png").toStdString(), cv::IMREAD_UNCHANGED);
    QCOMPARE(g.type(), CV_8UC1);
    QCOMPARE(int(g.at<uint8_t>(3, 1)), 170);

    cv::Mat bgra(2, 2, CV_8UC4);
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 2; ++x)
            bgra.at<cv::Vec4b>(y, x) = cv::Vec4b(uchar(x * 200), 50, uchar(y * 200), uchar(60 + 100 * x + 40 * y));
    QVERIFY(cv::imwrite(path("rgba.png").toStdString(), bgra));
    QCOMPARE(tconv({"apply", "rgba.png", "rgba.npy", "--kernel", "nearest"}).code, 0);
    const Tensor t = tensorFromNpy(readOut("rgba.npy"));
    QCOMPARE(t.shape().c, int64_t(4));
    QCOMPARE(t.at(0, 3, 3, 3), (60 + 100 + 40) / 255.0f);  // alpha is channel 3, processed like the others
    QCOMPARE(t.at(0, 0, 2, 0), 200 / 255.0f);              // R
    Result r = tconv({"apply", "rgba.png", "rgba_out.png", "--kernel", "nearest"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const cv::Mat m = cv::imread(path("rgba_out.png").toStdString(), cv::IMREAD_UNCHANGED);
    QCOMPARE(m.type(), CV_8UC4);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 4; ++x) QVERIFY(m.at<cv::Vec4b>(y, x) == bgra.at<cv::Vec4b>(y / 2, x / 2));
    expectError(tconv({"apply", "rgba.png", "rgba.jpg"}), 2, "alpha");
}

void TestCli::eightBitOnlyFormats() {
    cv::Mat bgr(4, 4, CV_8UC3, cv::Scalar(30, 60, 90));
    QVERIFY(cv::imwrite(path("in.png").toStdString(), bgr));
    for (const char* ext : {".bmp", ".webp", ".jpg", ".jpeg", ".tif"}) {
        const QString out = QString("out") + ext;
        const Result r = tconv({"apply", "in.png", out, "--kernel", "nearest"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const cv::Mat m = cv::imread(path(out).toStdString(), cv::IMREAD_UNCHANGED);
        QCOMPARE(m.type(), CV_8UC3);
        QCOMPARE(m.rows, 8);
        // Lossless formats exactly; JPEG within its loss on a flat image.
        const int tol = (QString(ext).startsWith(".jp")) ? 3 : 0;
        const cv::Vec3b px = m.at<cv::Vec3b>(5, 5);
        QVERIFY2(std::abs(px[0] - 30) <= tol && std::abs(px[1] - 60) <= tol && std::abs(px[2] - 90) <= tol, ext);
        // The result is readable back by tconv.
        QCOMPARE(tconv({"apply", out, "again.npy", "--kernel", "nearest"}).code, 0);
    }
}

void TestCli::corruptImagesRefused_data() {
    QTest::addColumn<QString>("ext");
    QTest::addColumn<double>("keep");
    for (const char* ext : {".png", ".jpg", ".tif", ".bmp", ".webp"})
        for (double keep : {0.0, 0.1, 0.5, 0.9})
            QTest::newRow(qPrintable(QString("%1 %2").arg(ext).arg(keep))) << QString(ext) << keep;
}

void TestCli::corruptImagesRefused() {
    QFETCH(QString, ext);
    QFETCH(double, keep);
    cv::Mat noise(32, 32, CV_8UC3);
    cv::randu(noise, 0, 256);
    const std::string full = path("full" + ext).toStdString();
    QVERIFY(cv::imwrite(full, noise));
    QFile f(QString::fromStdString(full));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    writeRaw("bad" + ext, bytes.left(qsizetype(bytes.size() * keep)));
    const QStringList before = dirListing();
    const Result r = tconv({"apply", "bad" + ext, "out.png"});
    expectError(r, 1, "bad" + ext);
    QCOMPARE(dirListing(), before);
    // Not an image at all, under an image name.
    writeRaw("text" + ext, "this is not an image\n");
    expectError(tconv({"apply", "text" + ext, "out.png"}), 1, "text" + ext);
}

#else

void TestCli::npyToPngClampsAndQuantizes() {
    writeNpyFile("in.npy", Tensor(Shape4{1, 1, 2, 2}, 0.5f));
    expectError(tconv({"apply", "in.npy", "out.png"}), 2, "no image support");
}
void TestCli::png8BitRgbRoundTrip() { QSKIP("built without OpenCV"); }
void TestCli::png16BitAndTiff16Bit_data() {}
void TestCli::png16BitAndTiff16Bit() { QSKIP("built without OpenCV"); }
void TestCli::grayAndRgbaImages() { QSKIP("built without OpenCV"); }
void TestCli::eightBitOnlyFormats() { QSKIP("built without OpenCV"); }
void TestCli::corruptImagesRefused_data() {}
void TestCli::corruptImagesRefused() { QSKIP("built without OpenCV"); }

#endif

void TestCli::writeFailureLeavesNothing() {
    // The write itself fails half-way (file size limit): exit 1, one line, and
    // neither the output nor a temporary file is left.
    writeNpyFile("in.npy", randomTensor(Shape4{1, 3, 40, 40}, 13));
    const QStringList before = dirListing();
    QStringList outs{"out.npy"};
#ifdef TCONV_HAVE_OPENCV
    outs << "out.png"
         << "out.tif";
#endif
    for (const QString& out : outs) {
        const Result r = tconv({"apply", "in.npy", out, "--kernel", "random"}, 2048);
        expectError(r, 1, out);
        QCOMPARE(dirListing(), before);
    }
}

void TestCli::failedRunKeepsExistingOutput() {
    writeNpyFile("in.npy", randomTensor(Shape4{1, 3, 40, 40}, 14));
    writeRaw("out.npy", "previous result");
    expectError(tconv({"apply", "in.npy", "out.npy"}, 4096), 1, "out.npy");
    QFile f(path("out.npy"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray("previous result"));
    // And a successful run replaces it.
    QCOMPARE(tconv({"apply", "in.npy", "out.npy"}).code, 0);
    QCOMPARE(readOut("out.npy").shape, (std::vector<int64_t>{82, 82, 3}));
}

void TestCli::resizeConvHasTransposedShape() {
    writeNpyFile("in.npy", randomTensor(Shape4{1, 3, 5, 6}, 15));
    for (const char* resize : {"nearest", "bilinear"}) {
        const Result r =
            tconv({"apply", "in.npy", "rc.npy", "--method", "resize-conv", "--resize", resize, "--padding", "1"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("resize-conv"));
        QCOMPARE(readOut("rc.npy").shape, (std::vector<int64_t>{10, 12, 3}));
    }
}

void TestCli::infoReportsSimdAndCuda() {
    Result r = tconv({"info"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("tconv " TCONV_VERSION));
    QVERIFY(r.out.contains("SIMD"));
    QVERIFY(r.out.contains("threads"));
    QVERIFY(r.out.contains("cuda"));
    QVERIFY(r.out.contains("OpenCV"));
    QVERIFY(r.out.contains("oneTBB"));
    QVERIFY(r.out.contains("Highway"));
    const CudaAvailability cuda = cudaAvailability();
    QVERIFY(r.out.contains(QString::fromStdString(cuda.usable ? cuda.device : cuda.reason)));

    r = tconv({"info", "--json"});
    QCOMPARE(r.code, 0);
    QJsonParseError pe;
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &pe).object();
    QVERIFY2(pe.error == QJsonParseError::NoError, qPrintable(pe.errorString()));
    QCOMPARE(o["version"].toString(), QString(TCONV_VERSION));
    QVERIFY(!o["simd"].toString().isEmpty());
    QVERIFY(o["threads"].toInt() >= 1);
    QCOMPARE(o["backends"].toObject()["cpu"].toObject()["available"].toBool(), true);
    QCOMPARE(o["backends"].toObject()["cuda"].toObject()["available"].toBool(), cuda.usable);
#ifdef TCONV_HAVE_OPENCV
    QCOMPARE(o["opencv"].toBool(), true);
#endif
    expectError(tconv({"info", "--bogus"}), 2, "--bogus");
}

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
