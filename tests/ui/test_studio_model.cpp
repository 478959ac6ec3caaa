// SPDX-License-Identifier: MIT
// The studio's Model dock (File > Open model, a dropped .onnx) on the
// committed ONNX fixtures (tests/fixtures/onnx, scripts/make_onnx_models.py):
// the list equals `tconv audit`'s analysis (app/audit, run here directly) in
// content and worst-first order; a chosen layer lands in weight mode with the
// attributes and weights PyTorch exported (layers.json and the .npy files
// written by the export script, not read through the ONNX reader); the Chain
// view shows the audit's chain; a repaired layer saved back differs from the
// original model in that initializer only and then reads clean; bad files
// give a message naming them and no crash. Without ONNX support only the
// disabled menu entry is checked.
#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>
#include <cmath>

#include "StudioTestUtil.h"
#include "analysis/ChannelScores.h"
#include "analysis/PhaseGain.h"
#include "audit/ModelAudit.h"
#include "common/TestPrinters.h"
#include "audit/OnnxModel.h"
#include "audit/OnnxModelWriter.h"
#include "core/NpyFile.h"
#include "document/PresetStore.h"
#include "document/StateHistory.h"
#include "panels/KernelEditor.h"
#include "panels/ModelController.h"
#include "panels/ModelPanel.h"
#include "views/ChainView.h"
#include "views/PhaseGainPlot.h"

using namespace tconv;
using namespace tconv::ui;

namespace {

const QString kOnnxDir = QStringLiteral(TCONV_FIXTURES_DIR "/onnx/");

app::ModelAudit auditOf(const QString& file) {
    return app::auditModel(app::readOnnxModel((kOnnxDir + file).toStdString()));
}

// Opens `file` in the window and waits for the audit off the GUI thread.
void openAndWait(MainWindow& w, const QString& path) {
    QString error;
    QVERIFY2(w.openModel(path, &error, true), qPrintable(error));
    QVERIFY(w.modelController()->waitForModel());
}

QJsonArray exportedLayers() {
    QFile f(kOnnxDir + QStringLiteral("layers.json"));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("layers")).toArray();
}

Size2 pairOf(const QJsonValue& v) { return Size2(v.toArray().at(0).toInt(), v.toArray().at(1).toInt()); }

int layerIndexByName(const app::ModelAudit& a, const QString& name) {
    for (size_t i = 0; i < a.model.layers.size(); ++i)
        if (QString::fromStdString(a.model.layers[i].name) == name) return static_cast<int>(i);
    return -1;
}

}  // namespace

class TestStudioModel : public QObject {
    Q_OBJECT
private slots:
    void menuEntryFollowsBuild();
    void listEqualsAuditWorstFirst_data();
    void listEqualsAuditWorstFirst();
    void choosingLayerLandsExportedParameters();
    void tableSelectionIsOneUndoStepAndResets();
    void chainViewEqualsAuditChain();
    void savedRepairChangesOnlyThatInitializer();
    void saveRefusesWhatCannotBeWritten();
    void badModelsGiveMessages();
    void droppedOnnxOpensModel();
    void screenshot();
};

void TestStudioModel::menuEntryFollowsBuild() {
    MainWindow w(test::testWindowOptions());
    auto* action = w.findChild<QAction*>(QStringLiteral("openModelAction"));
    QVERIFY(action);
    QCOMPARE(action->isEnabled(), app::onnxSupportBuiltIn());
    if (!app::onnxSupportBuiltIn()) {
        QVERIFY2(action->toolTip().contains(QLatin1String("without ONNX")), qPrintable(action->toolTip()));
        QString error;
        QVERIFY(!w.openModel(kOnnxDir + QStringLiteral("dcgan.onnx"), &error, true));
        QVERIFY2(error.contains(QLatin1String("libonnx-dev")), qPrintable(error));
    }
}

void TestStudioModel::listEqualsAuditWorstFirst_data() {
    QTest::addColumn<QString>("file");
    for (const char* f : {"dcgan.onnx", "unet_decoder.onnx", "pixel_shuffle.onnx", "asym_pads.onnx", "auto_pad.onnx"})
        QTest::newRow(f) << QString::fromLatin1(f);
}

void TestStudioModel::listEqualsAuditWorstFirst() {
    if (!app::onnxSupportBuiltIn()) QSKIP("built without ONNX support");
    QFETCH(QString, file);
    MainWindow w(test::testWindowOptions());
    openAndWait(w, kOnnxDir + file);
    const app::ModelAudit a = auditOf(file);
    QTableWidget* t = w.modelPanel()->table();
    QCOMPARE(t->rowCount(), static_cast<int>(a.layers.size()));
    QVERIFY(t->rowCount() > 0);
    QCOMPARE(w.modelController()->audit()->model.layers.size(), a.model.layers.size());
    for (int row = 0; row < t->rowCount(); ++row) {
        const int i = w.modelPanel()->layerAtRow(row);
        QVERIFY(i >= 0 && i < t->rowCount());
        const app::LayerAudit& la = a.layers[static_cast<size_t>(i)];
        QCOMPARE(t->item(row, 0)->text(), QString::fromStdString(a.model.layers[static_cast<size_t>(i)].name));
        QCOMPARE(t->item(row, 6)->text(), QString::fromStdString(cvText(la.cvMedian)));
        QCOMPARE(t->item(row, 7)->text(), QString::fromStdString(cvText(la.cvWorst)));
        QCOMPARE(t->item(row, 8)->text(),
                 QStringLiteral("%1 / %2").arg(la.channelsRippling).arg(la.channels.scores.size()));
        QCOMPARE(t->item(row, 9)->text(), QString::number(la.channelsWithHoles));
        QCOMPARE(t->item(row, 10)->text(), QString::fromStdString(la.worst().severity));
        // Worst first, checked from the scores themselves: holes, then the worst channel's CV.
        if (row > 0) {
            const app::LayerAudit& prev = a.layers[static_cast<size_t>(w.modelPanel()->layerAtRow(row - 1))];
            const bool ph = prev.channelsWithHoles > 0, h = la.channelsWithHoles > 0;
            QVERIFY(ph >= h);
            if (ph == h && !std::isnan(la.cvWorst) && !std::isnan(prev.cvWorst)) QVERIFY(prev.cvWorst >= la.cvWorst);
        }
    }
}

void TestStudioModel::choosingLayerLandsExportedParameters() {
    if (!app::onnxSupportBuiltIn()) QSKIP("built without ONNX support");
    const QJsonArray exported = exportedLayers();
    QVERIFY(exported.size() >= 7);
    MainWindow w(test::testWindowOptions());
    QString openModelFile;
    for (const QJsonValue& v : exported) {
        const QJsonObject e = v.toObject();
        const QString model = e.value(QStringLiteral("model")).toString();
        if (model != openModelFile) {
            openAndWait(w, kOnnxDir + model);
            openModelFile = model;
        }
        const QString name = e.value(QStringLiteral("name")).toString();
        const int index = layerIndexByName(*w.modelController()->audit(), name);
        QVERIFY2(index >= 0, qPrintable(name));
        QString error;
        QVERIFY2(w.modelController()->chooseLayer(index, &error), qPrintable(error));
        const StudioParams& p = w.params();
        QVERIFY(p.isFullWeight());
        // The weight PyTorch exported beside the model, read without the ONNX reader.
        const QString prefix = kOnnxDir + e.value(QStringLiteral("prefix")).toString();
        const NpyArray weight = readNpy((prefix + QStringLiteral("_weight.npy")).toStdString());
        const Shape4 s = p.weight->shape();
        QCOMPARE((std::vector<int64_t>{s.n, s.c, s.h, s.w}), weight.shape);
        QCOMPARE(std::vector<float>(p.weight->data(), p.weight->data() + p.weight->size()), weight.values);
        // Every attribute as PyTorch/ONNX gave it (auto_pad and output_shape resolved into pads).
        const ConvParams& g = p.geometry;
        QCOMPARE(g.kernel, Size2(static_cast<int>(s.h), static_cast<int>(s.w)));
        QCOMPARE(g.stride, pairOf(e.value(QStringLiteral("stride"))));
        QCOMPARE(g.outputPadding, pairOf(e.value(QStringLiteral("output_padding"))));
        QCOMPARE(g.dilation, pairOf(e.value(QStringLiteral("dilation"))));
        QCOMPARE(g.groups, e.value(QStringLiteral("group")).toInt());
        const QJsonArray pj = e.value(QStringLiteral("pads")).toArray();
        QCOMPARE(pads(g), (Pads4{pj.at(0).toInt(), pj.at(1).toInt(), pj.at(2).toInt(), pj.at(3).toInt()}));
        // The worst channel first, and its bias.
        ConvLayer full{g, *p.weight, {}};
        QCOMPARE(static_cast<int64_t>(p.weightChannel), channelScores(full).worst);
        float bias = 0.0f;
        if (e.value(QStringLiteral("bias")).toBool())
            bias = readNpy((prefix + QStringLiteral("_bias.npy")).toStdString())
                       .values.at(static_cast<size_t>(p.weightChannel));
        QCOMPARE(p.bias, bias);
        QVERIFY(w.waitForIdle());
        QVERIFY2(w.currentError().isEmpty(), qPrintable(name + QStringLiteral(": ") + w.currentError()));
    }
}

void TestStudioModel::tableSelectionIsOneUndoStepAndResets() {
    if (!app::onnxSupportBuiltIn()) QSKIP("built without ONNX support");
    MainWindow w(test::testWindowOptions());
    w.setInputTensor(test::seededImage(12, 12, 1, 7), QStringLiteral("seeded"), 0);
    QVERIFY(w.waitForIdle());
    openAndWait(w, kOnnxDir + QStringLiteral("dcgan.onnx"));
    const StudioParams before = w.params();
    QVERIFY(!before.isFullWeight());
    auto* report = w.kernelEditor()->findChild<QLabel*>(QStringLiteral("repairReport"));
    QVERIFY(report);
    w.kernelEditor()->setRepairReport(QStringLiteral("a report about the old kernel"));
    const int steps = w.history()->stack()->count();
    QTableWidget* t = w.modelPanel()->table();
    t->selectRow(0);  // the worst layer, as a person clicks it
    const int index = w.modelPanel()->layerAtRow(0);
    QCOMPARE(w.modelController()->chosenLayer(), index);
    QVERIFY(w.params().isFullWeight());
    QCOMPARE(w.params().geometry, w.modelController()->audit()->model.layers[static_cast<size_t>(index)].layer.params);
    QCOMPARE(w.history()->stack()->count(), steps + 1);
    QVERIFY(w.history()->stack()->undoText().contains(QLatin1String("Load layer")));
    QVERIFY2(report->text().isEmpty(), qPrintable(report->text()));  // DocumentReset ran
    QVERIFY(w.modelPanel()->saveButton()->isEnabled());
    // The weight lives in the model, not in an .npy: presets and the PyTorch snippet must
    // not name "dcgan.onnx › /layer" as a file (they read the weight from its file).
    QVERIFY(!w.params().weightHasFile());
    QVERIFY(w.params().weightPath.contains(QStringLiteral("dcgan.onnx")));
    QVERIFY2(!w.pytorchCode().contains(QStringLiteral("dcgan.onnx")), qPrintable(w.pytorchCode()));
    QVERIFY(w.pytorchCode().contains(QStringLiteral("weight.npy")));
    QTemporaryDir presetDir;
    QString why;
    QVERIFY(!PresetStore::save(presetDir.filePath(QStringLiteral("p.json")), w.params(), &why));
    QVERIFY2(why.contains(QStringLiteral("not saved as an .npy file")), qPrintable(why));
    QVERIFY(!QFile::exists(presetDir.filePath(QStringLiteral("p.json"))));
    w.history()->stack()->undo();
    QVERIFY(!w.params().isFullWeight());
    QCOMPARE(w.params().geometry, before.geometry);
    QVERIFY(w.waitForIdle());
}

void TestStudioModel::chainViewEqualsAuditChain() {
    if (!app::onnxSupportBuiltIn()) QSKIP("built without ONNX support");
    for (const QString& file : {QStringLiteral("dcgan.onnx"), QStringLiteral("unet_decoder.onnx")}) {
        MainWindow w(test::testWindowOptions());
        openAndWait(w, kOnnxDir + file);
        const app::ModelAudit a = auditOf(file);
        QVERIFY(a.mainChain >= 0);
        ChainView* v = w.modelPanel()->chainView();
        QCOMPARE(v->shownChain(), a.mainChain);
        const ChainAnalysis& c = a.chains[static_cast<size_t>(a.mainChain)].analysis;
        QCOMPARE(v->plot()->table().gain, c.meanTable.gain);
        QCOMPARE(v->plot()->table().sh, c.stride.h);
        const QString summary = v->summary()->text();
        QVERIFY2(summary.contains(QStringLiteral("%1 × %2").arg(c.stride.h).arg(c.stride.w)), qPrintable(summary));
        QVERIFY2(summary.contains(QString::fromStdString(cvText(c.cv))), qPrintable(summary));
        const std::string worst = a.chains[static_cast<size_t>(a.mainChain)].worstLayer;
        if (!worst.empty()) QVERIFY2(summary.contains(QString::fromStdString(worst)), qPrintable(summary));
        // The chain's stride is the product of its layers' strides (from the model, not the analysis).
        Size2 product{1, 1};
        for (const ChainStep& s : a.model.chains[static_cast<size_t>(a.mainChain)].steps)
            product = Size2(product.h * s.layer.params.stride.h, product.w * s.layer.params.stride.w);
        QCOMPARE(c.stride, product);
        // One output channel's compound map on request.
        v->showChain(a.mainChain, 0);
        QCOMPARE(v->plot()->table().gain, c.tables.at(0).gain);
    }
    // dcgan's chain: 1 * 2 * 2 * 2.
    MainWindow w(test::testWindowOptions());
    openAndWait(w, kOnnxDir + QStringLiteral("dcgan.onnx"));
    QVERIFY(w.modelPanel()->chainView()->summary()->text().contains(QStringLiteral("8 × 8")));
}

void TestStudioModel::savedRepairChangesOnlyThatInitializer() {
    if (!app::onnxSupportBuiltIn()) QSKIP("built without ONNX support");
    QTemporaryDir dir;
    const QString source = kOnnxDir + QStringLiteral("dcgan.onnx");
    const QString saved = dir.filePath(QStringLiteral("dcgan-repaired.onnx"));
    MainWindow w(test::testWindowOptions());
    openAndWait(w, source);
    const app::ModelAudit a = auditOf(QStringLiteral("dcgan.onnx"));
    // The worst ConvTranspose (the list's first row).
    const int index = w.modelPanel()->layerAtRow(0);
    const app::UpsamplingLayer& layer = a.model.layers[static_cast<size_t>(index)];
    QCOMPARE(QString::fromStdString(layer.op), QStringLiteral("ConvTranspose"));
    QVERIFY2(a.layers[static_cast<size_t>(index)].cvWorst > kArtifactFreeCv, "the fixture's worst layer ripples");
    QVERIFY(w.modelController()->chooseLayer(index));
    emit w.kernelEditor()->repairRequested(QStringLiteral("additive"));  // the editor's repair button
    QVERIFY(w.params().isFullWeight());
    QVERIFY(w.params().weight->data() != layer.layer.weight.data());
    QString error;
    QVERIFY2(w.modelController()->saveRepairedModel(saved, &error, true), qPrintable(error));
    // Only the layer's weight initializer differs: nothing in the graph, its inputs/outputs or the metadata.
    const std::vector<std::string> diff = app::onnxDifferences(source.toStdString(), saved.toStdString());
    QCOMPARE(diff.size(), size_t(1));
    QVERIFY2(diff[0] != "graph nodes" && diff[0] != "model metadata", diff[0].c_str());
    // Reopened: that layer reads clean and holds the studio's weight; every other layer is unchanged.
    const app::ModelAudit b = app::auditModel(app::readOnnxModel(saved.toStdString()));
    QCOMPARE(b.layers.size(), a.layers.size());
    for (size_t i = 0; i < a.layers.size(); ++i) {
        const Tensor& wa = a.model.layers[i].layer.weight;
        const Tensor& wb = b.model.layers[i].layer.weight;
        const std::vector<float> va(wa.data(), wa.data() + wa.size()), vb(wb.data(), wb.data() + wb.size());
        if (static_cast<int>(i) == index) {
            const Tensor& shown = *w.params().weight;
            QCOMPARE(vb, std::vector<float>(shown.data(), shown.data() + shown.size()));
            QCOMPARE(b.layers[i].channelsWithHoles, int64_t(0));
            QVERIFY2(b.layers[i].cvWorst < kArtifactFreeCv, qPrintable(QString::number(b.layers[i].cvWorst)));
            QCOMPARE(b.model.layers[i].layer.params, a.model.layers[i].layer.params);
        } else {
            QCOMPARE(vb, va);
        }
    }
    // The panel now shows the saved model.
    QVERIFY(w.modelController()->waitForModel());
    QCOMPARE(QString::fromStdString(w.modelController()->audit()->model.path), saved);
    // Written atomically: no temporary file left beside it.
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{QStringLiteral("dcgan-repaired.onnx")});
}

void TestStudioModel::saveRefusesWhatCannotBeWritten() {
    if (!app::onnxSupportBuiltIn()) QSKIP("built without ONNX support");
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("out.onnx"));
    MainWindow w(test::testWindowOptions());
    QString error;
    // Nothing chosen yet.
    openAndWait(w, kOnnxDir + QStringLiteral("unet_decoder.onnx"));
    QVERIFY(!w.modelController()->saveRepairedModel(out, &error, true));
    QVERIFY2(error.contains(QLatin1String("no model layer")), qPrintable(error));
    // A resize-conv's equivalent kernel is no tensor of the model.
    const app::ModelAudit a = auditOf(QStringLiteral("unet_decoder.onnx"));
    int resizeConv = -1;
    for (size_t i = 0; i < a.model.layers.size(); ++i)
        if (a.model.layers[i].op == "Resize+Conv") resizeConv = static_cast<int>(i);
    QVERIFY(resizeConv >= 0);
    QVERIFY(w.modelController()->chooseLayer(resizeConv));
    QVERIFY(!w.modelController()->saveRepairedModel(out, &error, true));
    QVERIFY2(error.contains(QLatin1String("Resize+Conv")), qPrintable(error));
    // A repair that changed the geometry (zero-order hold) cannot be written as a weight alone.
    openAndWait(w, kOnnxDir + QStringLiteral("dcgan.onnx"));
    const int worst = w.modelPanel()->layerAtRow(0);
    QVERIFY(w.modelController()->chooseLayer(worst));
    emit w.kernelEditor()->repairRequested(QStringLiteral("zoh"));
    if (!(w.params().geometry == w.modelController()->audit()->model.layers[static_cast<size_t>(worst)].layer.params)) {
        QVERIFY(!w.modelController()->saveRepairedModel(out, &error, true));
        QVERIFY2(error.contains(QLatin1String("additive")), qPrintable(error));
    }
    QVERIFY(!QFileInfo::exists(out));
    // The writer itself: a weight of another shape.
    const app::UpsamplingLayer& l = w.modelController()->audit()->model.layers[0];
    try {
        app::writeOnnxWithLayerWeight((kOnnxDir + QStringLiteral("dcgan.onnx")).toStdString(), l,
                                      Tensor(Shape4{1, 1, 2, 2}), out.toStdString());
        QFAIL("a weight of another shape was written");
    } catch (const std::exception& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("(1, 1, 2, 2)")), e.what());
    }
    QVERIFY(!QFileInfo::exists(out));
}

void TestStudioModel::badModelsGiveMessages() {
    if (!app::onnxSupportBuiltIn()) QSKIP("built without ONNX support");
    MainWindow w(test::testWindowOptions());
    for (const QString& file : {QStringLiteral("not_onnx.onnx"), QStringLiteral("truncated.onnx"),
                                QStringLiteral("bad_auto_pad.onnx"), QStringLiteral("missing.onnx")}) {
        QSignalSpy failed(w.modelController(), &ModelController::modelFailed);
        openAndWait(w, kOnnxDir + file);
        QCOMPARE(failed.count(), 1);
        const QString error = w.modelController()->lastError();
        QVERIFY2(error.contains(file), qPrintable(file + QStringLiteral(": ") + error));
        QVERIFY2(w.modelPanel()->header()->text().contains(QLatin1String("Cannot open")),
                 qPrintable(w.modelPanel()->header()->text()));
    }
    QVERIFY(w.modelController()->lastError().contains(QLatin1String("cannot open")));
    // A model without upsampling: an empty list and a chain view that says so.
    openAndWait(w, kOnnxDir + QStringLiteral("no_upsampling.onnx"));
    QVERIFY(w.modelController()->lastError().isEmpty());
    QCOMPARE(w.modelPanel()->table()->rowCount(), 0);
    QCOMPARE(w.modelPanel()->chainView()->shownChain(), -1);
    QVERIFY(w.modelPanel()->chainView()->summary()->text().contains(QLatin1String("no chain")));
    QVERIFY(!w.modelController()->chooseLayer(0));
}

void TestStudioModel::droppedOnnxOpensModel() {
    if (!app::onnxSupportBuiltIn()) QSKIP("built without ONNX support");
    MainWindow w(test::testWindowOptions());
    // What the window's drop handler calls with a dropped file (a synthetic
    // QDropEvent is not delivered on the offscreen platform without a drag).
    QString error;
    QVERIFY2(w.openFile(kOnnxDir + QStringLiteral("pixel_shuffle.onnx"), &error, true), qPrintable(error));
    QVERIFY(w.modelController()->waitForModel());
    QVERIFY(w.modelController()->audit());
    QCOMPARE(w.modelPanel()->table()->rowCount(),
             static_cast<int>(auditOf(QStringLiteral("pixel_shuffle.onnx")).layers.size()));
    QVERIFY(w.findChild<QDockWidget*>(QStringLiteral("modelDock"))->isVisibleTo(&w));
    QVERIFY(!w.params().isFullWeight());  // a model opens the list, not a layer
}

// docs/images/studio-model.png: TCONV_MODEL_SCREENSHOT=PATH.png runs it (skipped otherwise), at 1366x768.
void TestStudioModel::screenshot() {
    const QString out = qEnvironmentVariable("TCONV_MODEL_SCREENSHOT");
    if (out.isEmpty()) QSKIP("set TCONV_MODEL_SCREENSHOT=PATH.png to write the README's screenshot");
    if (!app::onnxSupportBuiltIn()) QSKIP("built without ONNX support");
    MainWindow w(test::testWindowOptions());
    w.resize(1366, 768);
    w.loadSample(QStringLiteral("photo"));
    w.show();
    openAndWait(w, kOnnxDir + QStringLiteral("dcgan.onnx"));
    w.modelPanel()->table()->selectRow(0);
    QVERIFY(w.waitForIdle());
    QTest::qWait(300);
    QVERIFY(w.waitForIdle());
    QVERIFY(w.grab().save(out));
}

QTEST_MAIN(TestStudioModel)
#include "test_studio_model.moc"
