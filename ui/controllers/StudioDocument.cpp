// SPDX-License-Identifier: MIT
#include "controllers/StudioDocument.h"

#include "document/StateHistory.h"

namespace tconv::ui {

StudioDocument::StudioDocument(QObject* parent) : QObject(parent) {
    // Undo and redo hand back a whole state: the same path as any outside change.
    history_ = new StateHistory([this](const StudioParams& p) { replace(p); }, this);
}

void StudioDocument::replace(const StudioParams& p) {
    params_ = p;
    // Back in weight mode after a tutorial or preset changed the groups: stay on an existing channel.
    clampWeightChannel(params_);
    emit paramsReplaced(params_);
    commit();
}

void StudioDocument::edit(const std::function<void(StudioParams&)>& change) {
    change(params_);
    commit();
}

void StudioDocument::adopt(const StudioParams& p) {
    params_ = p;
    emit paramsReplaced(params_);
}

void StudioDocument::setWeightPath(const QString& path) {
    params_.weightPath = path;
    emit weightRenamed();
}

void StudioDocument::setInput(Tensor input, const QString& name, int bitDepth) {
    input_ = std::make_shared<const Tensor>(std::move(input));
    inputName_ = name;
    inputBitDepth_ = bitDepth;
    tutorial_ = nullptr;
    emit tutorialChanged(nullptr);
    emit inputReplaced();
    commit();
}

void StudioDocument::startTutorial(const TutorialExample* e) {
    tutorial_ = e;
    tutorialParams_ = params_;
    emit tutorialChanged(e);
}

void StudioDocument::setBaseline() { history_->setBaseline(params_); }

void StudioDocument::commit() {
    history_->record(params_);  // one undo step per change of the model (StateHistory)
    if (tutorial_ && !(params_ == tutorialParams_)) {
        tutorial_ = nullptr;
        emit tutorialChanged(nullptr);
    }
    emit changed();
}

}  // namespace tconv::ui
