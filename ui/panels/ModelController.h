// SPDX-License-Identifier: MIT
#pragma once
// Opening an ONNX model in the studio (File ▸ Open model…, a dropped .onnx):
// the model is read and audited off the GUI thread (app/audit: readOnnxModel,
// auditModel), a newer open makes an older one's result stale (dropped), and
// the Model panel shows the layers worst first. Choosing a layer lands it in
// weight mode with every attribute from the model, as one undo step named
// after it (like a weight load, so the document reset applies). Save repaired
// model writes the model back with only that layer's weight initializer
// replaced by the document's (repaired) weight.
#include <QObject>
#include <QString>
#include <memory>

class QStatusBar;
class QWidget;

namespace tconv::app {
struct ModelAudit;
}

namespace tconv::ui {

class ModelPanel;
class StudioDocument;

class ModelController : public QObject {
    Q_OBJECT
public:
    ModelController(StudioDocument* document, ModelPanel* panel, QWidget* dialogParent, QStatusBar* statusBar,
                    QObject* parent = nullptr);

    // Whether this build reads ONNX models, and the sentence saying why not.
    static bool available();
    static QString unavailableReason();

    // Starts reading `path`; the panel shows it when done (modelOpened) or says
    // why not (modelFailed; also a message box unless quiet). False at once
    // only when this build has no ONNX support.
    bool open(const QString& path, QString* error = nullptr, bool quiet = false);
    // Processes events until no open is running. False on timeout.
    bool waitForModel(int timeoutMs = 30000);
    std::shared_ptr<const app::ModelAudit> audit() const { return audit_; }
    QString lastError() const { return lastError_; }

    // Lands model layer `index` (ModelDescription::layers) in weight mode: one undo step.
    bool chooseLayer(int index, QString* error = nullptr);
    int chosenLayer() const { return chosen_; }

    // Writes the opened model to `path` with the chosen layer's weight
    // initializer replaced by the document's weight (atomically), then opens
    // the written model. False and *error (also shown unless quiet) when there
    // is no chosen layer, the document is not in weight mode, the repair changed
    // the layer's geometry, or the writer refuses.
    bool saveRepairedModel(const QString& path, QString* error = nullptr, bool quiet = false);

    void openDialog();
    void saveRepairedDialog();

signals:
    void modelOpened();
    void modelFailed(const QString& error);

private:
    void finished(const std::shared_ptr<const app::ModelAudit>& audit, const QString& error, const QString& path);
    bool fail(const QString& title, const QString& message, QString* error, bool quiet);

    StudioDocument* document_;
    ModelPanel* panel_;
    QWidget* dialogParent_;
    QStatusBar* statusBar_;
    quint64 generation_ = 0;  // the newest open; an older result is stale
    quint64 running_ = 0;     // opens still running
    bool quiet_ = false;
    std::shared_ptr<const app::ModelAudit> audit_;
    QString lastError_;
    int chosen_ = -1;
};

}  // namespace tconv::ui
