// SPDX-License-Identifier: MIT
#pragma once
// The transposed convolution as a stride-1 convolution ("fractionally
// strided", tutorial 001): per axis, the input with s-1 zeros inserted between
// its pixels, an implicit border of d*(k-1)-p zeros on each side (negative: a
// crop of that many positions), output_padding zeros after the end border, and
// the kernel flipped and dilated, sliding with stride 1. Output o reads canvas
// positions o + t*d with flipped tap k-1-t. Canvas position c holds input i
// when c - borderBegin = i*s, so this gathers exactly the pairs of the
// definition o = i*s - p + j*d (core/ScatterDefinition.h) by a second route:
// the studio's zero-insertion view draws it and checks it against the engine.
// Pure arithmetic on small inputs; the canvas is never materialised.
#include <vector>

#include "core/ConvParams.h"
#include "core/Kernel2D.h"
#include "core/Tensor.h"

namespace tconv::ui {

// What one canvas position holds along an axis.
enum class CanvasCell {
    Input,          // an input pixel (i*s after the begin border)
    InsertedZero,   // one of the s-1 zeros between two input pixels
    Border,         // the implicit d*(k-1)-p zeros before or after the input
    OutputPadding,  // the output_padding zeros after the end border
};

struct ZeroInsertionAxis {
    int n = 0;  // input extent
    int k = 1, s = 1, d = 1;
    int padBegin = 0, padEnd = 0, outputPadding = 0;
    int inserted = 0;     // (n-1)*s + 1: the input with s-1 zeros between pixels
    int borderBegin = 0;  // d*(k-1) - padBegin zeros before it (negative: that many positions cropped)
    int borderEnd = 0;    // d*(k-1) - padEnd zeros after it (negative: cropped)
    int canvas = 0;       // inserted + borderBegin + borderEnd + outputPadding
    int out = 0;          // canvas - d*(k-1): the output extent
    int span() const { return d * (k - 1) + 1; }  // the dilated kernel's extent
    // The input index at canvas position c, or -1 (a zero).
    int inputAt(int c) const;
    CanvasCell kind(int c) const;
};

ZeroInsertionAxis zeroInsertionAxis(int n, int k, int s, int padBegin, int padEnd, int outputPadding, int d);

// One cell of the window output pixel (oy, ox) reads.
struct WindowCell {
    int cy = 0, cx = 0;    // canvas position
    int ky = 0, kx = 0;    // the kernel tap there (unflipped index: the flipped kernel puts K[k-1-t] at offset t)
    int iy = -1, ix = -1;  // the input pixel there, or -1 for a zero
    bool holdsInput() const { return iy >= 0 && ix >= 0; }
};

class ZeroInsertionModel {
public:
    ZeroInsertionModel() = default;
    // Requires parameters the engine accepts for an inH x inW input.
    ZeroInsertionModel(const ConvParams& p, int inH, int inW);

    const ZeroInsertionAxis& rows() const { return rows_; }
    const ZeroInsertionAxis& cols() const { return cols_; }
    int outH() const { return rows_.out; }
    int outW() const { return cols_.out; }

    // All kh*kw cells of the window that output pixel (oy, ox) reads, row-major in window offset.
    std::vector<WindowCell> window(int oy, int ox) const;
    // bias + sum over the window of canvas value * flipped tap, in double: the stride-1 convolution.
    double value(const Tensor& x, int channel, const Kernel2D& k, float bias, int oy, int ox) const;

private:
    ZeroInsertionAxis rows_, cols_;
};

}  // namespace tconv::ui
