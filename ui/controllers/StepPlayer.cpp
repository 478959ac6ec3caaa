// SPDX-License-Identifier: MIT
#include "controllers/StepPlayer.h"

#include <algorithm>
#include <cmath>

namespace tconv::ui {

StepPlayer::StepPlayer(QObject* parent) : QObject(parent) {
    timer_.setInterval(static_cast<int>(std::lround(1000.0 / rate_)));
    connect(&timer_, &QTimer::timeout, this, &StepPlayer::next);
}

void StepPlayer::setCount(int count) {
    count_ = std::max(0, count);
    if (count_ == 0) pause();
    if (step_ >= count_) setStep(std::max(0, count_ - 1));
}

void StepPlayer::setStep(int s) {
    s = std::clamp(s, 0, std::max(0, count_ - 1));
    if (s == step_) return;
    step_ = s;
    emit stepChanged(step_);
}

void StepPlayer::next() {
    if (count_ == 0) return;
    setStep(step_ + 1 < count_ ? step_ + 1 : 0);
}

void StepPlayer::back() {
    if (count_ == 0) return;
    setStep(step_ > 0 ? step_ - 1 : count_ - 1);
}

void StepPlayer::play() {
    if (count_ == 0 || timer_.isActive()) return;
    timer_.start();
    emit playingChanged(true);
}

void StepPlayer::pause() {
    if (!timer_.isActive()) return;
    timer_.stop();
    emit playingChanged(false);
}

void StepPlayer::toggle() { isPlaying() ? pause() : play(); }

void StepPlayer::setStepsPerSecond(double rate) {
    rate_ = std::clamp(rate, 0.25, 30.0);
    timer_.setInterval(static_cast<int>(std::lround(1000.0 / rate_)));
}

}  // namespace tconv::ui
