// SPDX-License-Identifier: MIT
#pragma once
// The independent side of the chain tests: a chain of ChainSteps run by the
// engine (convTranspose2d, one step after the other) on a constant image, and
// which output pixels are interior (no border reached them), tracked per axis.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "analysis/ChainAnalysis.h"
#include "core/Backend.h"
#include "core/ConvTranspose.h"

namespace audittest {

// [lo, hi): the output rows whose every contribution comes from interior input rows.
struct Interior {
    int64_t lo = 0, hi = 0;
};

// Input rows [a, b) interior -> output rows o that read only inputs in [a, b):
// o reads i in [ceil((o + p - d(k-1)) / s), floor((o + p) / s)].
inline Interior nextInterior(Interior in, int s, int d, int k, int p, int64_t outSize) {
    Interior r;
    r.lo = std::max<int64_t>(0, in.lo * s + int64_t(d) * (k - 1) - p);
    r.hi = std::min<int64_t>(outSize, in.hi * s - p);
    return r;
}

struct ChainRun {
    tconv::Tensor output;
    Interior rows, cols;
};

// Every step with padding = its crop (must be >= 0), output_padding 0, no bias.
inline ChainRun runChainOnOnes(const std::vector<tconv::ChainStep>& steps, int64_t inH, int64_t inW,
                               tconv::Backend& backend) {
    ChainRun r;
    r.output = tconv::Tensor(tconv::Shape4{1, steps.front().layer.weight.shape().n, inH, inW}, 1.0f);
    r.rows = {0, inH};
    r.cols = {0, inW};
    for (const tconv::ChainStep& s : steps) {
        tconv::ConvLayer l = s.layer;
        l.bias.clear();
        l.params.kernel = tconv::Size2(static_cast<int>(l.weight.shape().h), static_cast<int>(l.weight.shape().w));
        l.params.padding = s.cropBegin;
        l.params.outputPadding = tconv::Size2(0, 0);
        r.output = tconv::convTranspose2d(r.output, l, backend);
        const tconv::ConvParams& p = l.params;
        r.rows = nextInterior(r.rows, p.stride.h, p.dilation.h, p.kernel.h, p.padding.h, r.output.shape().h);
        r.cols = nextInterior(r.cols, p.stride.w, p.dilation.w, p.kernel.w, p.padding.w, r.output.shape().w);
    }
    return r;
}

}  // namespace audittest
