// SPDX-License-Identifier: MIT
#pragma once
// --method: how a layer upsamples. A type, not a string, so a misspelt
// comparison cannot silently pick the default.
#include <optional>
#include <string_view>

namespace tconv::app {

enum class ConvMethod {
    Transposed,  // ConvTranspose2d (the default)
    ResizeConv,  // resize by the stride, then a stride-1 convolution (analysis/ResizeConv.h)
};

// "transposed" | "resize-conv"; nullopt for anything else.
inline std::optional<ConvMethod> parseConvMethod(std::string_view text) {
    if (text == "transposed") return ConvMethod::Transposed;
    if (text == "resize-conv") return ConvMethod::ResizeConv;
    return std::nullopt;
}

// The command-line spelling, for folder names, reports and status lines.
inline const char* convMethodName(ConvMethod m) { return m == ConvMethod::ResizeConv ? "resize-conv" : "transposed"; }

}  // namespace tconv::app
