// SPDX-License-Identifier: MIT
#pragma once
// What is wrong with a set of parameters, field by field, with the fix in the
// user's terms ("output padding must be < stride 2 or dilation 1: use 0 or
// 1"; "groups must divide 8: 1, 2, 4, 8"). The engine's validator stays the
// judge (its message is shown too); this only points at the offending fields
// so the panel can highlight them and the formula stops printing a size.
#include <QString>
#include <QVector>

#include "core/ConvParams.h"

namespace tconv::ui {

struct ParamsIssue {
    QString
        field;  // the ParameterPanel editor: "kernelSize", "stride", "padding", "outputPadding", "dilation", "groups"
    int axis = -1;  // 0 height, 1 width, -1 both or none
    QString message;
};

// inH/inW <= 0: no input yet (size checks skipped). layerInChannels <= 0: not
// in weight mode (groups are the image's channels, always valid).
QVector<ParamsIssue> diagnoseParams(const ConvParams& p, int64_t inH, int64_t inW, int64_t layerInChannels,
                                    int maxKernel);

// "0 or 1", "0, 1 or 2", "0 to 7": the integers lo..hi in words.
QString allowedRange(int lo, int hi);

}  // namespace tconv::ui
