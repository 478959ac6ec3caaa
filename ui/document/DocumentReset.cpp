// SPDX-License-Identifier: MIT
#include "document/DocumentReset.h"

#include <QLabel>
#include <QTableWidget>

#include "panels/ExplanationPanel.h"
#include "views/ImageView.h"
#include "panels/KernelEditor.h"
#include "views/ViewArea.h"
#include "views/ViewPanel.h"

namespace tconv::ui {

DocumentReset::DocumentReset(ExplanationPanel* explain, KernelEditor* kernel, ViewArea* views, QLabel* pixelStatus)
    : explain_(explain), kernel_(kernel), views_(views), pixelStatus_(pixelStatus) {}

void DocumentReset::run() const {
    explain_->showProvenance({});
    explain_->setStepText(QString());
    kernel_->setRepairReport(QString());
    kernel_->setHighlightedTaps({});
    kernel_->table()->clearSelection();
    for (ViewPanel* p : views_->visiblePanels()) p->view()->setHighlights({});
    if (pixelStatus_) pixelStatus_->clear();
}

}  // namespace tconv::ui
