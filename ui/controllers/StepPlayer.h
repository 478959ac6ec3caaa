// SPDX-License-Identifier: MIT
#pragma once
// Play/Pause/step over a sequence of steps 0..count-1 at a chosen speed, the
// conv_arithmetic animations' control: the zero-insertion view slides its
// window over the output pixels with it, and the same player drives the
// explanation panel's scatter replay (input pixels scattered one by one).
// Playing wraps from the last step to the first. GUI thread only.
#include <QObject>
#include <QTimer>

namespace tconv::ui {

class StepPlayer : public QObject {
    Q_OBJECT
public:
    explicit StepPlayer(QObject* parent = nullptr);

    // A new sequence: the step is clamped into it (0 steps stops playing).
    void setCount(int count);
    int count() const { return count_; }
    int step() const { return step_; }
    bool isPlaying() const { return timer_.isActive(); }
    double stepsPerSecond() const { return rate_; }

    // Goes to `s` (clamped) and announces it when it changed.
    void setStep(int s);
    void next();  // wraps to 0 after the last step
    void back();  // wraps to the last step before 0
    void play();
    void pause();
    void toggle();
    // 0.25 to 30 steps a second (clamped).
    void setStepsPerSecond(double rate);

signals:
    void stepChanged(int step);
    void playingChanged(bool playing);

private:
    QTimer timer_;
    int count_ = 0;
    int step_ = 0;
    double rate_ = 4.0;
};

}  // namespace tconv::ui
