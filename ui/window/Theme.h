// SPDX-License-Identifier: MIT
#pragma once
// Light and dark palettes on the Fusion style (consistent on every platform);
// "system" keeps the platform's palette.
#include <QString>
#include <QStringList>

namespace tconv::ui {

QStringList themeNames();  // "system", "light", "dark"
void applyTheme(const QString& name);

}  // namespace tconv::ui
