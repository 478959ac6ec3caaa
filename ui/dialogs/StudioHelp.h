// SPDX-License-Identifier: MIT
#pragma once
// The studio's help texts: what each view shows, what its abbreviations
// (CV, R, PP, A − 1, E, q, …) mean, and the keyboard shortcuts, read from the
// menus themselves so the list can never disagree with them.
#include <QString>

class QMenuBar;

namespace tconv::ui {

// Help ▸ The views explained.
QString viewsHelpHtml();
// One line per abbreviation used on screen, for tooltips ("CV: coefficient of variation …").
QString scoresLegend();
// Every menu action with a shortcut, then the mouse gestures.
QString shortcutsHtml(const QMenuBar* menus);

}  // namespace tconv::ui
