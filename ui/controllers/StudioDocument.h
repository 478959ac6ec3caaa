// SPDX-License-Identifier: MIT
#pragma once
// The open document: the parameters, the input they run on, the tutorial that
// opened them and their undo history. Every controller reads it; changes go
// through replace()/edit()/setInput(), so each one is recorded as an undo step,
// ends a tutorial that was edited away from, and is announced once (changed())
// for the compute scheduler. Before this class the window held these fields
// and every part of it wrote them directly.
#include <QObject>
#include <QString>
#include <functional>
#include <memory>

#include "core/Tensor.h"
#include "document/StudioParams.h"
#include "document/TutorialExamples.h"  // complete: a signal carries a pointer to one

namespace tconv::ui {

class StateHistory;

class StudioDocument : public QObject {
    Q_OBJECT
public:
    explicit StudioDocument(QObject* parent = nullptr);

    const StudioParams& params() const { return params_; }
    std::shared_ptr<const Tensor> input() const { return input_; }
    const QString& inputName() const { return inputName_; }
    int inputBitDepth() const { return inputBitDepth_; }
    const TutorialExample* tutorial() const { return tutorial_; }
    StateHistory* history() const { return history_; }

    // New parameters from outside the panels (a preset, a repair, undo, a
    // script): announced with paramsReplaced (the panels show them) and then
    // changed (compute). A weight channel the new groups no longer have is clamped.
    void replace(const StudioParams& p);
    // One field edited in a panel that already shows it: only changed().
    void edit(const std::function<void(StudioParams&)>& change);
    // Takes `p` without recording or computing: a tutorial's parameters, whose
    // input follows at once, or the last session's, before anything is shown.
    void adopt(const StudioParams& p);
    // The weight now lives in `path` (it was saved): nothing computed changes,
    // so neither an undo step nor a compute; weightRenamed lets the kernel view say so.
    void setWeightPath(const QString& path);

    // A new input (image, sample, tutorial): ends any tutorial, announces
    // inputReplaced (pixels, pins and explanations of the old input go) and computes.
    void setInput(Tensor input, const QString& name, int bitDepth);
    // After setInput: the input is tutorial `e`, which lasts until the parameters differ from now.
    void startTutorial(const TutorialExample* e);
    // What is shown now is where undo stops (a new document).
    void setBaseline();

signals:
    void paramsReplaced(const tconv::ui::StudioParams& params);
    void inputReplaced();
    void tutorialChanged(const tconv::ui::TutorialExample* tutorial);
    void weightRenamed();
    // The parameters or the input changed: what is shown must be computed again.
    void changed();

private:
    void commit();

    StudioParams params_;
    std::shared_ptr<const Tensor> input_;
    QString inputName_;
    int inputBitDepth_ = 8;
    const TutorialExample* tutorial_ = nullptr;
    StudioParams tutorialParams_;  // a tutorial lasts while the parameters equal these
    StateHistory* history_ = nullptr;
};

}  // namespace tconv::ui
