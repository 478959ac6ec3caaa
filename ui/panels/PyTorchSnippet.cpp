// SPDX-License-Identifier: MIT
#include "panels/PyTorchSnippet.h"

#include <QStringList>

namespace tconv::ui {
namespace {

QString pair(Size2 s) { return QStringLiteral("(%1, %2)").arg(s.h).arg(s.w); }

// Round-trip float formatting (9 significant digits), as Python literals.
QString num(float v) {
    QString s = QString::number(static_cast<double>(v), 'g', 9);
    if (!s.contains('.') && !s.contains('e') && !s.contains("inf") && !s.contains("nan")) s += QStringLiteral(".0");
    return s;
}

// PyTorch's padding crops the same from both ends; per-side padding (ONNX
// pads) is padding 0 and a crop of the output, which the snippet spells out.
QString paddingArg(const ConvParams& g) { return hasAsymmetricPadding(g) ? pair(Size2(0, 0)) : pair(g.padding); }

QString perSideNote(const ConvParams& g) {
    if (!hasAsymmetricPadding(g)) return {};
    const Pads4 f = pads(g);
    return QStringLiteral(
               "# Per-side padding (ONNX pads [top, left, bottom, right] = [%1, %2, %3, %4]) cannot be\n"
               "# expressed by PyTorch's padding, which crops the same from both ends: the layer above\n"
               "# has padding 0, and its output is cropped instead (see the last line).\n")
        .arg(f.top)
        .arg(f.left)
        .arg(f.bottom)
        .arg(f.right);
}

// "y = conv(x)", with the crop per-side padding needs.
QString forwardLine(const ConvParams& g) {
    if (!hasAsymmetricPadding(g)) return QStringLiteral("y = conv(x)");
    const Pads4 f = pads(g);
    // "t:-b" (or "t:" when nothing is cropped at the end).
    auto range = [](int begin, int end) {
        return QString::number(begin) + QLatin1Char(':') + (end > 0 ? QString::number(-end) : QString());
    };
    return QStringLiteral("y = conv(x)[:, :, %1, %2]").arg(range(f.top, f.bottom), range(f.left, f.right));
}

// Weight mode: the layer itself, its weight read from the same .npy.
QString weightSnippet(const StudioParams& p) {
    const ConvParams& g = p.geometry;
    const Shape4 w = p.weight->shape();
    const int64_t cout = w.c * g.groups;
    // A repaired weight, or a layer of a model, lives in memory until the user saves it.
    const bool saved = p.weightHasFile();
    QString path = saved ? p.weightPath : QStringLiteral("weight.npy");
    path.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('"'), QStringLiteral("\\\""));
    QString code;
    code += QStringLiteral("import numpy as np\nimport torch\nfrom torch import nn\n\n");
    code += QStringLiteral("# TConv Studio: the layer weight (%1, %2, %3, %4) from its .npy\n")
                .arg(w.n)
                .arg(w.c)
                .arg(w.h)
                .arg(w.w);
    code += QStringLiteral(
                "conv = nn.ConvTranspose2d(\n    in_channels=%1, out_channels=%2, kernel_size=%3,\n"
                "    stride=%4, padding=%5, output_padding=%6,\n    groups=%7, bias=%8, dilation=%9)\n")
                .arg(w.n)
                .arg(cout)
                .arg(pair(Size2(w.h, w.w)), pair(g.stride), paddingArg(g), pair(g.outputPadding))
                .arg(g.groups)
                .arg(p.bias != 0.0f ? QStringLiteral("True") : QStringLiteral("False"), pair(g.dilation));
    code += QStringLiteral("with torch.no_grad():\n");
    code += QStringLiteral("    conv.weight.copy_(torch.from_numpy(np.load(\"%1\")))%2\n")
                .arg(path, saved ? QString() : QStringLiteral("  # not saved yet: Save… under Layer weight"));
    if (p.bias != 0.0f) code += QStringLiteral("    conv.bias.fill_(%1)\n").arg(num(p.bias));
    code += perSideNote(g);
    code += QStringLiteral("\n# x: (N, %1, H, W) float32\n# %3  # (N, %2, H_out, W_out)\n")
                .arg(w.n)
                .arg(cout)
                .arg(forwardLine(g));
    return code;
}

}  // namespace

QString pytorchSnippet(const StudioParams& p, const Kernel2D& kernel, int channels) {
    if (p.isFullWeight()) return weightSnippet(p);
    const ConvParams& g = p.geometry;
    QStringList rows;
    for (int y = 0; y < kernel.h; ++y) {
        QStringList row;
        for (int x = 0; x < kernel.w; ++x) row << num(kernel.at(y, x));
        rows << QStringLiteral("    [") + row.join(QStringLiteral(", ")) + QStringLiteral("]");
    }
    QString code;
    code += QStringLiteral("import torch\nfrom torch import nn\n\n");
    code += QStringLiteral("# TConv Studio: %1 kernel, one copy per channel (depthwise)\n").arg(p.kernelSource.name());
    code += QStringLiteral(
                "conv = nn.ConvTranspose2d(\n    in_channels=%1, out_channels=%1, kernel_size=%2,\n"
                "    stride=%3, padding=%4, output_padding=%5,\n    groups=%1, bias=%6, dilation=%7)\n")
                .arg(channels)
                .arg(pair(g.kernel), pair(g.stride), paddingArg(g), pair(g.outputPadding),
                     p.bias != 0.0f ? QStringLiteral("True") : QStringLiteral("False"), pair(g.dilation));
    code += QStringLiteral("kernel = torch.tensor([\n") + rows.join(QStringLiteral(",\n")) +
            QStringLiteral("], dtype=torch.float32)\n");
    code += QStringLiteral("with torch.no_grad():\n");
    code += QStringLiteral("    conv.weight.copy_(kernel.expand(%1, 1, %2, %3))\n")
                .arg(channels)
                .arg(kernel.h)
                .arg(kernel.w);
    if (p.bias != 0.0f) code += QStringLiteral("    conv.bias.fill_(%1)\n").arg(num(p.bias));
    code += perSideNote(g);
    code += QStringLiteral("\n# x: (N, %1, H, W) float32, e.g. an image scaled to [0, 1]\n# %2\n")
                .arg(channels)
                .arg(forwardLine(g));
    return code;
}

}  // namespace tconv::ui
