// SPDX-License-Identifier: MIT
#pragma once
// Hovering a kernel cell (as ezyang's convolution visualizer does for the
// forward convolution): every (input pixel, output pixel) pair that kernel
// tap (ky, kx) connects, o = i*s - p + j*d per axis (core/ScatterDefinition.h),
// is marked in the input and result views, circled in the zero-insertion view
// and outlined in the matrix view. Leaving the kernel table clears the marks.
#include <QObject>
#include <QPoint>
#include <vector>

#include "compute/ComputeResult.h"
#include "core/ConvParams.h"

namespace tconv::ui {

class MatrixGridView;
class ViewArea;
class ZeroInsertionView;

// One pair that a tap connects.
struct TapPair {
    int iy = 0, ix = 0;  // input pixel
    int oy = 0, ox = 0;  // output pixel
};

// All pairs tap (ky, kx) connects on an inH x inW input (outputs outside outH x outW are cropped away),
// in row-major order of the input pixels.
std::vector<TapPair> tapPairs(const ConvParams& p, int inH, int inW, int outH, int outW, int ky, int kx);

class TapHighlight : public QObject {
    Q_OBJECT
public:
    TapHighlight(ViewArea* area, ZeroInsertionView* zeroInsertion, MatrixGridView* matrix, QObject* parent = nullptr);

    void showResult(const ComputeResultPtr& result);
    // The tap under the mouse in the kernel editor; (-1, -1) when it left.
    void onTapHovered(int ky, int kx);
    // The pairs marked now (empty when no tap is hovered), for tests.
    const std::vector<TapPair>& pairs() const { return pairs_; }

signals:
    // The marks were removed (the pointer left the table): the provenance draws its own again.
    void cleared();

private:
    void clear();

    ViewArea* area_;
    ZeroInsertionView* zeroInsertion_;
    MatrixGridView* matrix_;
    ComputeResultPtr last_;
    std::vector<TapPair> pairs_;
    bool active_ = false;
};

}  // namespace tconv::ui
