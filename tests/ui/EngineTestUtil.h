// SPDX-License-Identifier: MIT
#pragma once
// Helpers shared by the studio tests: small seeded inputs and the engine's own
// answer for a set of studio parameters (computed directly, not through the UI).
// Nothing here needs a widget, so tests of the compute pipeline alone (the
// ThreadSanitizer build links only tconv_studio_compute) can use it.
#include <cmath>
#include <cstdint>

#include "backends/BackendFactory.h"
#include "core/ConvTranspose.h"
#include "core/Tensor.h"
#include "document/StudioParams.h"

namespace tconv::ui::test {

inline Tensor seededImage(int h, int w, int c, uint64_t seed) {
    Tensor t(Shape4{1, c, h, w});
    uint64_t s = seed * 2654435761u + 1;
    for (float& v : t.storage()) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        v = static_cast<float>((s >> 40) & 0xffff) / 65535.0f;
    }
    return t;
}

inline Tensor engineResult(const Tensor& input, const StudioParams& p) {
    const Kernel2D k = resolveKernel(p);
    const ConvLayer layer = buildStudioLayer(p, k, static_cast<int>(input.shape().c));
    auto cpu = createBackend(BackendKind::Cpu);
    return convTranspose2d(input, layer, *cpu);
}

inline bool sameTensor(const Tensor& a, const Tensor& b, float tol = 0.0f) {
    if (a.shape() != b.shape()) return false;
    for (int64_t i = 0; i < a.size(); ++i)
        if (std::abs(a.data()[i] - b.data()[i]) > tol) return false;
    return true;
}

}  // namespace tconv::ui::test
