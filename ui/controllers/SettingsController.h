// SPDX-License-Identifier: MIT
#pragma once
// What the studio remembers between sessions (QSettings): the window's
// geometry and docks, the last parameters, the view layouts and the pixel
// grid, the theme, and the last file. Off for screenshots and tests
// (persist == false), so they never read or change the user's settings.
// The recent-files list is DocumentController's; the last file is the
// newest recent one when it is what the window shows.
#include <QObject>
#include <QString>

class QAction;
class QMainWindow;

namespace tconv::ui {

class StudioDocument;
class ViewArea;

class SettingsController : public QObject {
    Q_OBJECT
public:
    SettingsController(QMainWindow* window, StudioDocument* document, ViewArea* area, bool persist,
                       QObject* parent = nullptr);

    // Restores the window, the layouts, the pixel grid (`gridAction`) and the
    // last parameters (adopted, not computed). Returns the last session's
    // file when it still exists, for the caller to open; empty when not persisting.
    QString restore(QAction* gridAction);
    void save(const QAction* gridAction) const;

    // The theme the user chose ("system" until one is).
    static QString theme();
    // Applies `name` and remembers it.
    void chooseTheme(const QString& name);

private:
    QMainWindow* window_;
    StudioDocument* document_;
    ViewArea* area_;
    bool persist_;
};

}  // namespace tconv::ui
