// SPDX-License-Identifier: MIT
#pragma once
// The kernel editor's edits become document changes: a preset chosen (with
// its sigma or seed), taps typed into the table, "normalize", "natural size",
// and the analysed channel of a layer weight. Repair is RepairController's.
#include <QObject>
#include <QString>

#include "core/Kernel2D.h"
#include "document/KernelSource.h"

namespace tconv::ui {

class KernelEditor;
class StudioDocument;

class KernelEditController : public QObject {
    Q_OBJECT
public:
    KernelEditController(StudioDocument* document, KernelEditor* kernelEditor, QObject* parent = nullptr);

    // `shown` is the kernel the editor shows now (normalize scales it).
    void normalize(const Kernel2D& shown);

private:
    void choosePreset(KernelSource source, double sigma, quint64 seed);
    void setTaps(const Kernel2D& kernel);
    void useNaturalSize();

    StudioDocument* document_;
    KernelEditor* kernelEditor_;
};

}  // namespace tconv::ui
