// SPDX-License-Identifier: MIT
#include "core/Backend.h"

namespace tconv {

const char* backendName(BackendKind k) {
    switch (k) {
        case BackendKind::Auto: return "auto";
        case BackendKind::Cpu: return "cpu";
        case BackendKind::Cuda: return "cuda";
    }
    return "?";
}

void Backend::runConv2d(const Tensor& input, const Conv2dLayer& layer, Tensor& output) {
    plainConv2d(input, layer, output);
}

}  // namespace tconv
