// SPDX-License-Identifier: MIT
#pragma once
// The bar chart of the batch dialog's --evaluate ranking: one horizontal bar
// per settings combination, best first, its length the mean PSNR and a tick
// at the worst PSNR, the mean SSIM written beside it. Painted with QPainter
// (the studio does not depend on Qt Charts). The bars share one scale that
// starts a little below the lowest worst case, so differences of a few tenths
// of a dB stay visible.
#include <QWidget>
#include <vector>

#include "common/BatchRanking.h"

namespace tconv::ui {

class BatchRankingChart : public QWidget {
    Q_OBJECT
public:
    explicit BatchRankingChart(QWidget* parent = nullptr);

    void setRanking(const std::vector<tconv::app::RankingRow>& rows);
    const std::vector<tconv::app::RankingRow>& ranking() const { return rows_; }

    // The scale: PSNR at the left edge and at the right end of the longest
    // bar. Both 0 without rows.
    double scaleMin() const { return scaleMin_; }
    double scaleMax() const { return scaleMax_; }
    // The length of row i's bar as a fraction of the bar area, in [0, 1].
    double barFraction(size_t i) const;

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::vector<tconv::app::RankingRow> rows_;
    double scaleMin_ = 0, scaleMax_ = 0;
};

}  // namespace tconv::ui
