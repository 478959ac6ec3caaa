// SPDX-License-Identifier: MIT
// `tconv analyze` and `tconv repair` run as real processes: the report's
// numbers for hand-checked kernels, the JSON keys, heatmap and spectrum
// pictures (colours read back with OpenCV), repaired kernels re-analysed, and
// every refusal with its exit code.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "common/ProcessResult.h"

#include <cmath>
#include <memory>

#include "analysis/PhaseGain.h"
#include "common/TestPrinters.h"
#include "core/NpyFile.h"
#include "core/OutputGeometry.h"

#ifdef TCONV_HAVE_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#endif

using namespace tconv;

namespace {
using Result = ProcessResult;
}  // namespace

class TestAnalyzeCli : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void textReportKnownValues();
    void jsonReport();
    void jsonHolesAndSizes();
    void inputImageSetsSize();
    void refusals();
    void heatmapAndSpectrumPictures();
    void imageHeatmaps();
    void repairAdditive();
    void repairZohKeepsOutputSize();
    void repairFullWeight();
    void fullWeightChannelSummary();
    void repairRefusals();

private:
    Result tconv(const QStringList& args);
    QString path(const QString& name) const { return dir_->filePath(name); }
    void writeText(const QString& name, const QByteArray& text);
    std::unique_ptr<QTemporaryDir> dir_;
};

void TestAnalyzeCli::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
}

void TestAnalyzeCli::cleanup() { dir_.reset(); }

Result TestAnalyzeCli::tconv(const QStringList& args) {
    QProcess p;
    p.setWorkingDirectory(dir_->path());
    p.start(TCONV_EXE, args);
    return finishProcess(p);
}

void TestAnalyzeCli::writeText(const QString& name, const QByteArray& text) {
    QFile f(path(name));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

void TestAnalyzeCli::textReportKnownValues() {
    // A raw 3x3 box (file kernels are used exactly): G = [[4,2],[2,1]].
    writeText("box3.txt", "1 1 1\n1 1 1\n1 1 1\n");
    const Result r = tconv({"analyze", "--kernel", "box3.txt", "--stride", "2"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("input size: 64x64 (default"), qPrintable(r.out));
    QVERIFY(r.out.contains("output size: 129x129"));
    QVERIFY2(r.out.contains(QRegularExpression("\\n +4 +2\\n +2 +1\\n")), qPrintable(r.out));  // the table G
    QVERIFY(r.out.contains("CV: 0.484322"));
    QVERIFY(r.out.contains("R (max/min): 4\n"));
    QVERIFY(r.out.contains("PP ((max-min)/mean): 1.33333"));
    QVERIFY(r.out.contains("holes: no"));
    QVERIFY(r.out.contains("severity: strong\n"));
    QVERIFY(r.out.contains(
        "verdict: checkerboard: period 2x2, ripple 48% of mean (strong); make k divisible by s or repair the kernel"));
    // An all-zero kernel has no output to have a checkerboard in; a balanced one prints no float noise.
    writeText("zero3.txt", "0 0 0\n0 0 0\n0 0 0\n");
    const Result z = tconv({"analyze", "--kernel", "zero3.txt", "--stride", "2"});
    QCOMPARE(z.code, 0);
    QVERIFY2(z.out.contains("verdict: all-zero kernel: the output is 0 everywhere"), qPrintable(z.out));
    QVERIFY(z.out.contains("CV: 0 (-inf dB)"));
    writeText("near.txt", "1 1.0000005\n1 1\n");
    const Result n = tconv({"analyze", "--kernel", "near.txt", "--stride", "2"});
    QCOMPARE(n.code, 0);
    QVERIFY2(n.out.contains("CV: < 1e-6 (< -120 dB)"), qPrintable(n.out));
    QVERIFY(!n.out.contains("e-07") && !n.out.contains("e-08"));
    QVERIFY(n.out.contains("severity: none"));
    QVERIFY(r.err.isEmpty());
}

void TestAnalyzeCli::jsonReport() {
    writeText("box3.txt", "1 1 1\n1 1 1\n1 1 1\n");
    const Result r = tconv({"analyze", "--kernel", "box3.txt", "--stride", "2", "--padding", "1", "--json"});
    QCOMPARE(r.code, 0);
    QJsonParseError e;
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &e).object();
    QCOMPARE(e.error, QJsonParseError::NoError);
    QCOMPARE(o["output_size"].toArray(), (QJsonArray{127, 127}));
    QCOMPARE(o["phase_gain"].toArray(), (QJsonArray{QJsonArray{4, 2}, QJsonArray{2, 1}}));
    QVERIFY(std::abs(o["cv"].toDouble() - 0.4843221) < 1e-6);
    QCOMPARE(o["ratio"].toDouble(), 4.0);
    QVERIFY(std::abs(o["peak_to_peak"].toDouble() - 4.0 / 3.0) < 1e-9);
    QCOMPARE(o["holes"].toBool(true), false);
    QCOMPARE(o["pattern"].toString(), QString("checkerboard"));
    QVERIFY(o["input_default"].toBool());
    // Artifact-free: bilinear preset (4x4 tent) with s = 2.
    const Result b = tconv({"analyze", "--kernel", "bilinear", "--stride", "2", "--padding", "1", "--json"});
    QCOMPARE(b.code, 0);
    const QJsonObject ob = QJsonDocument::fromJson(b.out.toUtf8()).object();
    QCOMPARE(ob["cv"].toDouble(-1), 0.0);
    QCOMPARE(ob["ratio"].toDouble(), 1.0);
    QCOMPARE(ob["output_size"].toArray(), (QJsonArray{128, 128}));
    QCOMPARE(ob["pattern"].toString(), QString("none"));
}

void TestAnalyzeCli::jsonHolesAndSizes() {
    const Result r =
        tconv({"analyze", "--kernel", "box", "--kernel-size", "1", "--stride", "2", "--size", "10x20", "--json"});
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QVERIFY(o["ratio"].isNull());
    QVERIFY(o["holes"].toBool());
    QCOMPARE(o["output_size"].toArray(), (QJsonArray{19, 39}));
    QCOMPARE(o["input_default"].toBool(true), false);
    QVERIFY(o["verdict"].toString().startsWith("holes:"));
    // Per-axis parameters: 3x2 stride on a 2x4 kernel.
    const Result s = tconv({"analyze", "--kernel", "random", "--kernel-size", "2x4", "--stride", "3x2", "--json"});
    QCOMPARE(s.code, 0);
    const QJsonArray g = QJsonDocument::fromJson(s.out.toUtf8()).object()["phase_gain"].toArray();
    QCOMPARE(g.size(), 3);
    QCOMPARE(g[0].toArray().size(), 2);
}

void TestAnalyzeCli::inputImageSetsSize() {
    const std::vector<float> img(5 * 7 * 3, 0.5f);
    writeNpy(path("img.npy").toStdString(), {5, 7, 3}, img.data());
    const Result r = tconv({"analyze", "--input", "img.npy", "--kernel", "bilinear", "--stride", "2", "--json"});
    QCOMPARE(r.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o["input_size"].toArray(), (QJsonArray{5, 7}));
    QCOMPARE(o["output_size"].toArray(), (QJsonArray{12, 16}));
}

void TestAnalyzeCli::refusals() {
    struct Case {
        QStringList args;
        int code;
        QString says;
    };
    const std::vector<Case> cases = {
        {{"analyze", "--heatmap", "h.png", "--heatmap-kind", "artifact"}, 2, "needs an image"},
        {{"analyze", "--heatmap-kind", "fancy"}, 2, "gain, artifact or energy"},
        {{"analyze", "--input", "x.npy", "--size", "4x4"}, 2, "either --input or --size"},
        {{"analyze", "--size", "0x4"}, 2, "--size"},
        {{"analyze", "--input", "missing.npy"}, 1, "missing.npy"},
        {{"analyze", "--frobnicate"}, 2, "unknown option"},
        {{"analyze", "--heatmap", "h.xyz"}, 2, "h.xyz"},
        {{"analyze", "--stride", "0"}, 2, "stride"},
        {{"analyze", "--kernel", "box", "--kernel-size", "3", "--padding", "9", "--size", "2x2"}, 2, "too small"},
    };
    for (const Case& c : cases) {
        const Result r = tconv(c.args);
        QVERIFY2(r.code == c.code, qPrintable(c.args.join(' ') + " -> " + QString::number(r.code) + ": " + r.err));
        QVERIFY2(r.err.contains(c.says), qPrintable(r.err));
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY(r.out.isEmpty());
    }
    QVERIFY(!QFile::exists(path("h.png")));
}

void TestAnalyzeCli::heatmapAndSpectrumPictures() {
#ifndef TCONV_HAVE_OPENCV
    QSKIP("no OpenCV");
#else
    // Layout (HeatmapImage.cpp): a 16 px margin, the 30 px title, the 22 px panel
    // title; a 128x128 map is drawn at 2x, so the panel spans x 16..271, y 68..323.
    Result r = tconv({"analyze", "--kernel", "bilinear", "--stride", "2", "--padding", "1", "--heatmap", "flat.png",
                      "--spectrum", "spec.png"});
    QCOMPARE(r.code, 0);
    const cv::Mat flat = cv::imread(path("flat.png").toStdString(), cv::IMREAD_COLOR);
    QVERIFY(!flat.empty());
    // The interior of an artifact-free kernel's gain map is 0: the neutral grey of the map.
    for (int y = 100; y < 290; y += 7)
        for (int x = 50; x < 240; x += 7) {
            const cv::Vec3b c = flat.at<cv::Vec3b>(y, x);
            QVERIFY2(std::abs(c[0] - c[2]) <= 2 && std::abs(c[1] - c[2]) <= 2 && c[0] > 200,
                     qPrintable(QString("(%1,%2) = %3 %4 %5").arg(x).arg(y).arg(c[0]).arg(c[1]).arg(c[2])));
        }
    const cv::Mat spec = cv::imread(path("spec.png").toStdString(), cv::IMREAD_COLOR);
    QVERIFY(!spec.empty() && spec.cols > 500);

    r = tconv({"analyze", "--kernel", "box", "--kernel-size", "3", "--stride", "2", "--padding", "1",
               "--output-padding", "1", "--heatmap", "board.png"});
    QCOMPARE(r.code, 0);
    const cv::Mat board = cv::imread(path("board.png").toStdString(), cv::IMREAD_COLOR);
    // Neighbouring columns of output row 67 (phase (67+1) mod 2 = 0, gains 4 and 2
    // against the mean 2.25): one red (+78%), one blue (-11%).
    const cv::Vec3b a = board.at<cv::Vec3b>(68 + 2 * 67, 150), b = board.at<cv::Vec3b>(68 + 2 * 67, 152);
    QVERIFY2((a[2] > a[0]) != (b[2] > b[0]), "expected alternating warm and cool colours");
    // The colour bar to the right of the panel: red at the top, blue at the bottom.
    const cv::Vec3b top = board.at<cv::Vec3b>(86, 299), bottom = board.at<cv::Vec3b>(318, 299);
    QVERIFY(top[2] > top[0] + 80);
    QVERIFY(bottom[0] > bottom[2] + 80);
#endif
}

void TestAnalyzeCli::imageHeatmaps() {
#ifndef TCONV_HAVE_OPENCV
    QSKIP("no OpenCV");
#else
    std::vector<float> img(20 * 24 * 3);
    for (size_t i = 0; i < img.size(); ++i) img[i] = float((i * 37) % 101) / 100.0f;
    writeNpy(path("img.npy").toStdString(), {20, 24, 3}, img.data());
    for (const char* kind : {"artifact", "energy"}) {
        const QString out = QString(kind) + ".png";
        const Result r = tconv({"analyze", "--input", "img.npy", "--kernel", "box", "--kernel-size", "3", "--stride",
                                "2", "--heatmap", out, "--heatmap-kind", kind});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const cv::Mat m = cv::imread(path(out).toStdString(), cv::IMREAD_COLOR);
        QVERIFY(!m.empty());
        QVERIFY(m.cols > 3 * 256);  // one panel per channel (R, G, B)
    }
#endif
}

void TestAnalyzeCli::repairAdditive() {
    const Result r = tconv({"repair", "--kernel", "box", "--kernel-size", "3", "--stride", "2", "--method", "additive",
                            "--out", "fixed.npy"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains("before:") && r.out.contains("CV 0.484322"));
    QVERIFY(r.out.contains("after:"));
    const NpyArray a = readNpy(path("fixed.npy").toStdString());
    QCOMPARE(a.shape, (std::vector<int64_t>{3, 3}));
    Kernel2D k(3, 3);
    k.taps = a.values;
    const ArtifactScores s = artifactScores(phaseGainTable(k, Size2(2), Size2(1)));
    QVERIFY(s.cv < 1e-6);
    QVERIFY(std::abs(k.sum() - 4.0) < 1e-5);  // the preset's sum is kept
    // A text output is a matrix.
    QCOMPARE(tconv({"repair", "--kernel", "box", "--kernel-size", "3", "--stride", "2", "--method", "additive", "--out",
                    "fixed.txt"})
                 .code,
             0);
    QVERIFY(QFile(path("fixed.txt")).size() > 0);
}

void TestAnalyzeCli::repairZohKeepsOutputSize() {
    const Result r = tconv({"repair", "--kernel", "box", "--kernel-size", "3", "--stride", "2", "--dilation", "2",
                            "--method", "zoh", "--out", "zoh.npy"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const NpyArray a = readNpy(path("zoh.npy").toStdString());
    QCOMPARE(a.shape, (std::vector<int64_t>{6, 6}));  // d(k-1)+s = 6
    QVERIFY2(r.out.contains("--padding 1 --output-padding 1 --dilation 1"), qPrintable(r.out));
    ConvParams before, after;
    before.kernel = Size2(3);
    before.stride = Size2(2);
    before.dilation = Size2(2);
    after.kernel = Size2(6);
    after.stride = Size2(2);
    after.padding = Size2(1);
    after.outputPadding = Size2(1);
    QCOMPARE(outputSize(17, 9, after), outputSize(17, 9, before));
    Kernel2D k(6, 6);
    k.taps = a.values;
    QVERIFY(artifactScores(phaseGainTable(k, Size2(2), Size2(1))).cv < 1e-6);
}

void TestAnalyzeCli::repairFullWeight() {
    std::vector<float> w(2 * 1 * 3 * 3);
    for (size_t i = 0; i < w.size(); ++i) w[i] = 0.1f + float(i % 5);
    writeNpy(path("w.npy").toStdString(), {2, 1, 3, 3}, w.data());
    const Result r = tconv({"repair", "--kernel", "w.npy", "--groups", "2", "--stride", "2", "--method", "additive",
                            "--out", "w_fixed.npy"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const NpyArray a = readNpy(path("w_fixed.npy").toStdString());
    QCOMPARE(a.shape, (std::vector<int64_t>{2, 1, 3, 3}));
    for (int c = 0; c < 2; ++c) {
        Kernel2D k(3, 3);
        k.taps.assign(a.values.begin() + c * 9, a.values.begin() + (c + 1) * 9);
        QVERIFY(artifactScores(phaseGainTable(k, Size2(2), Size2(1))).cv < 1e-6);
    }
    QCOMPARE(tconv({"repair", "--kernel", "w.npy", "--groups", "2", "--stride", "2", "--method", "additive", "--out",
                    "w_fixed.txt"})
                 .code,
             2);
}

// A layer whose output channels differ: a 3x3 box (CV 0.484), an artifact-free
// tent and a single tap (3 of 4 phases at zero gain), each split over 2 inputs.
void TestAnalyzeCli::fullWeightChannelSummary() {
    const float tent[3] = {0.5f, 1.0f, 0.5f};
    std::vector<float> w(2 * 3 * 3 * 3, 0.0f);
    for (int ci = 0; ci < 2; ++ci)
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 3; ++x) {
                const int at = ((ci * 3) * 3 + y) * 3 + x;
                w[at] = 0.5f;                                 // channel 0: box
                w[at + 9] = 0.5f * tent[y] * tent[x];         // channel 1: tent
                w[at + 18] = y == 1 && x == 1 ? 2.0f : 0.0f;  // channel 2: one tap
            }
    writeNpy(path("layer.npy").toStdString(), {2, 3, 3, 3}, w.data());
    const Result t = tconv({"analyze", "--kernel", "layer.npy", "--stride", "2"});
    QVERIFY2(t.code == 0, qPrintable(t.err));
    QVERIFY2(t.out.contains("channels: 3 output channels, CV min 0, median 0.484322, max 1.73205; 2 with a ripple "
                            "of 1% or more, 0 with holes\n"),
             qPrintable(t.out));
    QVERIFY(t.out.contains("showing the worst, output channel 2"));
    const Result j = tconv({"analyze", "--kernel", "layer.npy", "--stride", "2", "--json"});
    QCOMPARE(j.code, 0);
    const QJsonObject o = QJsonDocument::fromJson(j.out.toUtf8()).object();
    const QJsonArray cv = o["channel_cv"].toArray();
    QCOMPARE(cv.size(), 3);
    QVERIFY(std::abs(cv[0].toDouble() - 0.4843221) < 1e-6);
    QCOMPARE(cv[1].toDouble(-1), 0.0);
    QVERIFY(std::abs(cv[2].toDouble() - std::sqrt(3.0)) < 1e-6);
    QCOMPARE(o["channels_visible"].toInt(), 2);
    QCOMPARE(o["channels_with_holes"].toInt(), 0);
    QCOMPARE(o["channel"].toInt(), 2);
    QCOMPARE(o["channels_uniform"].toBool(true), false);
}

void TestAnalyzeCli::repairRefusals() {
    struct Case {
        QStringList args;
        int code;
        QString says;
    };
    const std::vector<Case> cases = {
        {{"repair", "--kernel", "box", "--kernel-size", "1", "--stride", "2", "--method", "additive", "--out", "k.npy"},
         2,
         "no kernel tap"},
        {{"repair", "--kernel", "box", "--kernel-size", "3", "--stride", "2", "--dilation", "2", "--method", "additive",
          "--out", "k.npy"},
         2,
         "dilation 2 shares the factor 2"},
        {{"repair", "--kernel", "box", "--kernel-size", "2", "--stride", "2", "--dilation", "4", "--output-padding",
          "3", "--method", "zoh", "--out", "k.npy"},
         2,
         "output_padding 3"},
        {{"repair", "--kernel", "box", "--method", "transposed", "--out", "k.npy"}, 2, "additive or zoh"},
        {{"repair", "--kernel", "box", "--method", "zoh"}, 2, "--out"},
        {{"repair", "--kernel", "box", "--out", "k.npy"}, 2, "--method"},
        {{"repair", "--kernel", "nothere.npy", "--method", "zoh", "--out", "k.npy"}, 2, "nothere.npy"},
        {{"repair", "--kernel", "box", "--method", "zoh", "--out", "no/such/dir/k.npy"}, 1, "k.npy"},
    };
    for (const Case& c : cases) {
        const Result r = tconv(c.args);
        QVERIFY2(r.code == c.code, qPrintable(c.args.join(' ') + " -> " + QString::number(r.code) + ": " + r.err));
        QVERIFY2(r.err.contains(c.says), qPrintable(r.err));
        QCOMPARE(r.err.count('\n'), 1);
    }
    QVERIFY(!QFile::exists(path("k.npy")));
    QVERIFY(QDir(dir_->path()).entryList(QDir::Files | QDir::Hidden).isEmpty());  // no temporary files left
}

QTEST_GUILESS_MAIN(TestAnalyzeCli)
#include "test_analyze_cli.moc"
