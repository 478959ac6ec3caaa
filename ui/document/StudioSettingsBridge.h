// SPDX-License-Identifier: MIT
#pragma once
// From the CLI's ConvSettings (parsed by app/common exactly as `tconv apply`
// does) to the studio's parameters, for the screenshot mode.
#include <QString>

#include "document/StudioParams.h"
#include "common/ConvSettings.h"

namespace tconv::ui {

// Updates `p`; false and *why when the settings cannot be shown (an
// unreadable kernel file, several bias values). A full 4-D weight file puts
// the studio in weight mode with --groups (default 1).
bool applyConvSettings(const app::ConvSettings& s, StudioParams& p, QString* why);

}  // namespace tconv::ui
