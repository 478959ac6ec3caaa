// SPDX-License-Identifier: MIT
#pragma once
// The explanation panel, the "textbook" side of the studio: the output-size
// formula with the current numbers substituted; for the hovered (or pinned)
// output pixel, the input pixels and kernel taps that make it and their sum
// next to the engine's value; and, for small inputs, a scatter stepper that
// replays the tutorials' step-by-step figures.
#include <QWidget>
#include <vector>

#include "document/Provenance.h"
#include "core/ConvParams.h"

class QLabel;
class QSlider;
class QToolButton;

namespace tconv::ui {

struct TutorialExample;

struct ProvenanceInfo {
    bool valid = false;
    QString unavailable;  // when !valid: why this pixel's sum cannot be shown (empty: nothing hovered)
    bool pinned = false;
    int oy = 0, ox = 0, channel = 0;
    QString channelName;
    std::vector<Contribution> terms;
    std::vector<float> inputValues, tapValues;  // per term
    float bias = 0;
    double sum = 0;    // from the definition, in double
    float engine = 0;  // the engine's output value
};

class ExplanationPanel : public QWidget {
    Q_OBJECT
public:
    explicit ExplanationPanel(QWidget* parent = nullptr);

    void setGeometry(const ConvParams& p, int inH, int inW);
    // The parameters' problems (ParamsDiagnosis): while any, the formula shows no size.
    void setProblems(const QStringList& problems);
    void showProvenance(const ProvenanceInfo& info);
    // total = H*W scatter steps for small inputs; 0 hides the stepper.
    void setStepCount(int total);
    int step() const;  // 0..total; total means "all" (the engine result is shown)
    void setStep(int s);
    void setStepText(const QString& html);
    void setTutorial(const TutorialExample* example, bool matchesExpected);

    QLabel* formulaLabel() const { return formula_; }
    QLabel* provenanceLabel() const { return provenance_; }
    QSlider* stepSlider() const { return slider_; }

signals:
    void stepChanged(int step);
    // The text changed: the dock may size itself to the content (heightForWidth).
    void contentChanged();

private:
    void showFormula();

    ConvParams geometry_;
    int inH_ = 0, inW_ = 0;
    QStringList problems_;
    QLabel* formula_;
    QLabel* provenance_;
    QLabel* tutorial_;
    QWidget* stepper_;
    QSlider* slider_;
    QLabel* stepText_;
};

}  // namespace tconv::ui
