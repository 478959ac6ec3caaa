// SPDX-License-Identifier: MIT
#pragma once
// The "Chain" view of an opened model: the compound gain map of the decoder's
// upsampling chain (app/audit's ChainAudit, engine/analysis/ChainAnalysis):
// what a constant input comes out as after all its upsampling layers and the
// stride-1 convolutions between them, one cell per final output phase, with
// the chain's total stride, period, CV and the layer whose repair helps most.
// Read-only; a model with several chains has a chain selector, the main chain
// (the most upsampling layers) first.
#include <QWidget>
#include <memory>

#include "analysis/PhaseGain.h"

class QComboBox;
class QLabel;
class QSpinBox;

namespace tconv::app {
struct ModelAudit;
}

namespace tconv::ui {

class PhaseGainPlot;

class ChainView : public QWidget {
    Q_OBJECT
public:
    explicit ChainView(QWidget* parent = nullptr);

    // Shows the model's main chain (nullptr or a model without chains: says so).
    void setAudit(std::shared_ptr<const app::ModelAudit> audit);
    // Shows chain `index` of the audit, its channel-averaged map (channel -1) or one output channel's.
    void showChain(int index, int channel = -1);

    int shownChain() const { return chain_; }
    int shownChannel() const { return channel_; }
    PhaseGainPlot* plot() const { return plot_; }
    QLabel* summary() const { return summary_; }  // stride, period, CV, worst layer (for tests)

private:
    void refresh();

    std::shared_ptr<const app::ModelAudit> audit_;
    int chain_ = -1;
    int channel_ = -1;
    QComboBox* chains_;
    QSpinBox* channelBox_;
    QLabel* summary_;
    QLabel* verdict_;
    QLabel* steps_;
    PhaseGainPlot* plot_;
};

}  // namespace tconv::ui
