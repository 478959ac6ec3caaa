// SPDX-License-Identifier: MIT
#pragma once
// A transposed convolution of one channel as a matrix (tutorial 000's
// conv_matrix): the forward convolution with the same kernel, stride, padding
// and dilation is a matrix C mapping an H_out x W_out image to H_in x W_in;
// ConvTranspose2d applies its transpose. This builds C^T, dense:
//   rows    = output pixels, row-major (oy * W_out + ox),
//   columns = input pixels,  row-major (iy * W_in + ix),
// so C^T @ x.ravel() == conv_transpose2d(x, k).ravel(). Each entry is one
// kernel tap or 0: along an axis o = i*s - p + j*d fixes the tap j for a
// given (i, o) (core/ScatterDefinition.h), so no two taps share a cell.
// For explaining small cases (the studio's matrix view, `tconv matrix`), not
// for computing: the matrix has H_out*W_out*H_in*W_in entries.
#include <cstdint>
#include <vector>

#include "core/ConvParams.h"
#include "core/Kernel2D.h"

namespace tconv {

// The largest matrix built (entries): 2^26 floats = 256 MiB.
inline constexpr int64_t kMaxConvMatrixEntries = int64_t(1) << 26;

struct ConvMatrix {
    int64_t inH = 0, inW = 0;    // input image (columns: inH * inW)
    int64_t outH = 0, outW = 0;  // output image (rows: outH * outW)
    std::vector<float> values;   // rows x columns, row-major
    int64_t rows() const { return outH * outW; }
    int64_t cols() const { return inH * inW; }
    float at(int64_t row, int64_t col) const { return values[static_cast<size_t>(row * cols() + col)]; }
};

// C^T for `kernel` (its size must be params.kernel) on an inH x inW input.
// Throws ParameterError naming the values when the parameters are invalid for
// that input, or when the matrix would exceed kMaxConvMatrixEntries.
ConvMatrix transposedConvMatrix(const ConvParams& params, const Kernel2D& kernel, int64_t inH, int64_t inW);

}  // namespace tconv
