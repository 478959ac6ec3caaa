#pragma once
// From the CLI's ConvSettings (parsed by app/common exactly as `tconv apply`
// does) to the studio's parameters, for the screenshot mode.
#include <QString>

#include "StudioParams.h"
#include "common/ConvSettings.h"

namespace tconv::ui {

// Updates `p`; false and *why when the settings cannot be shown (a full 4-D
// weight file, an unreadable kernel file, several bias values).
bool applyConvSettings(const app::ConvSettings& s, StudioParams& p, QString* why);

}  // namespace tconv::ui
