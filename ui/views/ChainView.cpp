// SPDX-License-Identifier: MIT
#include "views/ChainView.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include "audit/AuditReport.h"
#include "audit/ModelAudit.h"
#include "views/PhaseGainPlot.h"

namespace tconv::ui {
namespace {

QString sizeText2(Size2 s) { return QStringLiteral("%1 × %2").arg(s.h).arg(s.w); }

// "ConvTranspose ×2 → Conv → ConvTranspose ×2": the chain's steps, each with its stride.
QString stepsText(const app::ModelAudit& a, size_t chain) {
    const app::ModelChain& c = a.model.chains[chain];
    QStringList parts;
    for (size_t i = 0; i < c.steps.size(); ++i) {
        const int layer = c.layerOfStep[i];
        const Size2 s = c.steps[i].layer.params.stride;
        const QString op =
            layer >= 0 ? QString::fromStdString(a.model.layers[static_cast<size_t>(layer)].op) : QStringLiteral("Conv");
        parts << (s.h == 1 && s.w == 1
                      ? op
                      : QStringLiteral("%1 ×%2").arg(op, s.h == s.w ? QString::number(s.h) : sizeText2(s)));
    }
    return parts.join(QStringLiteral(" → "));
}

}  // namespace

ChainView::ChainView(QWidget* parent) : QWidget(parent) {
    chains_ = new QComboBox;
    chains_->setObjectName(QStringLiteral("chainSelector"));
    chains_->setToolTip(tr("The model's chains of consecutive upsampling layers (the main chain first)."));
    channelBox_ = new QSpinBox;
    channelBox_->setObjectName(QStringLiteral("chainChannel"));
    channelBox_->setMinimum(0);
    channelBox_->setSpecialValueText(tr("mean of all"));
    channelBox_->setToolTip(tr("The compound gain map of one output channel, or the mean over all of them."));
    summary_ = new QLabel;
    summary_->setObjectName(QStringLiteral("chainSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    verdict_ = new QLabel;
    verdict_->setWordWrap(true);
    steps_ = new QLabel;
    steps_->setWordWrap(true);
    steps_->setForegroundRole(QPalette::PlaceholderText);
    plot_ = new PhaseGainPlot;
    plot_->setToolTip(
        tr("The decoder's compound gain map: what a constant input (1 on every input channel) comes "
           "out as after the whole chain, one cell per output phase (row, column mod the chain's "
           "stride), away from the borders. Equal cells: no checkerboard."));

    auto* pick = new QHBoxLayout;
    pick->addWidget(chains_, 1);
    pick->addWidget(new QLabel(tr("Output channel:")));
    pick->addWidget(channelBox_);
    // Text on the left, the map on the right: in a dock a few rows tall the map keeps its cells readable.
    plot_->setMinimumSize(200, 170);
    auto* text = new QVBoxLayout;
    text->addLayout(pick);
    text->addWidget(summary_);
    text->addWidget(verdict_);
    text->addWidget(steps_);
    text->addStretch(1);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(text, 3);
    layout->addWidget(plot_, 2);

    connect(chains_, &QComboBox::currentIndexChanged, this, [this](int i) { showChain(i, -1); });
    connect(channelBox_, &QSpinBox::valueChanged, this, [this](int v) { showChain(chain_, v - 1); });
    setAudit(nullptr);
}

void ChainView::setAudit(std::shared_ptr<const app::ModelAudit> audit) {
    audit_ = std::move(audit);
    const QSignalBlocker block(chains_);
    chains_->clear();
    chain_ = -1;
    if (audit_) {
        // The main chain first, the others in graph order.
        std::vector<int> order;
        if (audit_->mainChain >= 0) order.push_back(audit_->mainChain);
        for (int i = 0; i < static_cast<int>(audit_->chains.size()); ++i)
            if (i != audit_->mainChain) order.push_back(i);
        for (int i : order)
            chains_->addItem(tr("Chain %1: %2").arg(i + 1).arg(stepsText(*audit_, static_cast<size_t>(i))), i);
    }
    chains_->setVisible(chains_->count() > 1);
    showChain(chains_->count() > 0 ? chains_->itemData(0).toInt() : -1, -1);
}

void ChainView::showChain(int index, int channel) {
    chain_ = audit_ && index >= 0 && index < static_cast<int>(audit_->chains.size()) ? index : -1;
    channel_ = channel;
    if (chain_ >= 0) {
        const QSignalBlocker block(chains_);
        chains_->setCurrentIndex(chains_->findData(chain_));
    }
    refresh();
}

void ChainView::refresh() {
    if (chain_ < 0) {
        summary_->setText(audit_ ? tr("This model has no chain of upsampling layers.")
                                 : tr("Open a model (File ▸ Open model…) to see its decoder's compound gain map."));
        verdict_->clear();
        steps_->clear();
        channelBox_->setEnabled(false);
        plot_->setTable(PhaseGainTable{});
        return;
    }
    const app::ChainAudit& c = audit_->chains[static_cast<size_t>(chain_)];
    steps_->setText(stepsText(*audit_, static_cast<size_t>(chain_)) + QStringLiteral("<br>") +
                    QString::fromUtf8(app::kLinearChainNote).toHtmlEscaped());
    verdict_->setText(tr("<b>Verdict:</b> %1").arg(QString::fromStdString(app::chainVerdict(c)).toHtmlEscaped()));
    if (!c.error.empty()) {
        summary_->setText(tr("Not analysed: %1").arg(QString::fromStdString(c.error).toHtmlEscaped()));
        channelBox_->setEnabled(false);
        plot_->setTable(PhaseGainTable{});
        return;
    }
    const ChainAnalysis& a = c.analysis;
    const int channels = static_cast<int>(a.tables.size());
    {
        const QSignalBlocker block(channelBox_);
        channelBox_->setEnabled(channels > 0);
        channelBox_->setMaximum(channels);
        channelBox_->setSuffix(tr(" of %1").arg(channels));
        if (channel_ >= channels) channel_ = -1;
        channelBox_->setValue(channel_ + 1);
    }
    summary_->setText(tr("<b>Stride</b> %1 · <b>period</b> %2 · <b>CV</b> %3 (mean over %4 output channels) · "
                         "<b>worst layer</b> %5")
                          .arg(sizeText2(a.stride), sizeText2(a.period), QString::fromStdString(cvText(a.cv)))
                          .arg(channels)
                          .arg(c.worstLayer.empty() ? tr("none (nothing ripples)")
                                                    : QString::fromStdString(c.worstLayer).toHtmlEscaped()));
    plot_->setTable(channel_ < 0 ? a.meanTable : a.tables[static_cast<size_t>(channel_)]);
}

}  // namespace tconv::ui
