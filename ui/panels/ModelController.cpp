// SPDX-License-Identifier: MIT
#include "panels/ModelController.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

#include "audit/ModelAudit.h"
#include "audit/OnnxModel.h"
#include "audit/OnnxModelWriter.h"
#include "controllers/StudioDocument.h"
#include "document/StateHistory.h"
#include "panels/ModelLayerParams.h"
#include "panels/ModelPanel.h"

namespace tconv::ui {
namespace {

struct OpenResult {
    std::shared_ptr<const app::ModelAudit> audit;
    QString error;
};

// Off the GUI thread: reading the protobuf and scoring every output channel
// of every layer takes seconds for a large decoder.
OpenResult readAndAudit(const std::string& path) {
    OpenResult r;
    try {
        r.audit = std::make_shared<const app::ModelAudit>(app::auditModel(app::readOnnxModel(path)));
    } catch (const std::exception& e) {
        r.error = QString::fromUtf8(e.what());
    }
    return r;
}

// What a save must keep so that only the weight changes.
bool sameGeometry(const ConvParams& a, const ConvParams& b) {
    return a.stride == b.stride && pads(a) == pads(b) && a.outputPadding == b.outputPadding &&
           a.dilation == b.dilation && a.groups == b.groups && a.kernel == b.kernel;
}

}  // namespace

ModelController::ModelController(StudioDocument* document, ModelPanel* panel, QWidget* dialogParent,
                                 QStatusBar* statusBar, QObject* parent)
    : QObject(parent), document_(document), panel_(panel), dialogParent_(dialogParent), statusBar_(statusBar) {
    panel_->setAvailable(available(), available() ? QString() : unavailableReason());
    connect(panel_, &ModelPanel::layerChosen, this, [this](int index) { chooseLayer(index); });
    connect(panel_, &ModelPanel::openRequested, this, &ModelController::openDialog);
    connect(panel_, &ModelPanel::saveRequested, this, &ModelController::saveRepairedDialog);
}

bool ModelController::available() { return app::onnxSupportBuiltIn(); }

QString ModelController::unavailableReason() {
    return tr(
        "This TConv Studio was built without ONNX support: install libonnx-dev and libprotobuf-dev and "
        "rebuild to open models.");
}

bool ModelController::fail(const QString& title, const QString& message, QString* error, bool quiet) {
    if (error) *error = message;
    if (!quiet) QMessageBox::warning(dialogParent_, title, message);
    return false;
}

bool ModelController::open(const QString& path, QString* error, bool quiet) {
    if (!available()) return fail(tr("Cannot open model"), unavailableReason(), error, quiet);
    const quint64 generation = ++generation_;
    ++running_;
    quiet_ = quiet;
    panel_->setBusy(path);
    auto* watcher = new QFutureWatcher<OpenResult>(this);
    connect(watcher, &QFutureWatcher<OpenResult>::finished, this, [this, watcher, generation, path] {
        --running_;
        watcher->deleteLater();
        if (generation != generation_) return;  // a newer open replaced this one
        const OpenResult r = watcher->result();
        finished(r.audit, r.error, path);
    });
    watcher->setFuture(QtConcurrent::run(readAndAudit, path.toStdString()));
    return true;
}

void ModelController::finished(const std::shared_ptr<const app::ModelAudit>& audit, const QString& error,
                               const QString& path) {
    if (!audit) {
        // Every message names the file (a node's message names only the node).
        const QString name = QFileInfo(path).fileName();
        lastError_ = error.contains(name) ? error : QStringLiteral("%1: %2").arg(name, error);
        panel_->setError(lastError_);
        statusBar_->showMessage(tr("Cannot open %1").arg(name), 6000);
        fail(tr("Cannot open model"), lastError_, nullptr, quiet_);
        emit modelFailed(lastError_);
        return;
    }
    lastError_.clear();
    audit_ = audit;
    chosen_ = -1;
    panel_->setAudit(audit_);
    statusBar_->showMessage(
        tr("Model %1: %2 upsampling layer(s)").arg(QFileInfo(path).fileName()).arg(audit_->model.layers.size()), 6000);
    emit modelOpened();
}

bool ModelController::waitForModel(int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (running_ > 0) {
        if (t.elapsed() > timeoutMs) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    QCoreApplication::processEvents();
    return true;
}

bool ModelController::chooseLayer(int index, QString* error) {
    if (!audit_ || index < 0 || index >= static_cast<int>(audit_->model.layers.size())) {
        if (error) *error = tr("no model layer %1").arg(index);
        return false;
    }
    const app::UpsamplingLayer& l = audit_->model.layers[static_cast<size_t>(index)];
    try {
        const StudioParams p = layerWeightParams(document_->params(), l, QString::fromStdString(audit_->model.path));
        document_->history()->nameNextStep(tr("Load layer %1").arg(QString::fromStdString(l.name)));
        document_->replace(p);
        document_->history()->nameNextStep({});
    } catch (const std::exception& e) {
        return fail(tr("Cannot open layer"), QString::fromUtf8(e.what()), error, true);
    }
    chosen_ = index;
    panel_->markLayer(index);
    statusBar_->showMessage(tr("Layer %1 in weight mode (%2)")
                                .arg(QString::fromStdString(l.name), QString::fromStdString(describe(l.layer.params))),
                            6000);
    return true;
}

bool ModelController::saveRepairedModel(const QString& path, QString* error, bool quiet) {
    const QString title = tr("Cannot save the model");
    if (!audit_ || chosen_ < 0)
        return fail(title, tr("no model layer is chosen: choose one in the Model panel"), error, quiet);
    const app::UpsamplingLayer& l = audit_->model.layers[static_cast<size_t>(chosen_)];
    const StudioParams& p = document_->params();
    if (!p.isFullWeight())
        return fail(title, tr("the studio is not in weight mode: choose the layer, repair it, then save"), error,
                    quiet);
    ConvParams layerGeometry = l.layer.params;
    if (!sameGeometry(p.geometry, layerGeometry))
        return fail(title,
                    tr("the layer now has %1 but '%2' in the model has %3: only a repair that keeps the layer's "
                       "geometry (additive) can be saved with only its weight changed")
                        .arg(QString::fromStdString(describe(p.geometry)), QString::fromStdString(l.name),
                             QString::fromStdString(describe(layerGeometry))),
                    error, quiet);
    try {
        const std::string init = app::writeOnnxWithLayerWeight(audit_->model.path, l, *p.weight, path.toStdString());
        statusBar_->showMessage(tr("Saved %1: initializer '%2' of %3 replaced")
                                    .arg(path, QString::fromStdString(init), QString::fromStdString(l.name)),
                                8000);
    } catch (const std::exception& e) {
        return fail(title, QString::fromUtf8(e.what()), error, quiet);
    }
    open(path, nullptr, quiet);  // the list shows the saved model's scores
    return true;
}

void ModelController::openDialog() {
    const QString path =
        QFileDialog::getOpenFileName(dialogParent_, tr("Open model"), QSettings().value("lastDir").toString(),
                                     tr("ONNX models (*.onnx);;All files (*)"));
    if (path.isEmpty()) return;
    QSettings().setValue("lastDir", QFileInfo(path).absolutePath());
    open(path);
}

void ModelController::saveRepairedDialog() {
    if (!audit_) return;
    const QFileInfo src(QString::fromStdString(audit_->model.path));
    const QString suggested =
        src.absolutePath() + QLatin1Char('/') + src.completeBaseName() + QStringLiteral("-repaired.onnx");
    const QString path =
        QFileDialog::getSaveFileName(dialogParent_, tr("Save repaired model"), suggested, tr("ONNX models (*.onnx)"));
    if (!path.isEmpty()) saveRepairedModel(path);
}

}  // namespace tconv::ui
