// SPDX-License-Identifier: MIT
#pragma once
// A vertical colour bar with tick values, beside the heatmap and difference views.
#include <QWidget>

namespace tconv::ui {

class ColorBar : public QWidget {
    Q_OBJECT
public:
    explicit ColorBar(QWidget* parent = nullptr);
    // Diverging: symmetric [-range, range]; sequential: [lo, hi].
    void setDiverging(float range, const QString& caption);
    void setSequential(float lo, float hi, const QString& caption);
    float low() const { return lo_; }
    float high() const { return hi_; }
    QSize sizeHint() const override { return {68, 200}; }
    QSize minimumSizeHint() const override { return {68, 80}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    bool diverging_ = true;
    float lo_ = -1, hi_ = 1;
    QString caption_;
};

}  // namespace tconv::ui
