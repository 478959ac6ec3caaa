// SPDX-License-Identifier: MIT
#pragma once
// A per-axis parameter (height, width) as two spin boxes and a link toggle:
// linked, the width follows the height (the square case, the common one).
#include <QWidget>

#include "core/ConvParams.h"

class QSpinBox;
class QToolButton;

namespace tconv::ui {

class AxisPairEditor : public QWidget {
    Q_OBJECT
public:
    AxisPairEditor(const QString& name, int minimum, int maximum, QWidget* parent = nullptr);

    Size2 value() const;
    void setValue(Size2 v);  // links when h == w, without emitting
    bool isLinked() const;
    void setLinked(bool on);
    QSpinBox* heightBox() const { return h_; }
    QSpinBox* widthBox() const { return w_; }
    QToolButton* linkButton() const { return link_; }
    void setToolTips(const QString& tip);

signals:
    void valueChanged(tconv::Size2 v);

protected:
    void changeEvent(QEvent* e) override;

private:
    void onHeight(int v);
    void onWidth(int v);

    QSpinBox* h_;
    QSpinBox* w_;
    QToolButton* link_;
};

}  // namespace tconv::ui
