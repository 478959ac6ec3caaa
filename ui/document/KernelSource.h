// SPDX-License-Identifier: MIT
#pragma once
// Where the studio's kernel comes from: an engine preset (scaled to sum
// sH*sW), the custom taps (used raw), or the loaded layer weight. A type
// rather than a string, so a misspelt source cannot compile and every switch
// over the kinds is checked; the string form ("box", "custom", "weight") is
// what preset files, settings and the kernel editor's menu hold, through
// name() and fromName().
#include <QString>
#include <QStringList>
#include <optional>

#include "core/KernelPresets.h"

namespace tconv::ui {

class KernelSource {
public:
    enum class Kind { Preset, Custom, Weight };

    KernelSource() = default;  // the box preset
    static KernelSource preset(KernelPreset p) { return KernelSource(Kind::Preset, p); }
    static KernelSource custom() { return KernelSource(Kind::Custom, KernelPreset::Box); }
    static KernelSource weight() { return KernelSource(Kind::Weight, KernelPreset::Box); }
    // "box", "nearest", "bilinear", "gaussian", "random", "custom", "weight"; nullopt otherwise.
    static std::optional<KernelSource> fromName(const QString& name);
    // Every name fromName accepts, presets first.
    static QStringList names();

    QString name() const;
    Kind kind() const { return kind_; }
    bool isCustom() const { return kind_ == Kind::Custom; }
    bool isWeight() const { return kind_ == Kind::Weight; }
    // The preset, when the kernel is one.
    std::optional<KernelPreset> presetKind() const {
        return kind_ == Kind::Preset ? std::optional<KernelPreset>(preset_) : std::nullopt;
    }
    bool is(KernelPreset p) const { return kind_ == Kind::Preset && preset_ == p; }

    friend bool operator==(const KernelSource&, const KernelSource&) = default;

private:
    KernelSource(Kind kind, KernelPreset preset) : kind_(kind), preset_(preset) {}

    Kind kind_ = Kind::Preset;
    KernelPreset preset_ = KernelPreset::Box;  // Box for the other kinds, so equality needs no special case
};

}  // namespace tconv::ui
