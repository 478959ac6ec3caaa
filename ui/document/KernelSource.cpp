// SPDX-License-Identifier: MIT
#include "document/KernelSource.h"

namespace tconv::ui {
namespace {

const QLatin1String kCustom("custom");
const QLatin1String kWeight("weight");

}  // namespace

std::optional<KernelSource> KernelSource::fromName(const QString& name) {
    if (name == kCustom) return custom();
    if (name == kWeight) return weight();
    if (const auto p = parseKernelPreset(name.toStdString())) return preset(*p);
    return std::nullopt;
}

QStringList KernelSource::names() {
    QStringList list;
    for (const std::string& n : presetNames()) list << QString::fromStdString(n);
    list << kCustom << kWeight;
    return list;
}

QString KernelSource::name() const {
    switch (kind_) {
        case Kind::Preset: return QString::fromLatin1(presetName(preset_));
        case Kind::Custom: return kCustom;
        case Kind::Weight: return kWeight;
    }
    return {};
}

}  // namespace tconv::ui
