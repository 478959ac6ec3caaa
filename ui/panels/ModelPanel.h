// SPDX-License-Identifier: MIT
#pragma once
// The Model dock: a Netron-like list of an opened ONNX model's upsampling
// layers (app/audit), worst first, with the audit's scores (CV median and
// worst over the output channels, channels rippling, holes, verdict), and the
// Chain view beside it. Choosing a row asks for that layer in weight mode
// (ModelController lands it); the panel itself only shows.
#include <QWidget>
#include <memory>
#include <vector>

class QLabel;
class QPushButton;
class QTableWidget;

namespace tconv::app {
struct ModelAudit;
}

namespace tconv::ui {

class ChainView;

class ModelPanel : public QWidget {
    Q_OBJECT
public:
    explicit ModelPanel(QWidget* parent = nullptr);

    // The audited model (nullptr: none), its rows worst first (app::layersWorstFirst).
    void setAudit(std::shared_ptr<const app::ModelAudit> audit);
    void setBusy(const QString& path);    // reading `path`: the list waits
    void setError(const QString& error);  // the last open failed: why (the list keeps the model before)
    // Marks the row of model layer `index` (-1: none) without asking for it again.
    void markLayer(int index);
    // Whether the model can be opened at all in this build, and why not.
    void setAvailable(bool available, const QString& whyNot);

    QTableWidget* table() const { return table_; }
    ChainView* chainView() const { return chain_; }
    QPushButton* saveButton() const { return save_; }
    QLabel* header() const { return header_; }
    // The model layer index shown in `row`.
    int layerAtRow(int row) const;

signals:
    void layerChosen(int index);  // a model layer index (ModelDescription::layers)
    void openRequested();
    void saveRequested();

private:
    void fillTable();

    std::shared_ptr<const app::ModelAudit> audit_;
    std::vector<size_t> order_;  // row -> layer index
    QLabel* header_;
    QTableWidget* table_;
    QPushButton* open_;
    QPushButton* save_;
    ChainView* chain_;
};

}  // namespace tconv::ui
