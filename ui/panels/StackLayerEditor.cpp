// SPDX-License-Identifier: MIT
#include "panels/StackLayerEditor.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <cstring>

#include "core/KernelPresets.h"

namespace tconv::ui {
namespace {

QSpinBox* smallSpin(int lo, int hi, const QString& tip) {
    auto* s = new QSpinBox;
    s->setRange(lo, hi);
    s->setToolTip(tip);
    s->setMinimumWidth(40);
    return s;
}

}  // namespace

StackLayerEditor::StackLayerEditor(int index, QWidget* parent) : QGroupBox(tr("Layer %1").arg(index + 1), parent) {
    setObjectName(QStringLiteral("stackLayer%1").arg(index + 1));
    kernel_ = new QComboBox;
    for (const std::string& n : presetNames()) kernel_->addItem(QString::fromStdString(n), QString::fromStdString(n));
    kernel_->setToolTip(
        tr("The layer's kernel: an engine preset (scaled to sum s², random seeded by the layer) "
           "or a 2-D kernel file, used raw"));
    file_ = new QPushButton(tr("File…"));
    file_->setToolTip(tr("Load a 2-D kernel (.npy (kH, kW) or a text matrix); its size replaces k"));
    k_ = smallSpin(1, 16, tr("kernel size k (per axis)"));
    s_ = smallSpin(1, 4, tr("stride s: the layer upsamples by s (the stack's period is the product of the strides)"));
    p_ = smallSpin(0, 16, tr("padding p: rows/columns cropped from each side"));
    op_ = smallSpin(0, 3, tr("output_padding op: extra rows/columns at the end (op < s or op < d)"));
    d_ = smallSpin(1, 4, tr("dilation d"));

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(6, 4, 6, 4);
    grid->setHorizontalSpacing(4);
    grid->setVerticalSpacing(2);
    grid->addWidget(kernel_, 0, 0, 1, 3);
    grid->addWidget(file_, 0, 3, 1, 2);
    const char* names[] = {"k", "s", "p", "op", "d"};
    QSpinBox* spins[] = {k_, s_, p_, op_, d_};
    for (int i = 0; i < 5; ++i) {
        auto* label = new QLabel(QString::fromLatin1(names[i]));
        label->setAlignment(Qt::AlignCenter);
        grid->addWidget(label, 1, i);
        grid->addWidget(spins[i], 2, i);
        spins[i]->setObjectName(QString::fromLatin1(names[i]));
        connect(spins[i], &QSpinBox::valueChanged, this, [this] {
            if (!updating_) emit changed();
        });
    }
    connect(kernel_, &QComboBox::currentIndexChanged, this, [this] {
        k_->setEnabled(parseKernelPreset(kernel_->currentData().toString().toStdString()).has_value());
        if (!updating_) emit changed();
    });
    connect(file_, &QPushButton::clicked, this, &StackLayerEditor::chooseFile);
    setSpec(StackLayerSpec{});
}

QSpinBox* StackLayerEditor::spin(const char* name) const {
    if (std::strcmp(name, "k") == 0) return k_;
    if (std::strcmp(name, "s") == 0) return s_;
    if (std::strcmp(name, "p") == 0) return p_;
    if (std::strcmp(name, "op") == 0) return op_;
    return d_;
}

StackLayerSpec StackLayerEditor::spec() const {
    return StackLayerSpec{
        kernel_->currentData().toString(), k_->value(), s_->value(), p_->value(), op_->value(), d_->value()};
}

void StackLayerEditor::setKernelText(const QString& kernel) {
    int i = kernel_->findData(kernel);
    if (i < 0) {  // a file: one extra item, named by the file, holding the path
        kernel_->addItem(QFileInfo(kernel).fileName(), kernel);
        i = kernel_->count() - 1;
    }
    kernel_->setCurrentIndex(i);
    k_->setEnabled(parseKernelPreset(kernel.toStdString()).has_value());
}

void StackLayerEditor::setSpec(const StackLayerSpec& s) {
    updating_ = true;
    setKernelText(s.kernel);
    k_->setValue(s.k);
    s_->setValue(s.s);
    p_->setValue(s.p);
    op_->setValue(s.op);
    d_->setValue(s.d);
    updating_ = false;
}

void StackLayerEditor::chooseFile() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Kernel for %1").arg(title()), QString(),
                                                      tr("Kernels (*.npy *.txt *.csv);;All files (*)"));
    if (path.isEmpty()) return;
    setKernelText(path);
    emit changed();
}

}  // namespace tconv::ui
