// SPDX-License-Identifier: MIT
#pragma once
// Kernel and weight repair (the kernel editor's repair buttons): the image
// kernel is replaced by its repaired custom kernel, with the geometry a
// zero-order hold needs; a layer weight has every (input, output) slice
// repaired, as `tconv repair` does, and lives in memory until saved. Either
// way one named undo step, and a report in the kernel editor of what the
// repair changed (or why it could not).
#include <QObject>
#include <QString>

#include "analysis/KernelRepair.h"
#include "core/Kernel2D.h"

namespace tconv::ui {

class KernelEditor;
class StudioDocument;

class RepairController : public QObject {
    Q_OBJECT
public:
    RepairController(StudioDocument* document, KernelEditor* kernelEditor, QObject* parent = nullptr);

    // `method` is the editor's "additive" | "zoh"; `kernel` the kernel shown now.
    void repair(const QString& method, const Kernel2D& kernel);

private:
    void repairKernelOf(RepairMethod method, const Kernel2D& kernel);
    void repairWeight(RepairMethod method);
    void refuse(const QString& reason);

    StudioDocument* document_;
    KernelEditor* kernelEditor_;
};

}  // namespace tconv::ui
