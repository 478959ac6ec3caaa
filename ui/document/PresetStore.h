// SPDX-License-Identifier: MIT
#pragma once
// Parameter presets as JSON files (and the same JSON in QSettings for "last
// parameters"). Geometry, kernel (preset settings or the custom weights),
// bias, backend and the comparison/heatmap choices.
#include <QJsonObject>
#include <QString>
#include <optional>

#include "document/StudioParams.h"

namespace tconv::ui {

class PresetStore {
public:
    static QJsonObject toJson(const StudioParams& p);
    // nullopt and *error set (naming the key and what was expected) when the
    // object is not a preset; missing keys keep their defaults.
    static std::optional<StudioParams> fromJson(const QJsonObject& o, QString* error);

    static bool save(const QString& path, const StudioParams& p, QString* error);
    static std::optional<StudioParams> load(const QString& path, QString* error);
};

}  // namespace tconv::ui
