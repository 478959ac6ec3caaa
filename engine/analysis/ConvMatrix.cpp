// SPDX-License-Identifier: MIT
#include "analysis/ConvMatrix.h"

#include <string>

#include "core/ConvError.h"
#include "core/ScatterDefinition.h"
#include "core/Validation.h"

namespace tconv {

namespace {

// The problem of one channel: validated by the one validator every backend uses,
// so the matrix exists exactly when the engine would run.
OutputSize checkedOutputSize(const ConvParams& params, const Kernel2D& kernel, int64_t inH, int64_t inW) {
    if (kernel.h != params.kernel.h || kernel.w != params.kernel.w)
        throw ParameterError("convolution matrix: the kernel is " + std::to_string(kernel.h) + "x" +
                             std::to_string(kernel.w) + " but the parameters say " + sizeText(params.kernel));
    ConvParams one = params;
    one.groups = 1;  // one channel pair: groups choose which pairs exist, not what a pair computes
    ConvProblem problem;
    problem.input = Shape4{1, 1, inH, inW};
    problem.weight = Shape4{1, 1, kernel.h, kernel.w};
    problem.params = one;
    const Shape4 out = validateProblem(problem);
    return OutputSize{out.h, out.w};
}

}  // namespace

ConvMatrix transposedConvMatrix(const ConvParams& params, const Kernel2D& kernel, int64_t inH, int64_t inW) {
    const OutputSize out = checkedOutputSize(params, kernel, inH, inW);
    const int64_t rows = out.h * out.w, cols = inH * inW;
    if (rows > kMaxConvMatrixEntries / cols)
        throw ParameterError("convolution matrix: " + std::to_string(out.h) + "x" + std::to_string(out.w) +
                             " outputs x " + std::to_string(inH) + "x" + std::to_string(inW) + " inputs = " +
                             std::to_string(rows) + " x " + std::to_string(cols) + " entries, more than the " +
                             std::to_string(kMaxConvMatrixEntries) + " allowed; use a smaller input size");
    ConvMatrix m;
    m.inH = inH;
    m.inW = inW;
    m.outH = out.h;
    m.outW = out.w;
    m.values.assign(static_cast<size_t>(rows * cols), 0.0f);
    const Size2 pb = padBegin(params);
    // Scatter each input pixel's kernel copy into its column: the definition
    // itself (ScatterDefinition.h), one tap per (input, output) cell.
    for (int64_t iy = 0; iy < inH; ++iy)
        for (int64_t ix = 0; ix < inW; ++ix)
            for (int ky = 0; ky < kernel.h; ++ky) {
                const int64_t oy = scatterTarget(iy, ky, params.stride.h, pb.h, params.dilation.h);
                if (oy < 0 || oy >= out.h) continue;
                for (int kx = 0; kx < kernel.w; ++kx) {
                    const int64_t ox = scatterTarget(ix, kx, params.stride.w, pb.w, params.dilation.w);
                    if (ox < 0 || ox >= out.w) continue;
                    m.values[static_cast<size_t>((oy * out.w + ox) * cols + iy * inW + ix)] = kernel.at(ky, kx);
                }
            }
    return m;
}

}  // namespace tconv
