// SPDX-License-Identifier: MIT
#include "document/StateHistory.h"

#include <QUndoCommand>
#include <QUndoStack>

namespace tconv::ui {

// One undo step: the whole state before and after (states are small; a
// weight is shared, not copied).
class ParamsStep : public QUndoCommand {
public:
    ParamsStep(StateHistory* history, StudioParams before, StudioParams after, const QString& text)
        : QUndoCommand(text), history_(history), before_(std::move(before)), after_(std::move(after)) {}
    void redo() override {
        // The first redo is the push: the window shows `after` already.
        if (pushed_) history_->restore(after_);
        pushed_ = true;
    }
    void undo() override { history_->restore(before_); }

private:
    StateHistory* history_;
    StudioParams before_, after_;
    bool pushed_ = false;
};

StateHistory::StateHistory(Apply apply, QObject* parent)
    : QObject(parent), stack_(new QUndoStack(this)), apply_(std::move(apply)) {}

void StateHistory::setBaseline(const StudioParams& p) {
    stack_->clear();
    current_ = p;
    nextLabel_.clear();
}

void StateHistory::record(const StudioParams& now) {
    if (restoring_) {
        current_ = now;  // the window may adjust a restored state (e.g. clamp the channel)
        return;
    }
    if (now == current_) return;
    const StudioParams before = current_;
    const QString text = nextLabel_.isEmpty() ? describeChange(before, now) : nextLabel_;
    nextLabel_.clear();
    current_ = now;
    stack_->push(new ParamsStep(this, before, now, text));
    if (kernelDiffers(before, now)) emit kernelChanged();
}

void StateHistory::restore(const StudioParams& p) {
    const bool kernel = kernelDiffers(current_, p);
    current_ = p;
    restoring_ = true;
    apply_(p);
    restoring_ = false;
    if (kernel) emit kernelChanged();
}

bool StateHistory::kernelDiffers(const StudioParams& a, const StudioParams& b) {
    return a.kernelSource != b.kernelSource || a.geometry.kernel != b.geometry.kernel || a.sigma != b.sigma ||
           a.seed != b.seed || a.customKernel != b.customKernel || a.weight != b.weight;
}

QString StateHistory::describeChange(const StudioParams& a, const StudioParams& b) {
    if (a.weight != b.weight && b.isFullWeight()) return tr("Load weight");
    const ConvParams &x = a.geometry, &y = b.geometry;
    if (kernelDiffers(a, b)) return x.kernel != y.kernel ? tr("Kernel size") : tr("Kernel edit");
    if (x.stride != y.stride) return tr("Stride");
    const bool padsDiffer = !(padBegin(x) == padBegin(y) && padEnd(x) == padEnd(y));
    if (padsDiffer && x.outputPadding != y.outputPadding) return tr("Output size");
    if (padsDiffer) return tr("Padding");
    if (x.outputPadding != y.outputPadding) return tr("Output padding");
    if (x.dilation != y.dilation) return tr("Dilation");
    if (x.groups != y.groups) return tr("Groups");
    if (a.weightChannel != b.weightChannel) return tr("Output channel");
    if (a.bias != b.bias) return tr("Bias");
    if (a.backend != b.backend) return tr("Backend");
    if (a.tone != b.tone) return tr("Display tone");
    if (a.heatmap != b.heatmap) return tr("Heatmap kind");
    if (a.resize != b.resize) return tr("Resize mode");
    return tr("Parameters");
}

}  // namespace tconv::ui
