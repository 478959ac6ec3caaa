// SPDX-License-Identifier: MIT
#pragma once
// Undo/redo of the studio's parameters (QUndoStack): every change of the
// model (a parameter, the kernel, a repair, a weight load) becomes one step
// holding the state before and after it. The window reports each state it
// is about to compute (record); undo and redo hand a state back through the
// apply callback. Steps are named after what changed ("Undo Stride").
#include <QObject>
#include <functional>

#include "document/StudioParams.h"

class QAction;
class QUndoStack;

namespace tconv::ui {

class StateHistory : public QObject {
    Q_OBJECT
public:
    using Apply = std::function<void(const StudioParams&)>;
    StateHistory(Apply apply, QObject* parent = nullptr);

    QUndoStack* stack() const { return stack_; }
    // Starts a new history at `p` (a new document: the first start, a tutorial).
    void setBaseline(const StudioParams& p);
    // `now` is the state about to be shown: one undo step when it differs from the last one.
    void record(const StudioParams& now);
    // Names the next recorded step (e.g. "Additive repair"); empty: named after what changed.
    void nameNextStep(const QString& label) { nextLabel_ = label; }

    // What differs between two states, in the user's words ("Stride", "Kernel", "Load weight").
    static QString describeChange(const StudioParams& before, const StudioParams& after);
    static bool kernelDiffers(const StudioParams& a, const StudioParams& b);

signals:
    // The kernel of the recorded state changed (an edit, a repair, a weight, an undo).
    void kernelChanged();

private:
    friend class ParamsStep;
    void restore(const StudioParams& p);

    QUndoStack* stack_;
    Apply apply_;
    StudioParams current_;
    QString nextLabel_;
    bool restoring_ = false;
};

}  // namespace tconv::ui
