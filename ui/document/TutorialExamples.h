// SPDX-License-Identifier: MIT
#pragma once
// The worked examples of well-known tutorials (named by title on screen), as studio inputs:
// each entry loads its input tensor, kernel (used raw) and parameters, so the
// printed results can be reproduced and stepped through in numeric mode.
#include <QString>
#include <QVector>

#include "core/ConvParams.h"
#include "core/Kernel2D.h"
#include "core/Tensor.h"

namespace tconv::ui {

struct TutorialExample {
    QString id;           // stable key, e.g. "case2-stride"
    QString title;        // menu text
    QString source;       // which tutorial it comes from
    QString explanation;  // one or two sentences
    Tensor input;         // (1, 1, H, W)
    Kernel2D kernel;
    ConvParams geometry;               // kernel size matches `kernel`, groups 1
    QVector<QVector<float>> expected;  // the result the tutorial prints
};

const QVector<TutorialExample>& tutorialExamples();
const TutorialExample* findTutorial(const QString& id);

}  // namespace tconv::ui
