// SPDX-License-Identifier: MIT
#pragma once
// --kernel PRESET|FILE: a preset name or a kernel file's path. Which one it is
// is decided once, when the text is given, so callers ask instead of calling
// parseKernelPreset on a string again.
#include <optional>
#include <string>

#include "core/KernelPresets.h"

namespace tconv::app {

class KernelSpec {
public:
    KernelSpec() : KernelSpec(std::string("bilinear")) {}
    // Implicit on purpose: a --kernel value is written as text everywhere
    // (command lines, the studio's settings), and the text alone decides.
    KernelSpec(std::string text);                                    // NOLINT(google-explicit-constructor)
    KernelSpec(const char* text) : KernelSpec(std::string(text)) {}  // NOLINT(google-explicit-constructor)

    bool isPreset() const { return preset_.has_value(); }
    std::optional<KernelPreset> preset() const { return preset_; }
    // The kernel file's path; empty for a preset.
    const std::string& path() const;
    // As given on the command line (preset name or path).
    const std::string& text() const { return text_; }

    bool operator==(const KernelSpec& other) const { return text_ == other.text_; }

private:
    std::string text_;
    std::optional<KernelPreset> preset_;
};

}  // namespace tconv::app
