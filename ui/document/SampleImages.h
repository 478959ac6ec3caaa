// SPDX-License-Identifier: MIT
#pragma once
// Bundled inputs, so a first start shows something useful: synthetic test
// patterns generated in code (a zone plate, which sweeps every frequency and
// orientation and so shows any periodic artifact; a chart of edges, text and
// checkers; colour gradients) and one photograph shipped in resources/.
#include <QString>
#include <QStringList>

#include "core/Tensor.h"

namespace tconv::ui {

class SampleImages {
public:
    static QStringList ids();  // "zoneplate", "chart", "gradients", "photo"
    static QString title(const QString& id);
    static Tensor make(const QString& id);  // (1, C, H, W) in [0, 1]; empty for an unknown id
    static QString defaultId() { return QStringLiteral("zoneplate"); }
};

}  // namespace tconv::ui
