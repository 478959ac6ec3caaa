// SPDX-License-Identifier: MIT
#pragma once
// The application icon, drawn in code (the installed one is resources/tconv-studio.svg;
// Debian's Qt here has no SVG image plugin, so the window icon is painted).
#include <QIcon>

namespace tconv::ui {

QIcon appIcon();

}  // namespace tconv::ui
