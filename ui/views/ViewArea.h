// SPDX-License-Identifier: MIT
#pragma once
// The central area: up to four ViewPanels sharing one ViewSync, arranged as a
// 2x2 grid, side by side, or a single view (by default the A/B split between
// the result and resize-conv). Each layout remembers what its cells show.
#include <QMap>
#include <QVector>
#include <QWidget>

#include "compute/ComputeResult.h"
#include "views/ViewPanel.h"

class QGridLayout;

namespace tconv::ui {

enum class LayoutMode { Grid, SideBySide, Single };
QString layoutModeName(LayoutMode m);  // "grid", "side", "single"

class ViewArea : public QWidget {
    Q_OBJECT
public:
    explicit ViewArea(ViewSync* sync, QWidget* parent = nullptr);

    LayoutMode layoutMode() const { return mode_; }
    void setLayoutMode(LayoutMode m);
    QVector<ViewPanel*> visiblePanels() const;
    ViewPanel* panel(int i) const { return panels_[i]; }
    // The first visible panel showing `c` (or the A/B view for Result), or null.
    ViewPanel* findPanel(ViewContent c) const;

    QVector<ViewContent> contents(LayoutMode m) const { return contents_.value(m); }
    void setContents(LayoutMode m, const QVector<ViewContent>& c);

    void present(const ComputeResultPtr& result);
    void setHeatmapKind(HeatmapKind k);
    void setResizeMode(ResizeMode m);
    void setShowValues(bool on);
    void setShowGrid(bool on);

signals:
    void heatmapKindChanged(tconv::ui::HeatmapKind k);
    void resizeModeChanged(tconv::ResizeMode m);
    void hovered(tconv::ui::ViewPanel* panel, QPointF world);
    void clicked(tconv::ui::ViewPanel* panel, QPointF world);
    void layoutChanged();

private:
    ViewSync* sync_;
    QGridLayout* grid_;
    QVector<ViewPanel*> panels_;
    LayoutMode mode_ = LayoutMode::Grid;
    QMap<LayoutMode, QVector<ViewContent>> contents_;
};

}  // namespace tconv::ui
