// SPDX-License-Identifier: MIT
// The compute pipeline the studio runs on its worker: results equal the
// engine's, a burst of requests ends with the last one, failures carry the
// engine's message, buffers are reused; presets and the PyTorch snippet.
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "compute/ComputePipeline.h"
#include "document/ImageExport.h"
#include "common/ImageIO.h"
#include "document/PresetStore.h"
#include "panels/PyTorchSnippet.h"
#include "PipelineTestUtil.h"
#include "StudioTestUtil.h"
#include "document/TutorialExamples.h"
#include "common/TestPrinters.h"
#include "core/ConvError.h"
#include "core/Validation.h"

using namespace tconv;
using namespace tconv::ui;

namespace {

using test::runOne;

ComputeRequest request(std::shared_ptr<const Tensor> input, const StudioParams& p) {
    return test::pipelineRequest(std::move(input), p);
}

}  // namespace

class TestStudioPipeline : public QObject {
    Q_OBJECT
private slots:
    void resultEqualsEngine();
    void invalidRequestCarriesEngineMessage();
    void tutorialExamplesMatchTheirPrintedResults();
    void presetRoundTrip();
    void presetRejectsBadFiles();
    void kernelSourceNamesRoundTrip();
    void pytorchSnippetNamesEverything();
    void saveAllViewsWritesImagesAndArrays();
};

void TestStudioPipeline::resultEqualsEngine() {
    ComputePipeline pipeline;
    auto input = std::make_shared<const Tensor>(test::seededImage(17, 23, 3, 1));
    StudioParams p;
    p.geometry.kernel = Size2(4, 3);
    p.geometry.stride = Size2(2, 3);
    p.geometry.padding = Size2(1, 0);
    p.geometry.outputPadding = Size2(0, 2);
    p.kernelSource = KernelSource::preset(KernelPreset::Bilinear);
    p.bias = 0.25f;
    const ComputeResultPtr r = runOne(pipeline, request(input, p));
    QVERIFY(r);
    QVERIFY2(r->ok, qPrintable(r->error));
    const OutputSize o = outputSize(17, 23, p.geometry);
    QCOMPARE(r->output.shape(), (Shape4{1, 3, o.h, o.w}));
    QVERIFY(test::sameTensor(r->output, test::engineResult(*input, p)));
    QCOMPARE(r->request.params, p);  // the result carries what it was computed for
    QCOMPARE(r->resizeConv.shape(), r->output.shape());
    QCOMPARE(r->difference.size(), size_t(o.h * o.w));
    QCOMPARE(r->resultImage.size(), QSize(int(o.w), int(o.h)));
    QVERIFY(!r->heatImage.isNull());
}

void TestStudioPipeline::invalidRequestCarriesEngineMessage() {
    ComputePipeline pipeline;
    auto input = std::make_shared<const Tensor>(test::seededImage(8, 8, 1, 3));
    StudioParams p;
    p.geometry.stride = 2;
    p.geometry.outputPadding = 2;
    p.geometry.dilation = 1;
    QString expected;
    try {
        validateParams(p.geometry);
    } catch (const ParameterError& e) {
        expected = QString::fromUtf8(e.what());
    }
    QVERIFY(!expected.isEmpty());
    const ComputeResultPtr r = runOne(pipeline, request(input, p));
    QVERIFY(r);
    QVERIFY(!r->ok);
    QCOMPARE(r->error, expected);
}

void TestStudioPipeline::tutorialExamplesMatchTheirPrintedResults() {
    ComputePipeline pipeline;
    int checked = 0;
    for (const TutorialExample& e : tutorialExamples()) {
        StudioParams p;
        p.geometry = e.geometry;
        p.kernelSource = KernelSource::custom();
        p.customKernel = e.kernel;
        const ComputeResultPtr r = runOne(pipeline, request(std::make_shared<const Tensor>(e.input), p));
        QVERIFY2(r && r->ok, qPrintable(e.id));
        if (e.expected.isEmpty()) continue;
        QCOMPARE(r->output.shape().h, int64_t(e.expected.size()));
        QCOMPARE(r->output.shape().w, int64_t(e.expected[0].size()));
        for (int y = 0; y < e.expected.size(); ++y)
            for (int x = 0; x < e.expected[y].size(); ++x) QCOMPARE(r->output.at(0, 0, y, x), e.expected[y][x]);
        ++checked;
    }
    QVERIFY(checked >= 9);
}

void TestStudioPipeline::presetRoundTrip() {
    QTemporaryDir dir;
    StudioParams p;
    p.geometry.kernel = Size2(3, 2);
    p.geometry.stride = Size2(3, 2);
    p.geometry.padding = Size2(1, 0);
    p.geometry.outputPadding = Size2(2, 1);
    p.geometry.dilation = Size2(1, 2);
    p.kernelSource = KernelSource::custom();
    p.customKernel = Kernel2D(3, 2);
    for (int i = 0; i < 6; ++i) p.customKernel.taps[size_t(i)] = 0.125f * i - 0.3f;
    p.bias = -0.5f;
    p.backend = BackendKind::Cpu;
    p.resize = ResizeMode::Bilinear;
    p.border = BorderMode::Reflect;
    p.heatmap = HeatmapKind::ArtifactComponent;
    p.tone = ToneMode::AutoRange;
    const QString path = dir.filePath("preset.json");
    QString error;
    QVERIFY2(PresetStore::save(path, p, &error), qPrintable(error));
    const auto back = PresetStore::load(path, &error);
    QVERIFY2(back.has_value(), qPrintable(error));
    QCOMPARE(*back, p);

    StudioParams q;
    q.kernelSource = KernelSource::preset(KernelPreset::Gaussian);
    q.sigma = 1.7;
    q.seed = 12345;
    QVERIFY(PresetStore::save(path, q, &error));
    QCOMPARE(*PresetStore::load(path, &error), q);
}

// The string form of KernelSource is what preset files and settings hold:
// every name reads back as itself, a misspelling is refused, the default is box.
void TestStudioPipeline::kernelSourceNamesRoundTrip() {
    const QStringList names = KernelSource::names();
    QCOMPARE(names, (QStringList{"box", "nearest", "bilinear", "gaussian", "random", "custom", "weight"}));
    for (const QString& n : names) {
        const auto s = KernelSource::fromName(n);
        QVERIFY2(s, qPrintable(n));
        QCOMPARE(s->name(), n);
    }
    QVERIFY(!KernelSource::fromName("gausian"));
    QVERIFY(!KernelSource::fromName(""));
    QCOMPARE(KernelSource(), KernelSource::preset(KernelPreset::Box));
    QVERIFY(KernelSource::fromName("custom")->isCustom() && KernelSource::fromName("weight")->isWeight());
    QCOMPARE(KernelSource::fromName("random")->presetKind(), std::optional<KernelPreset>(KernelPreset::Random));
    QVERIFY(!KernelSource::custom().presetKind());
}

void TestStudioPipeline::presetRejectsBadFiles() {
    QTemporaryDir dir;
    QString error;
    QVERIFY(!PresetStore::load(dir.filePath("missing.json"), &error));
    QVERIFY(error.contains("cannot read"));
    QFile f(dir.filePath("bad.json"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{ not json");
    f.close();
    QVERIFY(!PresetStore::load(f.fileName(), &error));
    QVERIFY(error.contains("not valid JSON"));
    QJsonObject o = PresetStore::toJson(StudioParams{});
    o["stride"] = "two";
    QVERIFY(!PresetStore::fromJson(o, &error));
    QVERIFY2(error.contains("'stride'"), qPrintable(error));
    o = PresetStore::toJson(StudioParams{});
    o["format"] = "something else";
    QVERIFY(!PresetStore::fromJson(o, &error));
}

void TestStudioPipeline::pytorchSnippetNamesEverything() {
    StudioParams p;
    p.geometry.kernel = Size2(2, 2);
    p.geometry.stride = Size2(2, 1);
    p.geometry.padding = Size2(1, 0);
    p.geometry.outputPadding = Size2(1, 0);
    p.geometry.dilation = Size2(1, 2);
    p.bias = 0.5f;
    Kernel2D k(2, 2);
    k.taps = {0.0f, 1.0f, 2.0f, 3.5f};
    const QString code = pytorchSnippet(p, k, 3);
    QVERIFY(code.contains("nn.ConvTranspose2d("));
    QVERIFY(code.contains("in_channels=3, out_channels=3, kernel_size=(2, 2)"));
    QVERIFY(code.contains("stride=(2, 1), padding=(1, 0), output_padding=(1, 0)"));
    QVERIFY(code.contains("groups=3, bias=True, dilation=(1, 2)"));
    QVERIFY(code.contains("[0.0, 1.0],\n    [2.0, 3.5]"));
    QVERIFY(code.contains("kernel.expand(3, 1, 2, 2)"));
    QVERIFY(code.contains("conv.bias.fill_(0.5)"));
}

void TestStudioPipeline::saveAllViewsWritesImagesAndArrays() {
    ComputePipeline pipeline;
    auto input = std::make_shared<const Tensor>(test::seededImage(12, 9, 3, 8));
    ComputeRequest r = request(input, StudioParams{});
    const ComputeResultPtr res = runOne(pipeline, r);
    QVERIFY(res && res->ok);
    QTemporaryDir dir;
    QString error;
    const QStringList written = ImageExport::saveAll(dir.path(), *res, 8, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (const char* name : {"input.png", "result.png", "result.npy", "resize_conv.png", "resize_conv.npy",
                             "difference.png", "difference.npy", "heatmap.png", "heatmap.npy"})
        QVERIFY2(written.contains(dir.filePath(name)), name);
    // The raw result round-trips exactly; the heatmap PNG carries a colour bar beside the map.
    const app::LoadedImage back = app::loadImage(dir.filePath("result.npy").toStdString());
    QVERIFY(test::sameTensor(back.tensor, res->output));
    const QImage heat(dir.filePath("heatmap.png"));
    QVERIFY(heat.width() > int(res->output.shape().w));
    // An unwritable place fails with a message, nothing half-written.
    QVERIFY(!ImageExport::saveTensor(dir.filePath("missing/x.png"), res->output, 8, &error));
    QVERIFY(!error.isEmpty());
}

QTEST_MAIN(TestStudioPipeline)
#include "test_studio_pipeline.moc"
