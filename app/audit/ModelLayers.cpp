// SPDX-License-Identifier: MIT
#include "audit/ModelLayers.h"

namespace tconv::app {

std::string padsText(const CropPads& p) {
    if (p[0] == p[1] && p[1] == p[2] && p[2] == p[3]) return std::to_string(p[0]);
    if (p[0] == p[2] && p[1] == p[3]) return std::to_string(p[0]) + "x" + std::to_string(p[1]);
    return std::to_string(p[0]) + "," + std::to_string(p[1]) + "," + std::to_string(p[2]) + "," + std::to_string(p[3]);
}

ChainStep chainStepOf(const UpsamplingLayer& l) {
    ChainStep s;
    s.name = l.name;
    s.layer = l.layer;
    s.layer.bias.clear();
    s.cropBegin = Size2(l.pads[0], l.pads[1]);
    return s;
}

}  // namespace tconv::app
