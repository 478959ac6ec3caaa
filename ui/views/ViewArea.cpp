// SPDX-License-Identifier: MIT
#include "views/ViewArea.h"

#include <QGridLayout>

namespace tconv::ui {

QString layoutModeName(LayoutMode m) {
    switch (m) {
        case LayoutMode::Grid: return QStringLiteral("grid");
        case LayoutMode::SideBySide: return QStringLiteral("side");
        case LayoutMode::Single: return QStringLiteral("single");
    }
    return {};
}

ViewArea::ViewArea(ViewSync* sync, QWidget* parent) : QWidget(parent), sync_(sync) {
    grid_ = new QGridLayout(this);
    grid_->setContentsMargins(4, 4, 4, 4);
    grid_->setSpacing(4);
    contents_[LayoutMode::Grid] = {ViewContent::Input, ViewContent::Result, ViewContent::Heatmap,
                                   ViewContent::ResizeConv};
    contents_[LayoutMode::SideBySide] = {ViewContent::Input, ViewContent::Result};
    contents_[LayoutMode::Single] = {ViewContent::CompareAB};
    for (int i = 0; i < 4; ++i) {
        auto* p = new ViewPanel(sync_, contents_[LayoutMode::Grid][i], this);
        p->setObjectName(QStringLiteral("viewPanel%1").arg(i));
        panels_.push_back(p);
        connect(p, &ViewPanel::contentChanged, this, [this, i](ViewContent c) {
            if (i < contents_[mode_].size()) contents_[mode_][i] = c;
            emit layoutChanged();
        });
        connect(p, &ViewPanel::heatmapKindChanged, this, &ViewArea::heatmapKindChanged);
        connect(p, &ViewPanel::resizeModeChanged, this, &ViewArea::resizeModeChanged);
        connect(p->view(), &ImageView::hovered, this, [this, p](QPointF w) { emit hovered(p, w); });
        connect(p->view(), &ImageView::clicked, this, [this, p](QPointF w) { emit clicked(p, w); });
    }
    setLayoutMode(LayoutMode::Grid);
}

void ViewArea::setLayoutMode(LayoutMode m) {
    mode_ = m;
    for (ViewPanel* p : panels_) {
        grid_->removeWidget(p);
        p->hide();
    }
    const QVector<ViewContent>& c = contents_[m];
    for (int i = 0; i < c.size(); ++i) {
        ViewPanel* p = panels_[i];
        p->setContent(c[i]);
        if (m == LayoutMode::Grid) grid_->addWidget(p, i / 2, i % 2);
        else grid_->addWidget(p, 0, i);
        p->show();
    }
    for (int r = 0; r < 2; ++r) grid_->setRowStretch(r, m == LayoutMode::Grid || r == 0 ? 1 : 0);
    for (int col = 0; col < 2; ++col) grid_->setColumnStretch(col, m == LayoutMode::Single && col == 1 ? 0 : 1);
    emit layoutChanged();
}

QVector<ViewPanel*> ViewArea::visiblePanels() const {
    QVector<ViewPanel*> v;
    for (int i = 0; i < contents_[mode_].size(); ++i) v.push_back(panels_[i]);
    return v;
}

ViewPanel* ViewArea::findPanel(ViewContent c) const {
    for (ViewPanel* p : visiblePanels())
        if (p->content() == c) return p;
    if (c == ViewContent::Result)
        for (ViewPanel* p : visiblePanels())
            if (p->content() == ViewContent::CompareAB) return p;
    return nullptr;
}

void ViewArea::setContents(LayoutMode m, const QVector<ViewContent>& c) {
    const int n = m == LayoutMode::Grid ? 4 : (m == LayoutMode::SideBySide ? 2 : 1);
    if (c.size() != n) return;
    contents_[m] = c;
    if (m == mode_) setLayoutMode(m);
}

void ViewArea::present(const ComputeResultPtr& result) {
    for (ViewPanel* p : panels_) p->present(result);
}

void ViewArea::setHeatmapKind(HeatmapKind k) {
    for (ViewPanel* p : panels_) p->setHeatmapKind(k);
}

void ViewArea::setResizeMode(ResizeMode m) {
    for (ViewPanel* p : panels_) p->setResizeMode(m);
}

void ViewArea::setShowValues(bool on) {
    for (ViewPanel* p : panels_) p->setShowValues(on);
}

void ViewArea::setShowGrid(bool on) {
    for (ViewPanel* p : panels_) p->setShowGrid(on);
}

}  // namespace tconv::ui
