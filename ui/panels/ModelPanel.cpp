// SPDX-License-Identifier: MIT
#include "panels/ModelPanel.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "audit/ModelAudit.h"
#include "views/ChainView.h"

namespace tconv::ui {
namespace {

enum Column { Layer, Op, Stride, Kernel, Pads, Groups, CvMedian, CvWorst, Rippling, Holes, Verdict, ColumnCount };

QString axisText(Size2 s) { return s.h == s.w ? QString::number(s.h) : QStringLiteral("%1×%2").arg(s.h).arg(s.w); }

QString cvCell(double cv) { return QString::fromStdString(cvText(cv)); }

QTableWidgetItem* item(const QString& text, Qt::Alignment align = Qt::AlignLeft | Qt::AlignVCenter) {
    auto* i = new QTableWidgetItem(text);
    i->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    i->setTextAlignment(align);
    return i;
}

// The verdict's colour: the severity grade, as the kernel editor shows it.
QColor severityColor(const std::string& severity) {
    if (severity == "strong") return QColor(0xd6, 0x45, 0x45);
    if (severity == "visible") return QColor(0xe0, 0x8a, 0x2c);
    if (severity == "faint") return QColor(0xc9, 0xb0, 0x2a);
    return QColor(0x3f, 0xa3, 0x5b);
}

}  // namespace

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
    header_ = new QLabel;
    header_->setObjectName(QStringLiteral("modelHeader"));
    header_->setWordWrap(true);
    header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    open_ = new QPushButton(tr("Open model…"));
    save_ = new QPushButton(tr("Save repaired model…"));
    save_->setObjectName(QStringLiteral("saveRepairedModel"));
    save_->setToolTip(
        tr("Write a copy of the model in which only the chosen layer's weight initializer is "
           "replaced by the weight shown (repair it first: Kernel ▸ Additive repair)."));
    save_->setEnabled(false);

    table_ = new QTableWidget(0, ColumnCount);
    table_->setObjectName(QStringLiteral("modelLayers"));
    table_->setHorizontalHeaderLabels({tr("Layer"), tr("Op"), tr("Stride"), tr("Kernel"), tr("Pads"), tr("Groups"),
                                       tr("CV median"), tr("CV worst"), tr("Rippling"), tr("Holes"), tr("Verdict")});
    table_->horizontalHeaderItem(Pads)->setToolTip(tr("Crops: one value, H×W, or top,left,bottom,right (ONNX order)"));
    table_->horizontalHeaderItem(Rippling)->setToolTip(
        tr("Output channels whose ripple on a constant input is at least 1% of its mean, of all output channels"));
    table_->horizontalHeaderItem(Holes)->setToolTip(tr("Output channels with phases no tap reaches"));
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->setVisible(false);
    table_->setAlternatingRowColors(true);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setToolTip(tr("The model's upsampling layers, worst first. Choose one to open it in weight mode."));

    chain_ = new ChainView;
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(header_, 1);
    buttons->addWidget(open_);
    buttons->addWidget(save_);
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(table_, 1);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(chain_);
    // The table's columns first; the chain's text wraps.
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);
    split->setSizes({880, 480});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split);

    connect(open_, &QPushButton::clicked, this, &ModelPanel::openRequested);
    connect(save_, &QPushButton::clicked, this, &ModelPanel::saveRequested);
    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        const QList<QTableWidgetItem*> sel = table_->selectedItems();
        if (!sel.isEmpty()) emit layerChosen(layerAtRow(sel.first()->row()));
    });
    setAudit(nullptr);
}

void ModelPanel::setAvailable(bool available, const QString& whyNot) {
    open_->setEnabled(available);
    open_->setToolTip(whyNot);
    if (!available) header_->setText(whyNot.toHtmlEscaped());
}

int ModelPanel::layerAtRow(int row) const {
    return row >= 0 && row < static_cast<int>(order_.size()) ? static_cast<int>(order_[static_cast<size_t>(row)]) : -1;
}

void ModelPanel::setBusy(const QString& path) {
    header_->setText(tr("Reading <b>%1</b>…").arg(QFileInfo(path).fileName().toHtmlEscaped()));
}

void ModelPanel::setError(const QString& error) {
    header_->setText(tr("<b>Cannot open the model:</b> %1").arg(error.toHtmlEscaped()));
}

void ModelPanel::setAudit(std::shared_ptr<const app::ModelAudit> audit) {
    audit_ = std::move(audit);
    order_ = audit_ ? app::layersWorstFirst(*audit_) : std::vector<size_t>{};
    save_->setEnabled(false);
    if (!audit_) {
        header_->setText(tr("No model open. File ▸ Open model… or drop an .onnx file on the window."));
    } else {
        const app::ModelDescription& m = audit_->model;
        QString text =
            tr("<b>%1</b> · %2 upsampling layer(s) of %3 nodes · opset %4%5")
                .arg(QFileInfo(QString::fromStdString(m.path)).fileName().toHtmlEscaped())
                .arg(m.layers.size())
                .arg(m.nodeCount)
                .arg(m.opset)
                .arg(m.producer.empty() ? QString()
                                        : QStringLiteral(" · ") + QString::fromStdString(m.producer).toHtmlEscaped());
        for (const std::string& w : m.warnings)
            text += QStringLiteral("<br>⚠ ") + QString::fromStdString(w).toHtmlEscaped();
        header_->setText(text);
        header_->setToolTip(QString::fromStdString(m.path));
    }
    fillTable();
    chain_->setAudit(audit_);
}

void ModelPanel::fillTable() {
    const QSignalBlocker block(table_);
    table_->clearContents();
    table_->setRowCount(static_cast<int>(order_.size()));
    const Qt::Alignment right = Qt::AlignRight | Qt::AlignVCenter;
    for (int row = 0; row < static_cast<int>(order_.size()); ++row) {
        const size_t i = order_[static_cast<size_t>(row)];
        const app::UpsamplingLayer& l = audit_->model.layers[i];
        const app::LayerAudit& a = audit_->layers[i];
        const ConvParams& p = l.layer.params;
        const int64_t channels = static_cast<int64_t>(a.channels.scores.size());
        QTableWidgetItem* name = item(QString::fromStdString(l.name));
        QString notes;
        for (const std::string& n : l.notes) notes += QStringLiteral("\n") + QString::fromStdString(n);
        name->setToolTip(QString::fromStdString(l.name) + notes);
        table_->setItem(row, Layer, name);
        table_->setItem(row, Op, item(QString::fromStdString(l.op)));
        table_->setItem(row, Stride, item(axisText(p.stride), right));
        table_->setItem(row, Kernel, item(axisText(p.kernel), right));
        table_->setItem(row, Pads, item(QString::fromStdString(app::padsText(l.pads)), right));
        table_->setItem(row, Groups, item(QString::number(p.groups), right));
        table_->setItem(row, CvMedian, item(cvCell(a.cvMedian), right));
        table_->setItem(row, CvWorst, item(cvCell(a.cvWorst), right));
        table_->setItem(row, Rippling, item(QStringLiteral("%1 / %2").arg(a.channelsRippling).arg(channels), right));
        table_->setItem(row, Holes, item(QString::number(a.channelsWithHoles), right));
        QTableWidgetItem* verdict = item(QString::fromStdString(a.worst().severity));
        verdict->setForeground(severityColor(a.worst().severity));
        verdict->setToolTip(QString::fromStdString(a.worst().verdict));
        table_->setItem(row, Verdict, verdict);
    }
    table_->resizeColumnsToContents();
}

void ModelPanel::markLayer(int index) {
    const QSignalBlocker block(table_);
    table_->clearSelection();
    for (int row = 0; row < static_cast<int>(order_.size()); ++row)
        if (layerAtRow(row) == index) {
            table_->selectRow(row);
            table_->scrollToItem(table_->item(row, 0));
        }
    save_->setEnabled(index >= 0);
}

}  // namespace tconv::ui
