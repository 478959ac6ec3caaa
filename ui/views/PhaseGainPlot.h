// SPDX-License-Identifier: MIT
#pragma once
// A small plot of the phase-gain table G (sH x sW): one cell per output phase,
// coloured by its deviation from the mean gain, with the value; empty classes
// (holes) hatched. Equal cells = no checkerboard.
#include <QWidget>

#include "analysis/PhaseGain.h"

namespace tconv::ui {

class PhaseGainPlot : public QWidget {
    Q_OBJECT
public:
    explicit PhaseGainPlot(QWidget* parent = nullptr);
    void setTable(const PhaseGainTable& table);
    const PhaseGainTable& table() const { return table_; }
    QSize sizeHint() const override { return {220, 170}; }
    QSize minimumSizeHint() const override { return {120, 100}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    PhaseGainTable table_;
};

}  // namespace tconv::ui
