// SPDX-License-Identifier: MIT
// Weight mode: the studio on a full ConvTranspose2d weight (C_in, C_out/groups,
// kH, kW). Each case compares what the studio computes with the plain
// reference convolution of the whole layer on the input the studio says it
// feeds (the image, or its luminance on every input channel), then drives the
// same mode through the window's widgets, presets, the PyTorch code and the
// screenshot options.
#include <QComboBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <random>

#include "panels/AxisPairEditor.h"
#include "compute/ComputePipeline.h"
#include "panels/KernelEditor.h"
#include "window/MainWindow.h"
#include "panels/ParameterPanel.h"
#include "document/PresetStore.h"
#include "panels/PyTorchSnippet.h"
#include "document/StudioSettingsBridge.h"
#include "PipelineTestUtil.h"
#include "StudioTestUtil.h"
#include "analysis/LayerKernels.h"
#include "analysis/PhaseGain.h"
#include "common/KernelFile.h"
#include "common/TestPrinters.h"
#include "core/NpyFile.h"
#include "core/ReferenceConvTranspose.h"

using namespace tconv;
using namespace tconv::ui;

namespace {

Tensor randomWeight(Shape4 s, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-0.5f, 0.5f);
    Tensor t(s);
    for (float& v : t.storage()) v = u(rng);
    return t;
}

StudioParams weightParams(const Tensor& weight, int groups, int channel) {
    StudioParams p = weightModeParams(StudioParams{}, std::make_shared<const Tensor>(weight), "w.npy");
    p.geometry.stride = Size2(2, 2);
    p.geometry.padding = Size2(1, 0);
    p.geometry.outputPadding = Size2(1, 0);
    p.geometry.groups = groups;
    p.weightChannel = channel;
    return p;
}

// The reference of the whole layer on `input`.
Tensor referenceFull(const Tensor& input, const StudioParams& p) {
    return referenceConvTranspose2d(input, fullWeightLayer(p));
}

// Every input channel = the Rec. 709 luma of an RGB image.
Tensor replicatedLuma(const Tensor& rgb, int64_t channels) {
    const Shape4 s = rgb.shape();
    Tensor t(Shape4{1, channels, s.h, s.w});
    for (int64_t y = 0; y < s.h; ++y)
        for (int64_t x = 0; x < s.w; ++x) {
            const float l = 0.2126f * rgb.at(0, 0, y, x) + 0.7152f * rgb.at(0, 1, y, x) + 0.0722f * rgb.at(0, 2, y, x);
            for (int64_t c = 0; c < channels; ++c) t.at(0, c, y, x) = l;
        }
    return t;
}

bool sameChannel(const Tensor& got, int64_t gotC, const Tensor& want, int64_t wantC, float tol = 1e-4f) {
    if (got.shape().h != want.shape().h || got.shape().w != want.shape().w) return false;
    for (int64_t y = 0; y < got.shape().h; ++y)
        for (int64_t x = 0; x < got.shape().w; ++x)
            if (std::abs(got.at(0, gotC, y, x) - want.at(0, wantC, y, x)) > tol) return false;
    return true;
}

ComputeResultPtr compute(const std::shared_ptr<const Tensor>& input, const StudioParams& p) {
    ComputePipeline pipeline;
    return test::runOne(pipeline, test::pipelineRequest(input, p));
}

}  // namespace

class TestStudioWeight : public QObject {
    Q_OBJECT
private slots:
    void luminanceFeedsAWideLayer();
    void imageFeedsAMatchingLayerInColour();
    void oneChannelOfAMatchingGroupedLayer();
    void worstChannelIsTheCheckerboard();
    void widgetsDriveWeightMode();
    void presetsSnippetAndOptionsNameTheWeight();
    void repairEveryChannelThenSave();
};

void TestStudioWeight::luminanceFeedsAWideLayer() {
    const auto image = std::make_shared<const Tensor>(test::seededImage(11, 13, 3, 5));
    const Tensor weight = randomWeight(Shape4{6, 4, 3, 3}, 1);
    for (const auto& [groups, channel] : {std::pair{2, 5}, std::pair{1, 3}, std::pair{3, 0}, std::pair{6, 23}}) {
        StudioParams p = weightParams(weight, groups, channel);
        p.bias = 0.125f;
        const ComputeResultPtr r = compute(image, p);
        QVERIFY(r);
        QVERIFY2(r->ok, qPrintable(r->error));
        QCOMPARE(r->problem.input, StudioInput::Luminance);
        QVERIFY(r->problem.provenanceExact);
        QVERIFY(r->problem.note.contains("luminance"));
        QCOMPARE(r->output.shape().c, int64_t(1));
        const Tensor want = referenceFull(replicatedLuma(*image, 6), p);
        QCOMPARE(want.shape().c, int64_t(4 * groups));
        QVERIFY2(sameChannel(r->output, 0, want, channel), qPrintable(QString("groups %1").arg(groups)));
        // The analysis follows the same channel.
        QVERIFY(r->request.kernel == channelKernel(fullWeightLayer(p), channel));
    }
}

void TestStudioWeight::imageFeedsAMatchingLayerInColour() {
    const auto image = std::make_shared<const Tensor>(test::seededImage(9, 12, 3, 6));
    StudioParams p = weightParams(randomWeight(Shape4{3, 3, 4, 4}, 2), 1, 2);
    p.bias = -0.5f;
    const ComputeResultPtr r = compute(image, p);
    QVERIFY(r && r->ok);
    QCOMPARE(r->problem.input, StudioInput::Image);
    QCOMPARE(r->problem.analysedOutput, 2);
    QVERIFY(!r->problem.provenanceExact);  // three different input planes
    const Tensor want = referenceFull(*image, p);
    QCOMPARE(r->output.shape(), want.shape());
    QVERIFY(test::sameTensor(r->output, want, 1e-4f));
    QCOMPARE(r->resizeConv.shape(), want.shape());
}

void TestStudioWeight::oneChannelOfAMatchingGroupedLayer() {
    // A 4-channel input; groups 2: output channel 4 reads input channels 2 and 3.
    const auto image = std::make_shared<const Tensor>(test::seededImage(8, 10, 4, 7));
    StudioParams p = weightParams(randomWeight(Shape4{4, 3, 3, 2}, 3), 2, 4);
    const ComputeResultPtr r = compute(image, p);
    QVERIFY(r && r->ok);
    QCOMPARE(r->problem.input, StudioInput::GroupChannels);
    QCOMPARE(r->problem.groupBegin, int64_t(2));
    QCOMPARE(r->layerInput->shape().c, int64_t(2));
    QVERIFY(sameChannel(r->output, 0, referenceFull(*image, p), 4));
    // groups 1: all four image channels feed each of the 3 outputs, shown in colour.
    p.geometry.groups = 1;
    p.weightChannel = 1;
    const ComputeResultPtr all = compute(image, p);
    QVERIFY(all && all->ok);
    QCOMPARE(all->problem.input, StudioInput::Image);
    QCOMPARE(all->problem.analysedOutput, 1);
    QVERIFY(test::sameTensor(all->output, referenceFull(*image, p), 1e-4f));
    // A 4-D weight with 5 outputs: the analysed one alone, from all 4 inputs.
    StudioParams five = weightParams(randomWeight(Shape4{4, 5, 2, 3}, 8), 1, 3);
    const ComputeResultPtr one = compute(image, five);
    QVERIFY(one && one->ok);
    QCOMPARE(one->problem.input, StudioInput::Image);
    QCOMPARE(one->output.shape().c, int64_t(1));
    QVERIFY(sameChannel(one->output, 0, referenceFull(*image, five), 3));
}

void TestStudioWeight::worstChannelIsTheCheckerboard() {
    // Channels of an artifact-free stride-2 tent, except channel 3: a 3x3 box (CV 0.48).
    Tensor w(Shape4{2, 5, 3, 3});
    const float tent[3] = {0.5f, 1.0f, 0.5f};
    for (int ci = 0; ci < 2; ++ci)
        for (int co = 0; co < 5; ++co)
            for (int y = 0; y < 3; ++y)
                for (int x = 0; x < 3; ++x) w.at(ci, co, y, x) = co == 3 ? 0.5f : tent[y] * tent[x];
    const StudioParams p = weightModeParams(StudioParams{}, std::make_shared<const Tensor>(w), "w.npy");
    QCOMPARE(p.weightChannel, 3);
    QCOMPARE(p.geometry.kernel, Size2(3, 3));
    QCOMPARE(p.geometry.groups, 1);
    QCOMPARE(p.tone, ToneMode::AutoRange);
}

void TestStudioWeight::widgetsDriveWeightMode() {
    MainWindow w(test::testWindowOptions());
    w.resize(1200, 800);
    w.show();
    w.setInputTensor(test::seededImage(10, 12, 3, 9), "test", 8);
    QVERIFY(w.waitForIdle());
    const Tensor weight = randomWeight(Shape4{6, 2, 4, 4}, 4);
    w.setParams(weightParams(weight, 1, 1));
    QVERIFY(w.waitForIdle());
    QVERIFY2(w.currentError().isEmpty(), qPrintable(w.currentError()));

    KernelEditor* k = w.kernelEditor();
    ParameterPanel* panel = w.parameterPanel();
    auto* channel = k->findChild<QSpinBox*>("weightChannel");
    auto* groups = panel->findChild<QSpinBox*>("groups");
    QVERIFY(channel && groups);
    QVERIFY(channel->isVisible() && groups->isVisible());
    QVERIFY(!panel->kernelSize()->isEnabled());
    QCOMPARE(k->table()->editTriggers(), QAbstractItemView::NoEditTriggers);
    QCOMPARE(k->presetBox()->currentData().toString(), QString("weight"));
    QCOMPARE(channel->maximum(), 2);  // counted from 1 on screen: "1 of 2"
    QCOMPARE(channel->text(), QStringLiteral("%1 of 2").arg(w.params().weightChannel + 1));

    const auto expectChannel = [&](int co, const char* what) {
        QVERIFY2(w.waitForIdle(), what);
        QVERIFY2(w.currentError().isEmpty(), qPrintable(QString(what) + ": " + w.currentError()));
        QCOMPARE(w.params().weightChannel, co);
        const ComputeResultPtr r = w.lastResult();
        const Tensor want = referenceFull(replicatedLuma(*w.input(), 6), w.params());
        QVERIFY2(sameChannel(r->output, 0, want, co), what);
    };
    groups->setValue(3);  // 6 outputs now
    QCOMPARE(channel->maximum(), 6);
    channel->setValue(5);  // the fifth of six: index 4
    expectChannel(4, "groups 3, channel 4");
    groups->setValue(4);  // 6 input channels do not split into 4 groups
    QVERIFY(w.waitForIdle());
    QVERIFY2(w.currentError().contains("groups"), qPrintable(w.currentError()));
    groups->setValue(1);  // 2 outputs: the channel moves to the last one
    expectChannel(1, "groups 1");
    k->findChild<QPushButton*>("weightWorst")->click();
    expectChannel(worstWeightChannel(w.params()), "worst channel");

    // A preset leaves weight mode (the weight stays on offer) and comes back.
    QComboBox* preset = k->presetBox();
    const int bilinear = preset->findData(QString("bilinear"));
    preset->setCurrentIndex(bilinear);
    emit preset->activated(bilinear);
    QVERIFY(w.waitForIdle());
    QVERIFY(!w.params().isFullWeight());
    QVERIFY(!channel->isVisible() && !groups->isVisible() && panel->kernelSize()->isEnabled());
    QCOMPARE(w.lastResult()->output.shape().c, int64_t(3));
    panel->kernelSize()->heightBox()->setValue(2);
    const int back = preset->findData(QString("weight"));
    QVERIFY(back >= 0);
    preset->setCurrentIndex(back);
    emit preset->activated(back);
    QVERIFY(w.waitForIdle());
    QVERIFY(w.params().isFullWeight());
    QCOMPARE(w.params().geometry.kernel, Size2(4, 4));
    QVERIFY(w.currentError().isEmpty());

    // A tutorial resets the groups to 1; back in weight mode the channel must
    // still exist (6 outputs at groups 3, 2 at groups 1).
    groups->setValue(3);
    channel->setValue(6);  // 1-based on screen: the sixth, index 5
    expectChannel(5, "groups 3, channel 5");
    QVERIFY(w.loadTutorial("case2-stride"));
    QVERIFY(w.waitForIdle());
    preset->setCurrentIndex(preset->findData(QString("weight")));
    emit preset->activated(preset->findData(QString("weight")));
    QVERIFY(w.waitForIdle());
    QVERIFY2(w.currentError().isEmpty(), qPrintable(w.currentError()));
    QCOMPARE(w.params().geometry.groups, 1);
    QCOMPARE(w.params().weightChannel, 1);
    QVERIFY(channel->isVisible());
}

void TestStudioWeight::presetsSnippetAndOptionsNameTheWeight() {
    QTemporaryDir dir;
    const QString path = dir.filePath("decoder.npy");
    const Tensor weight = randomWeight(Shape4{6, 4, 3, 3}, 5);
    writeNpy(path.toStdString(), {6, 4, 3, 3}, weight.data());
    StudioParams p = weightModeParams(StudioParams{}, std::make_shared<const Tensor>(weight), path);
    p.geometry.groups = 2;
    p.weightChannel = 6;
    p.bias = 0.5f;

    QString error;
    const auto back = PresetStore::fromJson(PresetStore::toJson(p), &error);
    QVERIFY2(back, qPrintable(error));
    QVERIFY(back->isFullWeight());
    QCOMPARE(back->weightPath, path);
    QCOMPARE(back->geometry.groups, 2);
    QCOMPARE(back->weightChannel, 6);
    QVERIFY(test::sameTensor(*back->weight, weight));

    QJsonObject bad = PresetStore::toJson(p);
    bad["weight_channel"] = 8;  // 2 groups x 4 = 8 outputs: 0..7
    QVERIFY(!PresetStore::fromJson(bad, &error));
    QVERIFY2(error.contains("weight_channel"), qPrintable(error));
    bad = PresetStore::toJson(p);
    bad["weight_path"] = dir.filePath("missing.npy");
    QVERIFY(!PresetStore::fromJson(bad, &error));
    QVERIFY2(error.contains("missing.npy"), qPrintable(error));

    const QString code = pytorchSnippet(p, resolveKernel(p), 3);
    for (const char* part : {"in_channels=6", "out_channels=8", "groups=2", "kernel_size=(3, 3)", "bias=True",
                             "conv.bias.fill_(0.5)", "np.load("})
        QVERIFY2(code.contains(part), part);
    QVERIFY(code.contains(path));

    app::ConvSettings s;
    s.kernel = path.toStdString();
    s.groups = 3;
    StudioParams fromCli;
    QString why;
    QVERIFY2(applyConvSettings(s, fromCli, &why), qPrintable(why));
    QVERIFY(fromCli.isFullWeight());
    QCOMPARE(fromCli.geometry.groups, 3);
    // The first channel shown is the worst of the layer with its real groups.
    QCOMPARE(fromCli.weightChannel, worstWeightChannel(fromCli));
    QCOMPARE(fromCli.geometry.kernel, Size2(3, 3));
    const app::ConvSettings again = toConvSettings(fromCli);
    QCOMPARE(again.kernel, path.toStdString());
    QCOMPARE(again.groups, 3);
}

// Repair in weight mode repairs every slice (every channel kernel becomes
// artifact-free); the weight is then unsaved until Save writes it.
void TestStudioWeight::repairEveryChannelThenSave() {
    MainWindow w(test::testWindowOptions());
    w.show();
    w.setInputTensor(test::seededImage(9, 11, 3, 2), "test", 8);
    const Tensor weight = randomWeight(Shape4{5, 3, 3, 3}, 6);
    StudioParams p = weightParams(weight, 1, 2);
    p.geometry.outputPadding = Size2(0, 0);
    w.setParams(p);
    QVERIFY(w.waitForIdle());
    const auto worstCv = [](const StudioParams& sp) {
        const ConvLayer l = fullWeightLayer(sp);
        double worst = 0;
        for (int64_t co = 0; co < l.outChannels(); ++co)
            worst = std::max(
                worst, artifactScores(phaseGainTable(channelKernel(l, co), l.params.stride, l.params.dilation)).cv);
        return worst;
    };
    QVERIFY(worstCv(w.params()) > 0.05);
    auto* additive = w.kernelEditor()->findChild<QPushButton*>("repairAdditive");
    QVERIFY(additive && additive->isEnabled());
    additive->click();
    QVERIFY(w.waitForIdle());
    QVERIFY2(w.currentError().isEmpty(), qPrintable(w.currentError()));
    QVERIFY(w.params().isFullWeight());
    QVERIFY(w.params().weightPath.isEmpty());
    QVERIFY(worstCv(w.params()) < 1e-5);
    QCOMPARE(w.params().weight->shape(), weight.shape());
    QVERIFY(w.pytorchCode().contains("not saved yet"));
    // A preset names the weight's file: refused until it is saved.
    QTemporaryDir presets;
    QString presetError;
    QVERIFY(!PresetStore::save(presets.filePath("p.json"), w.params(), &presetError));
    QVERIFY2(presetError.contains("not saved"), qPrintable(presetError));
    QVERIFY(!QFile::exists(presets.filePath("p.json")));
    // The views show the repaired layer.
    const Tensor want = referenceFull(replicatedLuma(*w.input(), 5), w.params());
    QCOMPARE(w.lastResult()->output.shape().c, int64_t(3));  // 3 outputs: colour
    QVERIFY(test::sameTensor(w.lastResult()->output, want, 1e-4f));

    QTemporaryDir dir;
    QString error;
    QVERIFY(!w.saveWeight(dir.filePath("weight.txt"), &error));  // 4-D needs .npy
    QVERIFY2(error.contains(".npy"), qPrintable(error));
    const QString path = dir.filePath("repaired.npy");
    QVERIFY2(w.saveWeight(path, &error), qPrintable(error));
    QCOMPARE(w.params().weightPath, path);
    const app::KernelFile f = app::loadKernelFile(path.toStdString());
    QVERIFY(f.isFullWeight());
    QVERIFY(test::sameTensor(f.weight, *w.params().weight));
    QVERIFY(w.pytorchCode().contains(path));

    // Opening (or dropping) the 4-D .npy as a file opens it as the weight; the image stays.
    const auto image = w.input();
    w.setParams(StudioParams{});
    QVERIFY(!w.params().isFullWeight());
    QVERIFY2(w.openFile(path, &error, true), qPrintable(error));
    QVERIFY(w.waitForIdle());
    QVERIFY(w.params().isFullWeight());
    QCOMPARE(w.params().weightPath, path);
    QCOMPARE(w.input(), image);
    // A 4-D array that is not a weight either: the image's error.
    const std::vector<float> empty;
    writeNpy(dir.filePath("zero.npy").toStdString(), {2, 0, 3, 3}, empty.data());
    QVERIFY(!w.openFile(dir.filePath("zero.npy"), &error, true));
    QVERIFY(!error.isEmpty());
}

QTEST_MAIN(TestStudioWeight)
#include "test_studio_weight.moc"
