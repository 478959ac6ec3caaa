// SPDX-License-Identifier: MIT
#pragma once
// One cell of the view area: a header (what it shows, a per-view option, the
// size), the synchronized ImageView, a colour bar for the signed maps, and a
// footer with the scores or a note.
#include <QFrame>

#include "compute/ComputeResult.h"
#include "compute/HeatmapScale.h"
#include "views/ImageView.h"
#include "document/StudioParams.h"

class QComboBox;
class QLabel;

namespace tconv::ui {

class ColorBar;

enum class ViewContent { Input, Result, Heatmap, ResizeConv, Difference, CompareAB, Spectrum };
QString viewContentTitle(ViewContent c);        // short: "Result"
QString viewContentDescription(ViewContent c);  // the full name, for tooltips

class ViewPanel : public QFrame {
    Q_OBJECT
public:
    explicit ViewPanel(ViewSync* sync, ViewContent content, QWidget* parent = nullptr);

    ViewContent content() const { return content_; }
    void setContent(ViewContent c);
    ImageView* view() const { return view_; }
    ColorBar* colorBar() const { return bar_; }
    QLabel* footer() const { return footer_; }

    void setHeatmapKind(HeatmapKind k);
    void setResizeMode(ResizeMode m);
    // Shows the parts of `result` this panel's content needs; keeps the result alive.
    void present(const ComputeResultPtr& result);
    void setShowValues(bool on);
    void setShowGrid(bool on);
    void setHeatScale(HeatScaleMode mode);  // Locked keeps the range shown now
    HeatScaleMode heatScale() const { return heatScale_; }
    HeatRange shownHeatRange() const { return shownHeatRange_; }
    QString infoText() const { return infoText_; }  // the header's info in full (shown elided)

signals:
    void contentChanged(tconv::ui::ViewContent c);
    void heatmapKindChanged(tconv::ui::HeatmapKind k);
    void resizeModeChanged(tconv::ResizeMode m);

protected:
    void resizeEvent(QResizeEvent* e) override;
    bool eventFilter(QObject* watched, QEvent* e) override;

private:
    void refresh();
    void setFooter(const QString& firstLineHtml, const QString& secondLine);
    void layoutFooter();
    void setInfo(const QString& text);
    void layoutInfo();
    void updateHeaderControls();
    QString patternHint(const ComputeResult& r) const;
    QString scoresText(const ComputeResult& r) const;
    MipImage resultImage() const;
    MipImage resizeImage() const;
    void showHeatmap(const ComputeResult& r);

    ViewContent content_;
    ComputeResultPtr result_;
    QComboBox* contentCombo_;
    QComboBox* heatCombo_;
    QComboBox* resizeCombo_;
    QComboBox* scaleCombo_;
    HeatScaleMode heatScale_ = HeatScaleMode::Fixed;
    HeatRange lockedRange_, shownHeatRange_;
    HeatmapKind lockedKind_ = HeatmapKind::GainMap;
    QLabel* info_;
    ImageView* view_;
    QWidget* side_;  // the scale choice and the colour bar
    ColorBar* bar_;
    QLabel* footer_;
    QString footerFirst_, footerSecond_;
    QString infoText_;
};

}  // namespace tconv::ui
