// SPDX-License-Identifier: MIT
#include "dialogs/BatchRankingChart.h"

#include <QFontMetrics>
#include <QPainter>
#include <QPalette>
#include <algorithm>
#include <cmath>

namespace tconv::ui {

namespace {

constexpr int kBarHeight = 18;
constexpr int kGap = 6;
constexpr int kMargin = 6;

double finiteOr(double v, double fallback) { return std::isfinite(v) ? v : fallback; }

}  // namespace

BatchRankingChart::BatchRankingChart(QWidget* parent) : QWidget(parent) {
    setObjectName("rankingChart");
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void BatchRankingChart::setRanking(const std::vector<tconv::app::RankingRow>& rows) {
    rows_ = rows;
    scaleMin_ = scaleMax_ = 0;
    // Identical images give +inf dB: such a bar is drawn full length.
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& r : rows_) {
        if (std::isfinite(r.meanPsnr)) hi = std::max(hi, r.meanPsnr);
        for (double v : {r.meanPsnr, r.worstPsnr})
            if (std::isfinite(v)) lo = std::min(lo, v);
    }
    if (std::isfinite(lo) && std::isfinite(hi)) {
        scaleMin_ = std::max(0.0, std::floor(lo - 1.0));
        scaleMax_ = std::max(hi, scaleMin_ + 1.0);
    }
    setMinimumHeight(sizeHint().height());
    updateGeometry();
    update();
}

double BatchRankingChart::barFraction(size_t i) const {
    if (i >= rows_.size()) return 0;
    const double v = rows_[i].meanPsnr;
    if (std::isinf(v) && v > 0) return 1;
    if (!std::isfinite(v) || scaleMax_ <= scaleMin_) return 0;
    return std::clamp((v - scaleMin_) / (scaleMax_ - scaleMin_), 0.0, 1.0);
}

QSize BatchRankingChart::sizeHint() const {
    const int n = std::max<int>(1, int(rows_.size()));
    return {420, 2 * kMargin + n * kBarHeight + (n - 1) * kGap + fontMetrics().height()};
}

void BatchRankingChart::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (rows_.empty()) return;
    const QFontMetrics fm = fontMetrics();
    int labelWidth = 0;
    for (const auto& r : rows_)
        labelWidth = std::max(labelWidth,
                              fm.horizontalAdvance(QString::fromStdString(r.folder.empty() ? r.parameters : r.folder)));
    labelWidth = std::min(labelWidth, width() / 3);
    const int valueWidth = fm.horizontalAdvance("99.99 dB  0.999") + kMargin;
    const int x0 = kMargin + labelWidth + kMargin;
    const int barArea = std::max(10, width() - x0 - valueWidth - kMargin);
    for (size_t i = 0; i < rows_.size(); ++i) {
        const auto& r = rows_[i];
        const int y = kMargin + int(i) * (kBarHeight + kGap);
        const QString label = QString::fromStdString(r.folder.empty() ? r.parameters : r.folder);
        p.setPen(palette().text().color());
        p.drawText(QRect(kMargin, y, labelWidth, kBarHeight), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(label, Qt::ElideMiddle, labelWidth));
        const int len = int(std::lround(barFraction(i) * barArea));
        p.fillRect(QRect(x0, y + 2, len, kBarHeight - 4), i == 0 ? palette().highlight() : palette().mid());
        if (std::isfinite(r.worstPsnr) && scaleMax_ > scaleMin_) {  // the worst case: a tick on the bar
            const double f = std::clamp((r.worstPsnr - scaleMin_) / (scaleMax_ - scaleMin_), 0.0, 1.0);
            const int x = x0 + int(std::lround(f * barArea));
            p.setPen(QPen(palette().text().color(), 2));
            p.drawLine(x, y, x, y + kBarHeight);
        }
        p.setPen(palette().text().color());
        const QString value = QString("%1 dB  %2")
                                  .arg(finiteOr(r.meanPsnr, 0), 0, 'f', 2)
                                  .arg(std::isnan(r.meanSsim) ? QString("-") : QString::number(r.meanSsim, 'f', 3));
        p.drawText(QRect(x0 + len + kMargin, y, valueWidth, kBarHeight), Qt::AlignVCenter | Qt::AlignLeft,
                   std::isinf(r.meanPsnr) ? QString("identical") : value);
    }
    const int yAxis = kMargin + int(rows_.size()) * (kBarHeight + kGap);
    p.drawText(QRect(x0, yAxis, barArea, fm.height()), Qt::AlignLeft,
               tr("mean PSNR from %1 dB (tick: worst image)").arg(scaleMin_, 0, 'f', 0));
}

}  // namespace tconv::ui
