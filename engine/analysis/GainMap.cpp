// SPDX-License-Identifier: MIT
#include "analysis/GainMap.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis/LayerKernels.h"
#include "analysis/internal/ParallelFor.h"
#include "core/ConvTranspose.h"

namespace tconv {
namespace {

// Along one axis the all-ones response of output row o depends only on which
// taps the input's ends cut off: rows o < top lose taps at the start, rows
// o >= n*s - p at the end, and every row in between (the interior) sees all
// taps of its phase (o + p) mod s. So a map for a large input repeats one
// interior period of a small input's map, with the small map's end bands.
struct AxisPlan {
    int64_t top = 0;     // first interior output row
    int64_t bottom = 0;  // first output row cut at the end (large input)
    int64_t smallN = 0;  // input rows of the small problem
    int64_t shift = 0;   // end-band offset between the large and the small output
    int s = 1;
};

int64_t ceilDiv(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// p: the begin padding (it sets the phases and the bands); pEnd only shortens the output.
AxisPlan axisPlan(int64_t n, int s, int p, int pEnd, int q, int d, int k) {
    AxisPlan a;
    a.s = s;
    const int64_t reach = int64_t(d) * (k - 1);
    a.top = std::max<int64_t>(0, reach - p);
    // The small problem's interior [top, smallN*s - p) must hold one full
    // period of s rows, and so must its output [0, (smallN-1)*s - p - pEnd + reach + q + 1).
    const int64_t byBand = ceilDiv(a.top + s + p, s);
    const int64_t byOutput = ceilDiv(a.top + s + int64_t(p) + pEnd - reach - q - 1, s) + 1;
    const int64_t need = std::max<int64_t>({byBand, byOutput, 1}) + 1;
    a.smallN = std::min(n, need);
    a.bottom = n * s - p;
    a.shift = (n - a.smallN) * s;
    return a;
}

int64_t smallIndex(const AxisPlan& a, int64_t o) {
    if (o < a.top) return o;
    if (o >= a.bottom) return o - a.shift;
    return a.top + (o - a.top) % a.s;
}

Tensor relativeGain(const ConvLayer& layer, int64_t inH, int64_t inW, Backend& backend) {
    ConvLayer noBias = layer;
    noBias.bias.clear();
    const Tensor ones(Shape4{1, layer.inChannels(), inH, inW}, 1.0f);
    Tensor a = convTranspose2d(ones, noBias, backend);
    const Shape4 o = a.shape();
    const double phases = static_cast<double>(layer.params.stride.h) * layer.params.stride.w;
    for (int64_t c = 0; c < o.c; ++c) {
        const double gbar = channelKernel(layer, c).sum() / phases;
        if (gbar == 0.0) continue;
        float* plane = a.plane(0, c);
        for (int64_t i = 0; i < o.h * o.w; ++i) plane[i] = static_cast<float>(plane[i] / gbar - 1.0);
    }
    return a;
}

}  // namespace

Tensor gainMap(const ConvLayer& layer, int64_t inH, int64_t inW, Backend& backend) {
    Tensor out;
    gainMap(layer, inH, inW, backend, out);
    return out;
}

void gainMap(const ConvLayer& layer, int64_t inH, int64_t inW, Backend& backend, Tensor& out) {
    const ConvParams& p = layer.params;
    const Size2 pb = padBegin(p), pe = padEnd(p);
    const AxisPlan ah = axisPlan(inH, p.stride.h, pb.h, pe.h, p.outputPadding.h, p.dilation.h, p.kernel.h);
    const AxisPlan aw = axisPlan(inW, p.stride.w, pb.w, pe.w, p.outputPadding.w, p.dilation.w, p.kernel.w);
    if (ah.smallN == inH && aw.smallN == inW) {
        out = relativeGain(layer, inH, inW, backend);
        return;
    }
    // Large input: the small problem's map, spread out (exact: the same floats).
    // A 12 MP photo's map then costs a fill instead of a 48 MP convolution.
    const Tensor small = relativeGain(layer, ah.smallN, aw.smallN, backend);
    const Shape4 ss = small.shape();
    const int64_t outH = ss.h + ah.shift, outW = ss.w + aw.shift;
    out.resize(Shape4{1, ss.c, outH, outW});  // every element is written below
    // Each row of the small map is spread along x once (ss.h rows, a few
    // dozen); every output row is then a copy of one of them. The gather per
    // output pixel it replaces cost ~3 ms for a 1 MP input's 16 MB map, the
    // copies run at memory speed.
    std::vector<int64_t> cols(static_cast<size_t>(outW));
    for (int64_t x = 0; x < outW; ++x) cols[static_cast<size_t>(x)] = smallIndex(aw, x);
    std::vector<float> spread(static_cast<size_t>(ss.c * ss.h * outW));
    for (int64_t r = 0; r < ss.c * ss.h; ++r) {
        const float* src = small.data() + r * ss.w;
        float* dst = spread.data() + r * outW;
        for (int64_t x = 0; x < outW; ++x) dst[x] = src[cols[static_cast<size_t>(x)]];
    }
    analysis::parallelFor(0, ss.c * outH, 64, [&](int64_t lo, int64_t hi) {
        for (int64_t r = lo; r < hi; ++r) {
            const int64_t c = r / outH, y = r % outH;
            const float* src = spread.data() + (c * ss.h + smallIndex(ah, y)) * outW;
            std::copy(src, src + outW, out.plane(0, c) + y * outW);
        }
    });
}

}  // namespace tconv
