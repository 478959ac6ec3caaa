// SPDX-License-Identifier: MIT
#include "dialogs/StudioHelp.h"

#include <QAction>
#include <QCoreApplication>
#include <QMenu>
#include <QMenuBar>

namespace tconv::ui {
namespace {

QString tr(const char* s) { return QCoreApplication::translate("StudioHelp", s); }

void collect(const QMenu* menu, QStringList& rows) {
    for (QAction* a : menu->actions()) {
        if (a->menu()) {
            collect(a->menu(), rows);
            continue;
        }
        const QList<QKeySequence> keys = a->shortcuts();
        if (keys.isEmpty()) continue;
        QStringList k;
        for (const QKeySequence& s : keys) k << s.toString(QKeySequence::NativeText).toHtmlEscaped();
        QString text = a->text();
        text.remove(QLatin1Char('&'));
        text.remove(QStringLiteral("…"));
        rows << QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                    .arg(k.join(QStringLiteral(" or ")), text.toHtmlEscaped());
    }
}

}  // namespace

QString scoresLegend() {
    return tr(
        "CV: coefficient of variation of the phase gains (std / mean): 0 is artifact-free.\n"
        "R: ratio of the largest to the smallest phase gain (∞ with holes).\n"
        "PP: peak-to-peak of the phase gains, relative to their mean.\n"
        "A − 1: the gain map, the local gain relative to the mean, minus 1 (0: no ripple).\n"
        "E: the artifact component, the part of the result the additive repair removes.\n"
        "q: output padding (rows/columns added at the bottom/right); s stride, p padding, d dilation, "
        "k kernel size.");
}

QString viewsHelpHtml() {
    return tr(
        "<h3>The views</h3>"
        "<p><b>Input</b>: the image (or tensor) fed to the layer.</p>"
        "<p><b>Result</b>: the transposed convolution, exactly as PyTorch's ConvTranspose2d computes it. With "
        "stride s the kernel splits into s×s phase classes; when their sums (phase gains) differ, the result "
        "shows a checkerboard of period s.</p>"
        "<p><b>Heatmap</b>: where the artifact is. <i>Gain map</i> (A − 1): the local gain relative to the mean, "
        "minus 1; 0 everywhere means no ripple. <i>Artifact component</i> (E): the part of the result that the "
        "additive repair removes. <i>Periodic energy</i>: energy at the stride's frequency, relative to an "
        "artifact-free reference.</p>"
        "<p><b>Resize-conv</b>: the alternative without checkerboard: resize by s, then a stride-1 convolution.</p>"
        "<p><b>Difference</b>: Result − Resize-conv (T − R).</p>"
        "<p><b>A/B</b>: Result and Resize-conv split in one view; drag the divider.</p>"
        "<p><b>Spectrum</b>: the result's Fourier magnitude; a checkerboard shows as peaks at multiples of 1/s.</p>"
        "<h3>Numbers</h3><p>CV: coefficient of variation of the phase gains (0: artifact-free). R: largest / "
        "smallest phase gain. PP: peak-to-peak of the phase gains relative to their mean. q: output padding.</p>"
        "<p>Hover a pixel to see the input pixels and kernel taps that make it; click to pin it. Sizes are "
        "written H×W (rows × columns), pixels as (row, column).</p>");
}

QString shortcutsHtml(const QMenuBar* menus) {
    QStringList rows;
    for (QAction* a : menus->actions())
        if (a->menu()) collect(a->menu(), rows);
    rows << tr("<tr><td><b>Wheel</b></td><td>Zoom about the cursor</td></tr>")
         << tr("<tr><td><b>Double-click</b></td><td>Fit</td></tr>")
         << tr("<tr><td><b>Click</b></td><td>Pin the provenance of a pixel</td></tr>");
    return QStringLiteral("<table cellspacing='4'>") + rows.join(QString()) + QStringLiteral("</table>");
}

}  // namespace tconv::ui
