// SPDX-License-Identifier: MIT
#pragma once
// The editor of one stack layer: its kernel (an engine preset, or a 2-D kernel
// file chosen with "File…") and its k, s, p, op, d, in two compact rows that
// fit a narrow dock.
#include <QGroupBox>

#include "panels/StackLayers.h"

class QComboBox;
class QPushButton;
class QSpinBox;

namespace tconv::ui {

class StackLayerEditor : public QGroupBox {
    Q_OBJECT
public:
    explicit StackLayerEditor(int index, QWidget* parent = nullptr);
    StackLayerSpec spec() const;
    void setSpec(const StackLayerSpec& spec);  // no changed() signal

    QComboBox* kernelBox() const { return kernel_; }
    QSpinBox* spin(const char* name) const;  // "k", "s", "p", "op", "d"

signals:
    void changed();

private:
    void chooseFile();
    void setKernelText(const QString& kernel);

    QComboBox* kernel_ = nullptr;
    QPushButton* file_ = nullptr;
    QSpinBox* k_ = nullptr;
    QSpinBox* s_ = nullptr;
    QSpinBox* p_ = nullptr;
    QSpinBox* op_ = nullptr;
    QSpinBox* d_ = nullptr;
    bool updating_ = false;
};

}  // namespace tconv::ui
