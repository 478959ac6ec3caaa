// SPDX-License-Identifier: MIT
#pragma once
// The one reset path of the studio: when the document changes (an image, a
// sample or a tutorial is opened, a weight is loaded, the kernel changes, or
// an undo/redo brings back another kernel), nothing that described the old
// one may survive: the pixel explanation, the step text, the repair report,
// the kernel table's selection and the views' highlights. The window clears
// its own pinned/hovered pixel and then calls run().
class QLabel;

namespace tconv::ui {

class ExplanationPanel;
class KernelEditor;
class ViewArea;

class DocumentReset {
public:
    DocumentReset(ExplanationPanel* explain, KernelEditor* kernel, ViewArea* views, QLabel* pixelStatus);
    void run() const;

private:
    ExplanationPanel* explain_;
    KernelEditor* kernel_;
    ViewArea* views_;
    QLabel* pixelStatus_;
};

}  // namespace tconv::ui
