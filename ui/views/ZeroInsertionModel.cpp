// SPDX-License-Identifier: MIT
#include "views/ZeroInsertionModel.h"

namespace tconv::ui {

ZeroInsertionAxis zeroInsertionAxis(int n, int k, int s, int padBegin, int padEnd, int outputPadding, int d) {
    ZeroInsertionAxis a;
    a.n = n;
    a.k = k;
    a.s = s;
    a.d = d;
    a.padBegin = padBegin;
    a.padEnd = padEnd;
    a.outputPadding = outputPadding;
    a.inserted = (n - 1) * s + 1;
    a.borderBegin = d * (k - 1) - padBegin;
    a.borderEnd = d * (k - 1) - padEnd;
    a.canvas = a.inserted + a.borderBegin + a.borderEnd + outputPadding;
    a.out = a.canvas - d * (k - 1);
    return a;
}

int ZeroInsertionAxis::inputAt(int c) const {
    const int z = c - borderBegin;
    if (z < 0 || z >= inserted || z % s != 0) return -1;
    return z / s;
}

CanvasCell ZeroInsertionAxis::kind(int c) const {
    const int z = c - borderBegin;
    if (z < 0) return CanvasCell::Border;
    if (z < inserted) return z % s == 0 ? CanvasCell::Input : CanvasCell::InsertedZero;
    return z - inserted < borderEnd ? CanvasCell::Border : CanvasCell::OutputPadding;
}

ZeroInsertionModel::ZeroInsertionModel(const ConvParams& p, int inH, int inW)
    : rows_(
          zeroInsertionAxis(inH, p.kernel.h, p.stride.h, padBegin(p).h, padEnd(p).h, p.outputPadding.h, p.dilation.h)),
      cols_(zeroInsertionAxis(inW, p.kernel.w, p.stride.w, padBegin(p).w, padEnd(p).w, p.outputPadding.w,
                              p.dilation.w)) {}

std::vector<WindowCell> ZeroInsertionModel::window(int oy, int ox) const {
    std::vector<WindowCell> cells;
    cells.reserve(static_cast<size_t>(rows_.k * cols_.k));
    for (int ty = 0; ty < rows_.k; ++ty)
        for (int tx = 0; tx < cols_.k; ++tx) {
            WindowCell c;
            c.cy = oy + ty * rows_.d;
            c.cx = ox + tx * cols_.d;
            c.ky = rows_.k - 1 - ty;  // the kernel is flipped: offset t reads tap k-1-t
            c.kx = cols_.k - 1 - tx;
            c.iy = rows_.inputAt(c.cy);
            c.ix = cols_.inputAt(c.cx);
            if (c.iy < 0 || c.ix < 0) c.iy = c.ix = -1;
            cells.push_back(c);
        }
    return cells;
}

double ZeroInsertionModel::value(const Tensor& x, int channel, const Kernel2D& k, float bias, int oy, int ox) const {
    double acc = bias;
    for (const WindowCell& c : window(oy, ox))
        if (c.holdsInput()) acc += double(x.at(0, channel, c.iy, c.ix)) * k.at(c.ky, c.kx);
    return acc;
}

}  // namespace tconv::ui
