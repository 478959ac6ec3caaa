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

}  // namespace tconv
