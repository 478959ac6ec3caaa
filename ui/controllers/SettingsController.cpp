// SPDX-License-Identifier: MIT
#include "controllers/SettingsController.h"

#include <QAction>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMainWindow>
#include <QSettings>

#include "controllers/StudioDocument.h"
#include "document/PresetStore.h"
#include "views/ViewArea.h"
#include "window/Theme.h"

namespace tconv::ui {
namespace {

constexpr LayoutMode kLayouts[] = {LayoutMode::Grid, LayoutMode::SideBySide, LayoutMode::Single};

}  // namespace

SettingsController::SettingsController(QMainWindow* window, StudioDocument* document, ViewArea* area, bool persist,
                                       QObject* parent)
    : QObject(parent), window_(window), document_(document), area_(area), persist_(persist) {}

QString SettingsController::theme() { return QSettings().value("theme", "system").toString(); }

void SettingsController::chooseTheme(const QString& name) {
    applyTheme(name);
    if (persist_) QSettings().setValue("theme", name);
}

QString SettingsController::restore(QAction* gridAction) {
    if (!persist_) return {};
    QSettings s;
    window_->restoreGeometry(s.value("window/geometry").toByteArray());
    window_->restoreState(s.value("window/state").toByteArray());
    const QByteArray json = s.value("lastParams").toByteArray();
    if (!json.isEmpty()) {
        QJsonObject o = QJsonDocument::fromJson(json).object();
        auto p = PresetStore::fromJson(o, nullptr);
        if (!p && o.value("kernel").toString() == QLatin1String("weight")) {
            // The weight file moved, or a repaired weight was never saved:
            // keep the rest of the last session.
            o["kernel"] = QStringLiteral("box");
            p = PresetStore::fromJson(o, nullptr);
        }
        if (p) document_->adopt(*p);
    }
    for (LayoutMode m : kLayouts) {
        const QList<QVariant> v = s.value("layout/" + layoutModeName(m)).toList();
        QVector<ViewContent> c;
        for (const QVariant& x : v) c.push_back(static_cast<ViewContent>(x.toInt()));
        area_->setContents(m, c);
    }
    area_->setLayoutMode(static_cast<LayoutMode>(s.value("layout/mode", 0).toInt()));
    gridAction->setChecked(s.value("view/grid", true).toBool());
    area_->setShowGrid(gridAction->isChecked());
    const QString last = s.value("lastFile").toString();
    return !last.isEmpty() && QFileInfo::exists(last) ? last : QString();
}

void SettingsController::save(const QAction* gridAction) const {
    if (!persist_) return;
    QSettings s;
    s.setValue("window/geometry", window_->saveGeometry());
    s.setValue("window/state", window_->saveState());
    s.setValue("lastParams", QJsonDocument(PresetStore::toJson(document_->params())).toJson(QJsonDocument::Compact));
    s.setValue("layout/mode", static_cast<int>(area_->layoutMode()));
    for (LayoutMode m : kLayouts) {
        QList<QVariant> v;
        for (ViewContent c : area_->contents(m)) v.push_back(static_cast<int>(c));
        s.setValue("layout/" + layoutModeName(m), v);
    }
    s.setValue("view/grid", gridAction->isChecked());
    // The last file is reopened only when it is what the window shows (not a sample or tutorial).
    const QStringList recent = s.value("recentFiles").toStringList();
    s.setValue("lastFile", !recent.isEmpty() && document_->inputName() == QFileInfo(recent.first()).fileName()
                               ? recent.first()
                               : QString());
}

}  // namespace tconv::ui
