// SPDX-License-Identifier: MIT
#pragma once
// The two highlight colours the provenance and the scatter stepper share, so
// "where it came from" and "what it is" read the same in every view.
#include <QColor>

namespace tconv::ui {

inline const QColor kInputHighlight(255, 170, 0);   // contributing input pixels, taps, a footprint
inline const QColor kOutputHighlight(0, 200, 255);  // the pixel being explained

}  // namespace tconv::ui
