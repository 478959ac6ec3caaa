// SPDX-License-Identifier: MIT
#pragma once
// Hover and pin provenance: which input pixels and kernel taps make an output
// pixel (and the sum the engine computed), or, hovering the input view, which
// output pixels one input pixel reaches. Hovering follows the mouse; a click
// pins a pixel until it is clicked again or the document changes. It keeps its
// own pointer to the shown result, so it never reads a result the views do not show.
#include <QObject>
#include <QPoint>
#include <QPointF>
#include <optional>

#include "compute/ComputeResult.h"

class QLabel;

namespace tconv::ui {

class ExplanationPanel;
class KernelEditor;
class ViewArea;
class ViewPanel;
class ViewSync;

class ProvenanceController : public QObject {
    Q_OBJECT
public:
    struct Views {
        ViewArea* area = nullptr;
        ViewSync* sync = nullptr;
        ExplanationPanel* explain = nullptr;
        KernelEditor* kernelEditor = nullptr;
        QLabel* pixelStatus = nullptr;  // the status bar's "Output (row, column) = value"
    };
    ProvenanceController(const Views& views, QObject* parent = nullptr);

    // A new result is shown: the pinned (else hovered) pixel is explained again on it.
    void showResult(const ComputeResultPtr& result);
    // Explains output pixel (oy, ox); a pinned one is also scrolled into view.
    void explainOutputPixel(int oy, int ox, bool pin);
    // Marks the output pixels input pixel (iy, ix) reaches (what hovering it in the input view does).
    void explainInputPixel(int iy, int ix);
    // Draws the pinned (else hovered) pixel's marks again, e.g. after another highlight replaced them.
    void refresh();
    // The document changed: no pixel is pinned or hovered any more.
    void forget();
    // Removes the marks from the views and the kernel table.
    void clearHighlights();

    void onHover(ViewPanel* panel, QPointF world);
    void onClick(ViewPanel* panel, QPointF world);

signals:
    // The output pixel explained now (hover, pin, a formulation view): the zero-insertion and matrix views follow.
    void outputPixelShown(int oy, int ox);
    // The input pixel whose footprint is shown.
    void inputPixelShown(int iy, int ix);

private:
    void showProvenance(int oy, int ox, bool pinned);
    void showInputFootprint(int iy, int ix);
    void revealOutputPixel(int oy, int ox);

    Views views_;
    ComputeResultPtr last_;
    std::optional<QPoint> pinned_;
    std::optional<QPoint> hovered_;
};

}  // namespace tconv::ui
