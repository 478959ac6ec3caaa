// SPDX-License-Identifier: MIT
#include "document/StudioSettingsBridge.h"

#include "common/KernelFile.h"
#include "core/KernelPresets.h"

namespace tconv::ui {

namespace {

// --pads / --auto-pad (ONNX) set both sides; auto_pad needs the kernel size,
// known only once the kernel is, so this runs last.
bool applyPads(const app::ConvSettings& s, StudioParams& p, QString* why) {
    if (!s.pads && !s.autoPad) return true;
    try {
        const ConvParams resolved = app::convParamsFor(s, p.geometry.kernel);
        p.geometry.padding = resolved.padding;
        p.geometry.paddingEnd = resolved.paddingEnd;
        p.geometry.outputPadding = resolved.outputPadding;
        return true;
    } catch (const std::exception& e) {
        *why = QString::fromUtf8(e.what());
        return false;
    }
}

}  // namespace

bool applyConvSettings(const app::ConvSettings& s, StudioParams& p, QString* why) {
    if (s.outputSize) {
        *why = QStringLiteral(
            "--output-size is tconv apply's; here give --output-padding (or use Desired output "
            "size in the studio)");
        return false;
    }
    p.geometry.stride = s.stride;
    p.geometry.padding = s.padding;
    p.geometry.paddingEnd.reset();
    p.geometry.outputPadding = s.outputPadding;
    p.geometry.dilation = s.dilation;
    p.sigma = s.sigma;
    p.seed = s.seed;
    p.backend = s.backend;
    p.resize = s.resize;
    p.bias = s.bias.empty() ? 0.0f : s.bias.front();
    if (s.bias.size() > 1) {
        *why = QStringLiteral("the studio applies one bias to every channel; using %1").arg(p.bias);
        return false;
    }
    if (const auto preset = s.kernel.preset()) {
        p.kernelSource = KernelSource::preset(*preset);
        p.geometry.kernel = s.kernelSize ? *s.kernelSize : naturalKernelSize(*preset, s.stride);
        return applyPads(s, p, why);
    }
    try {
        const app::KernelFile f = app::loadKernelFile(s.kernel.path());
        if (f.isFullWeight()) {
            p = weightModeParams(p, std::make_shared<const Tensor>(f.weight), QString::fromStdString(s.kernel.path()),
                                 s.groups > 0 ? s.groups : 1);
            return applyPads(s, p, why);
        }
        p.kernelSource = KernelSource::custom();
        p.customKernel = *f.kernel;
        p.geometry.kernel = Size2(f.kernel->h, f.kernel->w);
        return applyPads(s, p, why);
    } catch (const std::exception& e) {
        *why = QString::fromUtf8(e.what());
        return false;
    }
}

}  // namespace tconv::ui
