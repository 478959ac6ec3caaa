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
#include "common/StackSpec.h"
#include "common/TestPrinters.h"
#include "core/ConvError.h"
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
    void stackSpecParsing();
    void stackJsonKeysAndNumbers();
    void stackOfOneEqualsAnalyze();
    void stackTextReport();
    void stackRefusals();
    void stackFullWeightOnImage();

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

// The text syntax (common/StackSpec.h), in-process: defaults, canonical text, whitespace, p over --pads.
void TestAnalyzeCli::stackSpecParsing() {
    app::ConvSettings defaults;
    defaults.kernel = "box";
    defaults.stride = Size2(3);
    const auto layers = app::parseStackSpec(" k=3 , s=2,p=1,op=1 ; kernel=bilinear,k=4x2,d=2 ", defaults);
    QCOMPARE(layers.size(), size_t(2));
    QCOMPARE(layers[0].kernel.text(), std::string("box"));
    QCOMPARE(*layers[0].kernelSize, Size2(3));
    QCOMPARE(layers[0].stride, Size2(2));
    QCOMPARE(layers[0].padding, Size2(1));
    QCOMPARE(layers[0].outputPadding, Size2(1));
    QCOMPARE(layers[1].kernel.text(), std::string("bilinear"));
    QCOMPARE(*layers[1].kernelSize, Size2(4, 2));
    QCOMPARE(layers[1].stride, Size2(3));  // not given: --stride
    QCOMPARE(layers[1].dilation, Size2(2));
    const std::string text = app::stackSpecText(layers);
    QCOMPARE(text, std::string("kernel=box,k=3,s=2,p=1,op=1,d=1;kernel=bilinear,k=4x2,s=3,p=0,op=0,d=2"));
    QCOMPARE(app::stackSpecText(app::parseStackSpec(text, app::ConvSettings{})), text);
    app::ConvSettings padded;
    padded.pads = Pads4{1, 1, 2, 2};
    const auto own = app::parseStackSpec("k=4,p=1;k=4", padded);
    QVERIFY(!own[0].pads);  // the layer's p replaces --pads
    QVERIFY(own[1].pads.has_value());
    const auto built = app::buildStackLayers(own, 3);
    QCOMPARE(built[0].inChannels(), int64_t(3));
    QCOMPARE(built[1].params.paddingEnd.value_or(Size2(0)), Size2(2));
}

// The stack's JSON has every key `analyze --json` has (cv, phase_gain, period:
// the whole stack's) and per-layer scores; the numbers worked by hand: box 3 at
// stride 2 ripples (CV 0.484322), a stride-1 box 2 after it averages it away.
void TestAnalyzeCli::stackJsonKeysAndNumbers() {
    const Result single = tconv({"analyze", "--json"});
    QCOMPARE(single.code, 0);
    const Result r = tconv({"analyze", "--kernel", "box", "--size", "10x12", "--stack", "k=3,s=2;k=2,s=1", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    for (const QString& key : QJsonDocument::fromJson(single.out.toUtf8()).object().keys())
        QVERIFY2(o.contains(key), qPrintable("missing key " + key));
    QCOMPARE(o["layer_count"].toInt(), 2);
    QCOMPARE(o["stride"].toArray().at(0).toInt(), 2);
    QCOMPARE(o["kernel_size"].toArray().at(1).toInt(), 4);  // 1 + 2*1 + 1
    QCOMPARE(o["input_size"].toArray().at(1).toInt(), 12);
    QCOMPARE(o["output_size"].toArray().at(0).toInt(), (10 - 1) * 2 + 3 + 1);
    QCOMPARE(o["output_size"].toArray().at(1).toInt(), (12 - 1) * 2 + 3 + 1);
    QVERIFY(o["cv"].toDouble() < 1e-6);
    QCOMPARE(o["pattern"].toString(), QString("none"));
    for (const QJsonValue& row : o["phase_gain"].toArray())
        for (const QJsonValue& g : row.toArray()) QVERIFY(std::abs(g.toDouble() - 1.0) < 1e-6);
    const QJsonArray layers = o["layers"].toArray();
    QCOMPARE(layers.size(), 2);
    QVERIFY(std::abs(layers[0].toObject()["cv"].toDouble() - 0.484322) < 1e-6);
    QVERIFY(std::abs(layers[0].toObject()["stack_cv"].toDouble() - 0.484322) < 1e-6);
    QCOMPARE(layers[0].toObject()["output_size"].toArray().at(0).toInt(), (10 - 1) * 2 + 3);
    QCOMPARE(layers[1].toObject()["kernel"].toString(), QString("box"));
    QVERIFY(layers[1].toObject()["cv"].toDouble() < 1e-9);
    QVERIFY(layers[1].toObject()["stack_cv"].toDouble() < 1e-6);
    QVERIFY(o["worst_layer"].isNull());
}

// A one-layer stack reads exactly as analyze of that layer.
void TestAnalyzeCli::stackOfOneEqualsAnalyze() {
    const Result a = tconv({"analyze", "--kernel", "gaussian", "--kernel-size", "5", "--stride", "3", "--padding", "2",
                            "--dilation", "2", "--output-padding", "1", "--json"});
    const Result b = tconv({"analyze", "--stack", "kernel=gaussian,k=5,s=3,p=2,d=2,op=1", "--json"});
    QVERIFY2(a.code == 0 && b.code == 0, qPrintable(a.err + b.err));
    const QJsonObject x = QJsonDocument::fromJson(a.out.toUtf8()).object();
    const QJsonObject y = QJsonDocument::fromJson(b.out.toUtf8()).object();
    for (const char* key : {"output_size", "stride", "padding", "output_padding", "phase_gain", "tap_count", "pattern",
                            "period", "holes", "severity"})
        QVERIFY2(x[key] == y[key], key);
    QVERIFY(std::abs(x["cv"].toDouble() - y["cv"].toDouble()) < 1e-9);
    QVERIFY(x["cv"].toDouble() > 0.01);  // a case that ripples: the comparison means something
}

void TestAnalyzeCli::stackTextReport() {
    const Result r = tconv({"analyze", "--stack", "kernel=nearest,s=2;kernel=box,k=3,s=2"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains("stack: 2 layer(s): kernel=nearest,s=2,p=0,op=0,d=1;kernel=box,k=3,s=2,p=0,op=0,d=1"));
    QVERIFY(r.out.contains("output size: 257x257"));  // 64 -> 128 -> 257
    QVERIFY(r.out.contains("whole stack: stride 4 (the product of the strides)"));
    QVERIFY(r.out.contains("phase gain G (4x4; row = (oy+0) mod 4"));
    QVERIFY(r.out.contains("CV: 0.484322"));
    QVERIFY(r.out.contains("pattern: checkerboard (period 2x2"));
    QVERIFY(r.out.contains("most to blame: layer 2"));
}

void TestAnalyzeCli::stackRefusals() {
    struct Case {
        QStringList args;
        int code;
        QString says;
    };
    const std::vector<Case> cases = {
        {{"analyze", "--stack", "k=3,s=2;k=4,s=2x"},
         2,
         "--stack layer 2, s: expected N or HxW (height first, e.g. 3 or 3x2), but got '2x'"},
        {{"analyze", "--stack", "k=3;;k=4"}, 2, "--stack layer 2 is empty"},
        {{"analyze", "--stack", ""}, 2, "--stack: expected layers separated by ';'"},
        {{"analyze", "--stack", "k=3,q=1"}, 2, "--stack layer 1: unknown key 'q' in 'q=1': expected kernel, k, s, p"},
        {{"analyze", "--stack", "k=3,s"}, 2, "--stack layer 1: expected key=value, but got 's'"},
        {{"analyze", "--stack", "k=3,k=4"}, 2, "--stack layer 1: key 'k' is given twice"},
        {{"analyze", "--stack", "s=2;kernel=nope"}, 2, "--stack layer 2, kernel: 'nope' is neither a preset"},
        {{"analyze", "--stack", "s=2;s=0"}, 2, "--stack layer 2 ('s=0'): stride should be greater than zero"},
        {{"analyze", "--stack", "s=2,op=2"}, 2, "--stack layer 1 ('s=2,op=2'): output padding must be smaller"},
        {{"analyze", "--stack", "s=1;s=1;s=1;s=1;s=1;s=1;s=1;s=1;s=1"}, 2, "a stack has 1 to 8 layers, but got 9"},
        {{"analyze", "--stack", "kernel=box,k=3,s=1;kernel=box,k=3,s=1,p=5", "--size", "2x2"},
         2,
         "stack layer 2 (input (1, 1, 4, 4)): "},
        {{"analyze", "--stack", "s=2", "--heatmap", "h.png"}, 2, "--heatmap is for one layer, not for --stack"},
        {{"analyze", "--stack", "kernel=w.txt"}, 1, "--stack layer 1 (kernel=w.txt): kernel file"},
    };
    writeText("w.txt", "1 2\nthree 4\n");
    for (const Case& c : cases) {
        const Result r = tconv(c.args);
        QVERIFY2(r.code == c.code, qPrintable(c.args.join(' ') + " -> " + QString::number(r.code) + ": " + r.err));
        QVERIFY2(r.err.contains(c.says), qPrintable(r.err));
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY(r.out.isEmpty());
    }
}

// An RGB image through a full weight (3, 1, 2, 2) (groups 1: the three channels
// summed into one) and a depthwise bilinear layer: sizes and channels per layer,
// and the stack's mean gain = the product of the layers' (sum(w)/4 times 4/4).
void TestAnalyzeCli::stackFullWeightOnImage() {
    std::vector<float> img(5 * 7 * 3, 0.5f), w(12);
    double sum = 0;
    for (size_t i = 0; i < w.size(); ++i) sum += w[i] = 0.1f * float(i + 1);
    writeNpy(path("img.npy").toStdString(), {5, 7, 3}, img.data());
    writeNpy(path("w.npy").toStdString(), {3, 1, 2, 2}, w.data());
    const Result r = tconv({"analyze", "--input", "img.npy", "--stack", "kernel=w.npy,s=2;k=4,s=2,p=1", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o["input_size"].toArray().at(0).toInt(), 5);
    QCOMPARE(o["input_default"].toBool(), false);
    const QJsonObject first = o["layers"].toArray().at(0).toObject();
    QCOMPARE(first["channels"].toInt(), 1);
    QCOMPARE(first["output_size"].toArray().at(1).toInt(), (7 - 1) * 2 + 2);
    QCOMPARE(o["output_size"].toArray().at(1).toInt(), (14 - 1) * 2 - 2 + 4);
    QCOMPARE(o["channel_cv"].toArray().size(), 1);
    QCOMPARE(o["stride"].toArray().at(0).toInt(), 4);
    QVERIFY(std::abs(o["mean"].toDouble() - sum / 4.0) < 1e-5);
    // The image has 3 channels, the second layer's full weight expects 3 too, but the first gives 1.
    const Result bad = tconv({"analyze", "--input", "img.npy", "--stack", "kernel=w.npy,s=2;kernel=w.npy,s=2"});
    QCOMPARE(bad.code, 2);
    QVERIFY2(bad.err.contains("--stack layer 2 (kernel=w.npy): "), qPrintable(bad.err));
}

QTEST_GUILESS_MAIN(TestAnalyzeCli)
#include "test_analyze_cli.moc"
