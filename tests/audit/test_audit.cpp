// SPDX-License-Identifier: MIT
// tconv audit and what it stands on. Engine level (no ONNX needed): the chain
// analysis against the engine run on a constant image (seeded random chains),
// and the resize-conv / pixel-shuffle equivalent transposed convolutions
// against direct loops. With ONNX (the models in tests/fixtures/onnx, made by
// scripts/make_onnx_models.py): every ConvTranspose layer's audit against
// `tconv analyze` of the layer's own weight with the parameters written down
// by the script, `tconv apply` of it against PyTorch's output, each model's
// chain against the engine, and bad models.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "common/ProcessResult.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <random>

#include "ChainRun.h"
#include "analysis/ChainAnalysis.h"
#include "analysis/ChannelScores.h"
#include "audit/EquivalentLayers.h"
#include "audit/OnnxModel.h"
#include "backends/BackendFactory.h"
#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/NpyFile.h"

using namespace tconv;

namespace {

const QString kOnnxDir = QStringLiteral(TCONV_FIXTURES_DIR "/onnx/");

Tensor randomTensor(Shape4 s, std::mt19937& rng, float lo = -1.0f, float hi = 1.0f) {
    std::uniform_real_distribution<float> u(lo, hi);
    Tensor t(s);
    for (float& v : t.storage()) v = u(rng);
    return t;
}

// The chain's tables against the engine's output on a large constant image, at every interior pixel.
void compareChainWithEngine(const std::vector<ChainStep>& steps, int64_t inH, int64_t inW, const QString& what) {
    const std::unique_ptr<Backend> cpu = createBackend(BackendKind::Cpu);
    const audittest::ChainRun run = audittest::runChainOnOnes(steps, inH, inW, *cpu);
    const std::vector<PhaseGainTable> tables = compoundPhaseGains(steps);
    const Shape4 o = run.output.shape();
    QCOMPARE(static_cast<int64_t>(tables.size()), o.c);
    const int sh = tables[0].sh, sw = tables[0].sw;
    QVERIFY2(run.rows.hi - run.rows.lo >= sh && run.cols.hi - run.cols.lo >= sw,
             qPrintable(what + ": the test image is too small for a full interior period"));
    double scale = 0;
    for (float v : run.output.storage()) scale = std::max(scale, static_cast<double>(std::abs(v)));
    for (int64_t c = 0; c < o.c; ++c)
        for (int64_t y = run.rows.lo; y < run.rows.hi; ++y)
            for (int64_t x = run.cols.lo; x < run.cols.hi; ++x) {
                const double expected = run.output.at(0, c, y, x);
                const double got =
                    tables[static_cast<size_t>(c)].at(static_cast<int>(y % sh), static_cast<int>(x % sw));
                if (std::abs(expected - got) > 1e-4 * std::max(scale, 1.0))
                    QFAIL(qPrintable(QString("%1: channel %2 pixel (%3, %4): engine %5, chain table %6")
                                         .arg(what)
                                         .arg(c)
                                         .arg(y)
                                         .arg(x)
                                         .arg(expected)
                                         .arg(got)));
            }
}

ChainStep randomTransposedStep(std::mt19937& rng, int64_t cin, int index) {
    std::uniform_int_distribution<int> pick(0, 1000);
    ChainStep s;
    s.name = "t" + std::to_string(index);
    ConvParams& p = s.layer.params;
    p.stride = Size2(1 + pick(rng) % 3, 1 + pick(rng) % 3);
    p.dilation = Size2(1 + pick(rng) % 2, 1);
    const int64_t groups = cin % 2 == 0 && pick(rng) % 2 ? 2 : 1;
    p.groups = static_cast<int>(groups);
    const int64_t coutG = 1 + pick(rng) % 2;
    const int kh = 1 + pick(rng) % 4, kw = 1 + pick(rng) % 4;
    s.layer.weight = randomTensor(Shape4{cin, coutG, kh, kw}, rng, 0.1f, 1.0f);
    s.cropBegin = Size2(pick(rng) % (p.dilation.h * (kh - 1) + 1), pick(rng) % kw);
    return s;
}

ChainStep randomConvolutionStep(std::mt19937& rng, int64_t cin, int index) {
    std::uniform_int_distribution<int> pick(0, 1000);
    const int k = 1 + 2 * (pick(rng) % 2);
    const int64_t cout = 1 + pick(rng) % 3;
    const Tensor w = randomTensor(Shape4{cout, cin, k, k}, rng);
    return convolutionStep("c" + std::to_string(index), w, Size2(1, 1), 1, Size2(k / 2, k / 2));
}

// Nearest resize by s (floor(o/s)) then a zero-padded correlation: the direct definition.
Tensor resizeThenConv(const Tensor& x, int s, const app::ConvolutionDesc& c) {
    const Shape4 in = x.shape(), w = c.weight.shape();
    const int64_t uh = in.h * s, uw = in.w * s;
    const int64_t oh = uh + c.pads[0] + c.pads[2] - c.dilation.h * (w.h - 1);
    const int64_t ow = uw + c.pads[1] + c.pads[3] - c.dilation.w * (w.w - 1);
    Tensor y(Shape4{1, w.n, oh, ow});
    for (int64_t co = 0; co < w.n; ++co)
        for (int64_t oy = 0; oy < oh; ++oy)
            for (int64_t ox = 0; ox < ow; ++ox) {
                double sum = c.bias.empty() ? 0.0 : c.bias[static_cast<size_t>(co)];
                for (int64_t ci = 0; ci < w.c; ++ci)
                    for (int64_t u = 0; u < w.h; ++u)
                        for (int64_t v = 0; v < w.w; ++v) {
                            const int64_t py = oy + u * c.dilation.h - c.pads[0],
                                          px = ox + v * c.dilation.w - c.pads[1];
                            if (py < 0 || py >= uh || px < 0 || px >= uw) continue;
                            sum += double(c.weight.at(co, ci, u, v)) * x.at(0, ci, py / s, px / s);
                        }
                y.at(0, co, oy, ox) = static_cast<float>(sum);
            }
    return y;
}

// A zero-padded stride-1 correlation then DepthToSpace(r) in CRD order: the direct definition.
Tensor convThenShuffle(const Tensor& x, int r, const app::ConvolutionDesc& c) {
    const Shape4 in = x.shape(), w = c.weight.shape();
    const int64_t oh = in.h + c.pads[0] + c.pads[2] - (w.h - 1), ow = in.w + c.pads[1] + c.pads[3] - (w.w - 1);
    const int64_t outC = w.n / (r * r);
    Tensor y(Shape4{1, outC, oh * r, ow * r});
    for (int64_t m = 0; m < w.n; ++m)
        for (int64_t oy = 0; oy < oh; ++oy)
            for (int64_t ox = 0; ox < ow; ++ox) {
                double sum = c.bias.empty() ? 0.0 : c.bias[static_cast<size_t>(m)];
                for (int64_t ci = 0; ci < w.c; ++ci)
                    for (int64_t u = 0; u < w.h; ++u)
                        for (int64_t v = 0; v < w.w; ++v) {
                            const int64_t py = oy + u - c.pads[0], px = ox + v - c.pads[1];
                            if (py < 0 || py >= in.h || px < 0 || px >= in.w) continue;
                            sum += double(c.weight.at(m, ci, u, v)) * x.at(0, ci, py, px);
                        }
                const int64_t ch = m / (r * r), a = m / r % r, b = m % r;  // CRD
                y.at(0, ch, oy * r + a, ox * r + b) = static_cast<float>(sum);
            }
    return y;
}

// The equivalent layer run by the engine (its crops are symmetric in these cases).
Tensor runEquivalent(const app::UpsamplingLayer& l, const Tensor& x) {
    if (l.pads[0] != l.pads[2] || l.pads[1] != l.pads[3] || l.pads[0] < 0 || l.pads[1] < 0) {
        qWarning("unexpected crops %d,%d,%d,%d", l.pads[0], l.pads[1], l.pads[2], l.pads[3]);
        return Tensor();
    }
    ConvLayer layer = l.layer;
    layer.params.padding = Size2(l.pads[0], l.pads[1]);
    const std::unique_ptr<Backend> cpu = createBackend(BackendKind::Cpu);
    return convTranspose2d(x, layer, *cpu);
}

void compareTensors(const Tensor& got, const Tensor& expected, double tolerance, const QString& what) {
    QCOMPARE(got.shape(), expected.shape());
    double scale = 1e-6;
    for (float v : expected.storage()) scale = std::max(scale, static_cast<double>(std::abs(v)));
    for (int64_t i = 0; i < got.size(); ++i)
        if (std::abs(got.storage()[static_cast<size_t>(i)] - expected.storage()[static_cast<size_t>(i)]) >
            tolerance * scale)
            QFAIL(qPrintable(QString("%1: element %2: got %3, expected %4")
                                 .arg(what)
                                 .arg(i)
                                 .arg(got.storage()[static_cast<size_t>(i)])
                                 .arg(expected.storage()[static_cast<size_t>(i)])));
}

QString intList(const QJsonArray& a, const char* sep) {
    QStringList parts;
    for (const QJsonValue& v : a) parts << QString::number(v.toInt());
    return parts.join(sep);
}

}  // namespace

class TestAudit : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void chainOfOneLayerIsItsPhaseGains();
    void randomChainsMatchTheEngine();
    void chainWorstLayerIsTheRipplingOne();
    void resizeConvEquivalentLayer();
    void pixelShuffleEquivalentLayer();
    void layersMatchAnalyzeOfTheirWeights();
    void applyMatchesPyTorch();
    void modelChainsMatchTheEngine();
    void resizeConvAndPixelShuffleModels();
    void jsonKeysAndExitCodes();
    void badModels();

private:
    ProcessResult tconv(const QStringList& args);
    QJsonObject auditJson(const QString& model);
    QJsonArray manifest();
    std::unique_ptr<QTemporaryDir> dir_;
    std::map<QString, QJsonObject> audits_;
};

void TestAudit::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    QVERIFY(dir_->isValid());
}

void TestAudit::cleanup() { dir_.reset(); }

ProcessResult TestAudit::tconv(const QStringList& args) {
    QProcess p;
    p.setWorkingDirectory(dir_->path());
    p.start(TCONV_EXE, args);
    return finishProcess(p);
}

QJsonObject TestAudit::auditJson(const QString& model) {
    if (const auto it = audits_.find(model); it != audits_.end()) return it->second;
    const ProcessResult r = tconv({"audit", kOnnxDir + model, "--json"});
    if (r.code != 0) qWarning("audit %s: exit %d: %s", qPrintable(model), r.code, qPrintable(r.err));
    QJsonParseError e;
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &e).object();
    if (e.error != QJsonParseError::NoError) qWarning("audit %s: not JSON: %s", qPrintable(model), qPrintable(r.out));
    audits_[model] = o;
    return o;
}

QJsonArray TestAudit::manifest() {
    QFile f(kOnnxDir + "layers.json");
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object()["layers"].toArray();
}

void TestAudit::chainOfOneLayerIsItsPhaseGains() {
    // One transposed convolution: the chain's CV per channel is tconv analyze's (ChannelScores).
    std::mt19937 rng(5);
    ChainStep s;
    s.name = "one";
    s.layer.params.stride = Size2(2, 3);
    s.layer.params.groups = 1;
    s.layer.weight = randomTensor(Shape4{3, 4, 3, 4}, rng, 0.0f, 1.0f);
    s.layer.params.kernel = Size2(3, 4);
    s.cropBegin = Size2(1, 1);
    const ChainAnalysis a = analyzeChain({s});
    const ChannelScores cs = channelScores(s.layer);
    QCOMPARE(a.stride, Size2(2, 3));
    QCOMPARE(a.scores.size(), cs.scores.size());
    double mean = 0;
    for (size_t c = 0; c < cs.scores.size(); ++c) {
        // The same sums, in a different order (channelKernel rounds the summed taps to float first).
        QVERIFY(std::abs(a.scores[c].cv - cs.scores[c].cv) < 1e-6 * std::max(1.0, cs.scores[c].cv));
        mean += cs.scores[c].cv / static_cast<double>(cs.scores.size());
    }
    QVERIFY(std::abs(a.cv - mean) < 1e-6 * std::max(1.0, mean));
    QCOMPARE(a.worstStep, int64_t(0));
    QVERIFY(a.cvWithStepRepaired[0] < 1e-6);  // repaired, the only layer leaves no ripple
    // Hand-checked: a 3-tap [1 2 1] kernel at stride 2 (crop 0) has gains 1+1 = 2 at even, 2 at odd outputs.
    ChainStep t;
    t.name = "tent";
    t.layer.params.stride = Size2(2, 1);
    t.layer.weight = Tensor(Shape4{1, 1, 3, 1});
    t.layer.weight.at(0, 0, 0, 0) = 1;
    t.layer.weight.at(0, 0, 1, 0) = 2;
    t.layer.weight.at(0, 0, 2, 0) = 1;
    const std::vector<PhaseGainTable> g = compoundPhaseGains({t});
    QCOMPARE(g[0].gain, (std::vector<double>{2.0, 2.0}));
    // Then a k=1 stride-2 layer: holes at odd outputs, and a 2-tap box after it fills them.
    ChainStep holes;
    holes.name = "holes";
    holes.layer.params.stride = Size2(2, 1);
    holes.layer.weight = Tensor(Shape4{1, 1, 1, 1}, 3.0f);
    const std::vector<PhaseGainTable> h = compoundPhaseGains({t, holes});
    QCOMPARE(h[0].gain, (std::vector<double>{6.0, 0.0, 6.0, 0.0}));
    QCOMPARE(h[0].tapCount[1], 0);
    const ChainStep box = convolutionStep("box", Tensor(Shape4{1, 1, 2, 1}, 1.0f), Size2(1, 1), 1, Size2(0, 0));
    const std::vector<PhaseGainTable> f = compoundPhaseGains({t, holes, box});
    QCOMPARE(f[0].gain, (std::vector<double>{6.0, 6.0, 6.0, 6.0}));
    QVERIFY(f[0].tapCount[1] > 0);
}

void TestAudit::randomChainsMatchTheEngine() {
    std::mt19937 rng(2026);
    for (int trial = 0; trial < 12; ++trial) {
        std::vector<ChainStep> steps;
        int64_t channels = 1 + trial % 3;
        const int length = 1 + trial % 4;
        for (int i = 0; i < length; ++i) {
            steps.push_back(i % 2 == 1 && trial % 3 == 0 ? randomConvolutionStep(rng, channels, i)
                                                         : randomTransposedStep(rng, channels, i));
            channels = steps.back().layer.outChannels();
        }
        compareChainWithEngine(steps, 14, 13, QString("random chain %1").arg(trial));
        if (QTest::currentTestFailed()) return;
    }
}

void TestAudit::chainWorstLayerIsTheRipplingOne() {
    // A flat bilinear layer, then a 3-tap stride-2 layer (ripple), then another flat one: the middle one is worst.
    std::mt19937 rng(9);
    const auto flat = [](const char* name) {
        ChainStep s;
        s.name = name;
        s.layer.params.stride = Size2(2, 2);
        s.layer.weight = Tensor(Shape4{1, 1, 4, 4});
        const float t[4] = {0.25f, 0.75f, 0.75f, 0.25f};
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 4; ++x) s.layer.weight.at(0, 0, y, x) = t[y] * t[x];
        s.cropBegin = Size2(1, 1);
        return s;
    };
    ChainStep ripple;
    ripple.name = "ripple";
    ripple.layer.params.stride = Size2(2, 2);
    ripple.layer.weight = randomTensor(Shape4{1, 1, 3, 3}, rng, 0.2f, 1.0f);
    ripple.cropBegin = Size2(1, 1);
    const ChainAnalysis a = analyzeChain({flat("first"), ripple, flat("last")});
    QCOMPARE(a.stride, Size2(8, 8));
    QVERIFY(a.cv > 0.01);
    QCOMPARE(a.worstStep, int64_t(1));
    QVERIFY(a.cvWithStepRepaired[1] < 1e-6);
    QVERIFY(a.cvAfterStep[0] < 1e-6);
    QVERIFY(a.cvAfterStep[1] > 0.01);
}

void TestAudit::resizeConvEquivalentLayer() {
    // Nearest x2 and x3 + conv (zero padding): the equivalent layer is exact everywhere.
    std::mt19937 rng(11);
    for (int s : {2, 3}) {
        app::ConvolutionDesc c;
        c.weight = randomTensor(Shape4{3, 2, 3, 3}, rng);
        c.bias = {0.5f, -0.25f, 0.125f};
        c.pads = {1, 1, 1, 1};
        app::ResizeDesc r;
        r.scale = Size2(s, s);
        r.coordinates = "asymmetric";
        r.nearestMode = "floor";
        const app::UpsamplingLayer l = app::resizeConvLayer(r, c);
        QCOMPARE(l.layer.params.stride, Size2(s, s));
        const Tensor x = randomTensor(Shape4{1, 2, 5, 4}, rng);
        compareTensors(runEquivalent(l, x), resizeThenConv(x, s, c), 1e-5, QString("nearest x%1").arg(s));
        // A constant input stays constant: the resize-conv has no checkerboard (positive taps, so
        // that float rounding is small against the mean).
        c.weight = randomTensor(Shape4{3, 2, 3, 3}, rng, 0.1f, 1.0f);
        QVERIFY(channelScores(app::resizeConvLayer(r, c).layer).maxCv() < 1e-6);
    }
    // Bilinear (half_pixel) x2: taps [1/4, 3/4, 3/4, 1/4] with crop 1 per axis, flat phase gains.
    app::ResizeDesc bilinear;
    bilinear.kind = app::ResizeKind::Linear;
    const app::ResizeAxisKernel k = app::resizeAxisKernel(bilinear, 2);
    QCOMPARE(k.taps, (std::vector<double>{0.25, 0.75, 0.75, 0.25}));
    QCOMPARE(k.crop, 1);
    bilinear.coordinates = "align_corners";
    QVERIFY_THROWS_EXCEPTION(tconv::ParameterError, app::resizeAxisKernel(bilinear, 2));
}

void TestAudit::pixelShuffleEquivalentLayer() {
    std::mt19937 rng(12);
    app::ConvolutionDesc c;
    c.weight = randomTensor(Shape4{2 * 4, 3, 3, 3}, rng);
    c.pads = {1, 1, 1, 1};
    const app::UpsamplingLayer l = app::depthToSpaceLayer(2, true, c);
    QCOMPARE(l.layer.weight.shape(), (Shape4{3, 2, 6, 6}));
    const Tensor x = randomTensor(Shape4{1, 3, 4, 5}, rng);
    compareTensors(runEquivalent(l, x), convThenShuffle(x, 2, c), 1e-5, "pixel shuffle CRD");
    // The shuffle alone: a 0/1 kernel, flat.
    const app::UpsamplingLayer alone = app::depthToSpaceAlone(2, false, 8);
    QVERIFY(channelScores(alone.layer).maxCv() < 1e-9);
    QVERIFY_THROWS_EXCEPTION(tconv::ParameterError, app::depthToSpaceAlone(2, false, 6));
}

void TestAudit::layersMatchAnalyzeOfTheirWeights() {
    if (!app::onnxSupportBuiltIn()) QSKIP("this build has no ONNX support");
    const QJsonArray layers = manifest();
    QVERIFY(layers.size() >= 7);
    for (const QJsonValue& v : layers) {
        const QJsonObject m = v.toObject();
        const QJsonObject audit = auditJson(m["model"].toString());
        QJsonObject layer;
        for (const QJsonValue& l : audit["layers"].toArray())
            if (l.toObject()["name"] == m["name"]) layer = l.toObject();
        QVERIFY2(!layer.isEmpty(), qPrintable("no audited layer " + m["name"].toString()));
        // The attributes, auto_pad and output_shape resolved, as the script wrote them down.
        QCOMPARE(layer["op"].toString(), QString("ConvTranspose"));
        QCOMPARE(layer["stride"].toArray(), m["stride"].toArray());
        QCOMPARE(layer["pads"].toArray(), m["pads"].toArray());
        QCOMPARE(layer["output_padding"].toArray(), m["output_padding"].toArray());
        QCOMPARE(layer["dilation"].toArray(), m["dilation"].toArray());
        QCOMPARE(layer["group"].toInt(), m["group"].toInt());
        QCOMPARE(layer["auto_pad"].toString(), m["auto_pad"].toString());
        // tconv analyze of the weight the script saved from the model, parameters by hand.
        const QString prefix = m["prefix"].toString();
        const ProcessResult r =
            tconv({"analyze", "--json", "--kernel", kOnnxDir + prefix + "_weight.npy", "--stride",
                   intList(m["stride"].toArray(), "x"), "--dilation", intList(m["dilation"].toArray(), "x"), "--groups",
                   QString::number(m["group"].toInt())});
        QVERIFY2(r.code == 0, qPrintable(prefix + ": " + r.err));
        const QJsonObject a = QJsonDocument::fromJson(r.out.toUtf8()).object();
        std::vector<double> cv;
        for (const QJsonValue& c : a["channel_cv"].toArray()) cv.push_back(c.toDouble());
        std::sort(cv.begin(), cv.end());
        const size_t n = cv.size();
        QVERIFY(n > 0);
        const double median = n % 2 ? cv[n / 2] : 0.5 * (cv[n / 2 - 1] + cv[n / 2]);
        QVERIFY2(std::abs(layer["cv_median"].toDouble() - median) <= 1e-9 * std::max(1.0, median), qPrintable(prefix));
        QVERIFY2(
            std::abs(layer["cv_worst"].toDouble() - a["cv"].toDouble()) <= 1e-9 * std::max(1.0, a["cv"].toDouble()),
            qPrintable(prefix));
        QCOMPARE(layer["worst_channel"].toInt(), a["channel"].toInt());
        QCOMPARE(layer["channels_rippling"].toInt(), a["channels_visible"].toInt());
        QCOMPARE(layer["channels_with_holes"].toInt(), a["channels_with_holes"].toInt());
        QCOMPARE(layer["verdict"].toString(), a["verdict"].toString());
    }
}

void TestAudit::applyMatchesPyTorch() {
    const QJsonArray layers = manifest();
    QVERIFY(layers.size() >= 7);
    for (const QJsonValue& v : layers) {
        const QJsonObject m = v.toObject();
        const QString prefix = m["prefix"].toString();
        const QJsonArray pads = m["pads"].toArray();
        QStringList args{"apply",
                         kOnnxDir + prefix + "_input.npy",
                         "out.npy",
                         "--kernel",
                         kOnnxDir + prefix + "_weight.npy",
                         "--stride",
                         intList(m["stride"].toArray(), "x"),
                         "--dilation",
                         intList(m["dilation"].toArray(), "x"),
                         "--groups",
                         QString::number(m["group"].toInt()),
                         "--output-padding",
                         intList(m["output_padding"].toArray(), "x")};
        if (pads[0] == pads[2] && pads[1] == pads[3])
            args << "--padding" << QString("%1x%2").arg(pads[0].toInt()).arg(pads[1].toInt());
        else args << "--pads" << intList(pads, ",");
        if (m["bias"].toBool()) {
            const NpyArray b = readNpy((kOnnxDir + prefix + "_bias.npy").toStdString());
            QStringList values;
            for (float x : b.values) values << QString::number(static_cast<double>(x), 'g', 9);
            args << "--bias" << values.join(",");
        }
        const ProcessResult r = tconv(args);
        QVERIFY2(r.code == 0, qPrintable(prefix + ": " + r.err));
        const NpyArray got = readNpy(dir_->filePath("out.npy").toStdString());
        const NpyArray expected = readNpy((kOnnxDir + prefix + "_output.npy").toStdString());
        QCOMPARE(got.shape, expected.shape);
        double scale = 0;
        for (float x : expected.values) scale = std::max(scale, static_cast<double>(std::abs(x)));
        for (size_t i = 0; i < got.values.size(); ++i)
            QVERIFY2(std::abs(got.values[i] - expected.values[i]) <= 1e-5 * std::max(scale, 1.0),
                     qPrintable(QString("%1: element %2: %3 vs PyTorch %4")
                                    .arg(prefix)
                                    .arg(i)
                                    .arg(got.values[i])
                                    .arg(expected.values[i])));
    }
}

void TestAudit::modelChainsMatchTheEngine() {
    if (!app::onnxSupportBuiltIn()) QSKIP("this build has no ONNX support");
    for (const char* model : {"dcgan.onnx", "unet_decoder.onnx", "pixel_shuffle.onnx", "auto_pad.onnx"}) {
        const app::ModelDescription d = app::readOnnxModel((kOnnxDir + model).toStdString());
        QVERIFY2(!d.chains.empty(), model);
        for (const app::ModelChain& chain : d.chains) {
            for (const ChainStep& s : chain.steps)
                QVERIFY2(s.cropBegin.h >= 0 && s.cropBegin.w >= 0, qPrintable(QString(model) + " " + s.name.c_str()));
            compareChainWithEngine(chain.steps, 12, 12, model);
            if (QTest::currentTestFailed()) return;
        }
        // The JSON's chain table is the mean over the output channels of these tables.
        const QJsonObject chain = auditJson(model)["chain"].toObject();
        const std::vector<PhaseGainTable> tables = compoundPhaseGains(d.chains.front().steps);
        const QJsonArray rows = chain["phase_gain"].toArray();
        QCOMPARE(rows.size(), tables[0].sh);
        for (int y = 0; y < tables[0].sh; ++y)
            for (int x = 0; x < tables[0].sw; ++x) {
                double mean = 0;
                for (const PhaseGainTable& t : tables) mean += t.at(y, x) / static_cast<double>(tables.size());
                QVERIFY(std::abs(rows[y].toArray()[x].toDouble() - mean) <= 1e-6 * std::max(1.0, std::abs(mean)));
            }
    }
}

void TestAudit::resizeConvAndPixelShuffleModels() {
    if (!app::onnxSupportBuiltIn()) QSKIP("this build has no ONNX support");
    const QJsonObject unet = auditJson("unet_decoder.onnx");
    const QJsonArray ul = unet["layers"].toArray();
    QCOMPARE(ul.size(), 2);
    for (const QJsonValue& v : ul) {
        QCOMPARE(v.toObject()["op"].toString(), QString("Resize+Conv"));
        QCOMPARE(v.toObject()["stride"].toArray(), (QJsonArray{2, 2}));
        QVERIFY(v.toObject()["cv_worst"].toDouble(1) < 1e-6);  // resize-conv: no checkerboard
    }
    const QJsonObject uc = unet["chain"].toObject();
    QCOMPARE(uc["stride"].toArray(), (QJsonArray{4, 4}));
    QVERIFY(uc["cv"].toDouble(1) < 1e-6);
    QVERIFY(uc["worst_layer"].isNull());
    const QJsonObject ps = auditJson("pixel_shuffle.onnx");
    const QJsonArray pl = ps["layers"].toArray();
    QCOMPARE(pl.size(), 2);
    for (const QJsonValue& v : pl) {
        QCOMPARE(v.toObject()["op"].toString(), QString("DepthToSpace"));
        QVERIFY(v.toObject()["cv_worst"].toDouble() > 1e-3);  // random weights ripple
    }
    QCOMPARE(ps["chain"].toObject()["stride"].toArray(), (QJsonArray{4, 4}));
}

void TestAudit::jsonKeysAndExitCodes() {
    if (!app::onnxSupportBuiltIn()) {
        const ProcessResult r = tconv({"audit", kOnnxDir + "dcgan.onnx"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("this tconv was built without ONNX support (install libonnx-dev libprotobuf-dev and "
                                "rebuild)"),
                 qPrintable(r.err));
        return;
    }
    const QJsonObject o = auditJson("dcgan.onnx");
    const QJsonArray layers = o["layers"].toArray();
    QCOMPARE(layers.size(), 4);
    for (const char* key : {"name", "op", "stride", "pads", "output_padding", "dilation", "group", "cv_median",
                            "cv_worst", "channels_rippling", "holes", "verdict"})
        QVERIFY2(layers[0].toObject().contains(key), key);
    const QJsonObject chain = o["chain"].toObject();
    for (const char* key : {"stride", "period", "phase_gain", "cv", "worst_layer"}) QVERIFY2(chain.contains(key), key);
    QCOMPARE(chain["stride"].toArray(), (QJsonArray{8, 8}));
    QVERIFY(chain["cv"].toDouble() > 0.01);
    QVERIFY(chain["worst_layer"].isString());
    QCOMPARE(chain["ignored_ops"].toArray().size(), 2);  // BatchNormalization, Relu
    // Text for people: the linear assumption is stated; artifacts alone exit 0.
    const ProcessResult text = tconv({"audit", kOnnxDir + "dcgan.onnx"});
    QCOMPARE(text.code, 0);
    QVERIFY(text.out.contains("non-linearities and normalisation between its layers are left out"));
    QVERIFY(text.out.contains("worst layer: " + chain["worst_layer"].toString()));
    const ProcessResult fail = tconv({"audit", kOnnxDir + "dcgan.onnx", "--fail-on-artifacts", "0.01"});
    QCOMPARE(fail.code, 3);
    QVERIFY2(fail.err.contains("above --fail-on-artifacts 0.01"), qPrintable(fail.err));
    QVERIFY(!fail.out.isEmpty());
    QCOMPARE(tconv({"audit", kOnnxDir + "dcgan.onnx", "--fail-on-artifacts", "1e9"}).code, 0);
    QCOMPARE(tconv({"audit", kOnnxDir + "unet_decoder.onnx", "--fail-on-artifacts", "0.001"}).code, 0);
    const ProcessResult bad = tconv({"audit", kOnnxDir + "dcgan.onnx", "--fail-on-artifacts", "lots"});
    QCOMPARE(bad.code, 2);
    QVERIFY2(bad.err.contains("--fail-on-artifacts: expected a CV >= 0"), qPrintable(bad.err));
    QCOMPARE(tconv({"audit"}).code, 2);
    QCOMPARE(tconv({"audit", "a.onnx", "b.onnx"}).code, 2);
}

void TestAudit::badModels() {
    if (!app::onnxSupportBuiltIn()) QSKIP("this build has no ONNX support");
    const struct {
        const char* file;
        int code;
        const char* message;
    } cases[] = {
        {"not_onnx.onnx", 1, "is not an ONNX model"},
        {"truncated.onnx", 1, "is not an ONNX model"},
        {"missing.onnx", 1, "cannot open"},
        {"bad_auto_pad.onnx", 1,
         "auto_pad 'SAME_MIDDLE' is not supported; expected NOTSET, SAME_UPPER, SAME_LOWER or VALID"},
    };
    for (const auto& c : cases) {
        const ProcessResult r = tconv({"audit", kOnnxDir + c.file});
        QVERIFY2(r.code == c.code, qPrintable(QString(c.file) + ": " + r.err));
        QVERIFY2(r.err.startsWith("tconv: error: ") && r.err.contains(c.message), qPrintable(r.err));
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY(r.out.isEmpty());
    }
    const ProcessResult none = tconv({"audit", kOnnxDir + "no_upsampling.onnx"});
    QCOMPARE(none.code, 0);
    QVERIFY2(none.out.contains("no upsampling layers found"), qPrintable(none.out));
    const QJsonObject o = auditJson("no_upsampling.onnx");
    QCOMPARE(o["layers"].toArray().size(), 0);
    QVERIFY(o["chain"].isNull());
}

QTEST_MAIN(TestAudit)
#include "test_audit.moc"
