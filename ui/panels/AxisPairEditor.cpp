// SPDX-License-Identifier: MIT
#include "panels/AxisPairEditor.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QPainter>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>

namespace tconv::ui {
namespace {

// A chain-link icon drawn with the palette's text colour (readable in light and dark themes).
QIcon linkIcon(const QPalette& pal, bool linked) {
    QPixmap pm(QSize(32, 32));
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    // Always the active colour: QIcon greys the disabled state itself. Drawing
    // with the current group's colour while disabled left the icon grey after
    // the editor was enabled again (leaving weight mode).
    QPen pen(pal.color(QPalette::Active, QPalette::ButtonText), 3.2);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    if (linked) {
        p.drawRoundedRect(QRectF(4, 11, 14, 10), 5, 5);
        p.drawRoundedRect(QRectF(14, 11, 14, 10), 5, 5);
    } else {
        p.drawRoundedRect(QRectF(2, 11, 12, 10), 5, 5);
        p.drawRoundedRect(QRectF(18, 11, 12, 10), 5, 5);
    }
    return QIcon(pm);
}

}  // namespace

AxisPairEditor::AxisPairEditor(const QString& name, int minimum, int maximum, QWidget* parent) : QWidget(parent) {
    setObjectName(name);
    auto* l = new QHBoxLayout(this);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(4);
    h_ = new QSpinBox(this);
    w_ = new QSpinBox(this);
    for (QSpinBox* b : {h_, w_}) {
        b->setRange(minimum, maximum);
        b->setAccelerated(true);
        b->setKeyboardTracking(false);
        b->setAlignment(Qt::AlignRight);
        b->setMinimumWidth(52);
    }
    h_->setObjectName(name + QStringLiteral("H"));
    w_->setObjectName(name + QStringLiteral("W"));
    h_->setPrefix(QStringLiteral("H "));
    w_->setPrefix(QStringLiteral("W "));
    link_ = new QToolButton(this);
    link_->setObjectName(name + QStringLiteral("Link"));
    link_->setCheckable(true);
    link_->setChecked(true);
    link_->setAutoRaise(true);
    link_->setIconSize(QSize(16, 16));
    link_->setIcon(linkIcon(palette(), true));
    link_->setToolTip(tr("Linked: one value for both axes (square). Unlink to set height and width separately."));
    l->addWidget(h_, 1);
    l->addWidget(link_);
    l->addWidget(w_, 1);
    connect(h_, &QSpinBox::valueChanged, this, &AxisPairEditor::onHeight);
    connect(w_, &QSpinBox::valueChanged, this, &AxisPairEditor::onWidth);
    connect(link_, &QToolButton::toggled, this, [this](bool on) {
        link_->setIcon(linkIcon(palette(), on));
        if (on && w_->value() != h_->value()) {
            QSignalBlocker b(w_);
            w_->setValue(h_->value());
            emit valueChanged(value());
        }
    });
}

void AxisPairEditor::setToolTips(const QString& tip) {
    h_->setToolTip(tip + tr("\n(height: rows)"));
    w_->setToolTip(tip + tr("\n(width: columns)"));
}

Size2 AxisPairEditor::value() const { return Size2(h_->value(), w_->value()); }

void AxisPairEditor::setValue(Size2 v) {
    QSignalBlocker bh(h_), bw(w_), bl(link_);
    h_->setValue(v.h);
    w_->setValue(v.w);
    if (v.h != v.w && link_->isChecked()) {
        link_->setChecked(false);
        // The toggled handler is blocked here: draw the unlinked icon. Only on
        // a change: a new icon relayouts and repaints the editor, and every
        // edit sets all six editors of the panel (beside the running job).
        link_->setIcon(linkIcon(palette(), false));
    }
}

void AxisPairEditor::changeEvent(QEvent* e) {
    QWidget::changeEvent(e);
    if (e->type() == QEvent::PaletteChange || e->type() == QEvent::EnabledChange)
        link_->setIcon(linkIcon(palette(), link_->isChecked()));
}

bool AxisPairEditor::isLinked() const { return link_->isChecked(); }

void AxisPairEditor::setLinked(bool on) { link_->setChecked(on); }

void AxisPairEditor::onHeight(int v) {
    if (link_->isChecked() && w_->value() != v) {
        QSignalBlocker b(w_);
        w_->setValue(v);
    }
    emit valueChanged(value());
}

void AxisPairEditor::onWidth(int v) {
    if (link_->isChecked() && h_->value() != v) {
        QSignalBlocker b(h_);
        h_->setValue(v);
    }
    emit valueChanged(value());
}

}  // namespace tconv::ui
