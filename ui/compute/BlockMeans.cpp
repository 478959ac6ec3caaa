// SPDX-License-Identifier: MIT
#include "compute/BlockMeans.h"

#include <algorithm>

#include "views/DisplayImage.h"
#include "analysis/KernelRepair.h"
#include "analysis/LayerKernels.h"
#include "core/Validation.h"

namespace tconv::ui {
namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// Along one axis, for the cells [first, first + count) and every tap k: the
// input indices [lo, hi) whose tap k lands in the cell, and the cell's size.
struct AxisRanges {
    int taps = 0;
    std::vector<int64_t> lo, hi;  // [cell * taps + k]
    std::vector<int64_t> size;    // output pixels in the cell
    int64_t min = 0, max = 0;     // the input indices any cell reads: [min, max)
};

AxisRanges axisRanges(int64_t first, int64_t count, int64_t block, int64_t out, int64_t in, int s, int p, int d,
                      int taps) {
    AxisRanges a;
    a.taps = taps;
    a.lo.resize(size_t(count * taps));
    a.hi.resize(size_t(count * taps));
    a.size.resize(size_t(count));
    a.min = in;
    a.max = 0;
    for (int64_t c = 0; c < count; ++c) {
        const int64_t o0 = (first + c) * block, o1 = std::min(o0 + block, out);
        a.size[size_t(c)] = std::max<int64_t>(o1 - o0, 1);
        for (int k = 0; k < taps; ++k) {
            // i*s - p + k*d in [o0, o1)  <=>  i in [ceil((o0 + p - kd)/s), ceil((o1 + p - kd)/s))
            const int64_t shift = int64_t(p) - int64_t(k) * d;
            const int64_t lo = std::clamp<int64_t>(ceilDiv(o0 + shift, s), 0, in);
            const int64_t hi = std::clamp<int64_t>(ceilDiv(o1 + shift, s), lo, in);
            a.lo[size_t(c * taps + k)] = lo;
            a.hi[size_t(c * taps + k)] = hi;
            if (hi > lo) {
                a.min = std::min(a.min, lo);
                a.max = std::max(a.max, hi);
            }
        }
    }
    if (a.max < a.min) a.min = a.max = 0;
    return a;
}

}  // namespace

BlockMeans::BlockMeans(std::shared_ptr<const Tensor> input, std::vector<ConvLayer> layers, int64_t outH, int64_t outW,
                       int64_t onesH, int64_t onesW)
    : input_(std::move(input)), layers_(std::move(layers)), outH_(outH), outW_(outW) {
    inC_ = layers_.empty() ? 0 : layers_.front().inChannels();
    inH_ = input_ ? input_->shape().h : onesH;
    inW_ = input_ ? input_->shape().w : onesW;
}

void BlockMeans::compute(int block, const QRect& cells, std::vector<float>& out, int layer) const {
    std::vector<std::vector<float>*> outs(layers_.size(), nullptr);
    outs[size_t(layer)] = &out;
    compute(block, cells, outs);
}

void BlockMeans::compute(int block, const QRect& requested, const std::vector<std::vector<float>*>& outs) const {
    const QRect all(0, 0, static_cast<int>(ceilDiv(outW_, block)), static_cast<int>(ceilDiv(outH_, block)));
    const QRect cells = requested.intersected(all);
    const int64_t cw = cells.width(), ch = cells.height();
    // The layers asked for, with their column ranges; the input columns any of them reads.
    struct Active {
        const ConvLayer* layer;
        std::vector<float>* out;
        AxisRanges cols;
        int kh, kw;
    };
    std::vector<Active> active;
    int64_t colMin = inW_, colMax = 0;
    for (size_t l = 0; l < layers_.size(); ++l) {
        if (!outs[l]) continue;
        const ConvLayer& L = layers_[l];
        outs[l]->assign(size_t(std::max<int64_t>(L.outChannels() * cw * ch, 0)), 0.0f);
        if (cells.isEmpty()) continue;
        const int kh = static_cast<int>(L.weight.shape().h), kw = static_cast<int>(L.weight.shape().w);
        const ConvParams& p = L.params;
        Active a{&L, outs[l],
                 axisRanges(cells.left(), cw, block, outW_, inW_, p.stride.w, p.padding.w, p.dilation.w, kw), kh, kw};
        if (a.cols.max > a.cols.min) {
            colMin = std::min(colMin, a.cols.min);
            colMax = std::max(colMax, a.cols.max);
        }
        active.push_back(std::move(a));
    }
    if (active.empty()) return;
    if (colMax < colMin) colMin = colMax = 0;
    const int64_t width = colMax - colMin;  // input columns read
    parallelRows(static_cast<int>(ch), [&](int j0, int j1) {
        std::vector<AxisRanges> rows;
        for (const Active& a : active) {
            const ConvParams& p = a.layer->params;
            rows.push_back(
                axisRanges(cells.top() + j0, j1 - j0, block, outH_, inH_, p.stride.h, p.padding.h, p.dilation.h, a.kh));
        }
        std::vector<std::vector<double>> acc(active.size());
        std::vector<int64_t> bounds;
        std::vector<double> snaps;  // per boundary: column prefix (width + 1) of the rows above it
        std::vector<double> cur(size_t(width + 1)), rowBand(size_t(width + 1));
        for (int j = j0; j < j1; ++j) {
            bounds.clear();
            for (size_t l = 0; l < active.size(); ++l) {
                const size_t o = size_t(j - j0) * size_t(active[l].kh);
                bounds.insert(bounds.end(), rows[l].lo.begin() + std::ptrdiff_t(o),
                              rows[l].lo.begin() + std::ptrdiff_t(o + size_t(active[l].kh)));
                bounds.insert(bounds.end(), rows[l].hi.begin() + std::ptrdiff_t(o),
                              rows[l].hi.begin() + std::ptrdiff_t(o + size_t(active[l].kh)));
                acc[l].assign(size_t(active[l].layer->outChannels() * cw), 0.0);
            }
            std::sort(bounds.begin(), bounds.end());
            bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
            auto snapOf = [&](int64_t r) {
                return snaps.data() +
                       size_t(std::lower_bound(bounds.begin(), bounds.end(), r) - bounds.begin()) * size_t(width + 1);
            };
            for (int64_t ci = 0; ci < inC_; ++ci) {
                if (input_) {
                    // Running sums down the rows, kept at each boundary a tap's range starts or ends at:
                    // one pass over the rows for every layer.
                    snaps.assign(bounds.size() * size_t(width + 1), 0.0);
                    std::fill(cur.begin(), cur.end(), 0.0);
                    size_t b = 0;
                    for (int64_t r = bounds.front(); r <= bounds.back(); ++r) {
                        if (b < bounds.size() && bounds[b] == r) {
                            std::copy(cur.begin(), cur.end(), snaps.begin() + std::ptrdiff_t(b * size_t(width + 1)));
                            ++b;
                        }
                        if (r == bounds.back()) break;
                        const float* src = input_->plane(0, ci) + r * inW_ + colMin;
                        double running = 0.0;
                        for (int64_t x = 0; x < width; ++x) {
                            running += src[x];
                            cur[size_t(x + 1)] += running;
                        }
                    }
                }
                for (size_t l = 0; l < active.size(); ++l) {
                    const Active& A = active[l];
                    const ConvLayer& layer = *A.layer;
                    const int64_t* rlo = rows[l].lo.data() + size_t(j - j0) * size_t(A.kh);
                    const int64_t* rhi = rows[l].hi.data() + size_t(j - j0) * size_t(A.kh);
                    const int64_t perGroupIn = inC_ / std::max(layer.params.groups, 1);
                    const int64_t perGroupOut = layer.weight.shape().c;
                    const int64_t g = ci / std::max<int64_t>(perGroupIn, 1);
                    for (int64_t col = 0; col < perGroupOut; ++col) {
                        double* a = acc[l].data() + size_t((g * perGroupOut + col) * cw);
                        for (int ky = 0; ky < A.kh; ++ky) {
                            if (rhi[ky] <= rlo[ky]) continue;
                            // The column prefix of this tap row's input rows, once for all its taps and cells.
                            const double* band = nullptr;
                            if (input_) {
                                const double* top = snapOf(rlo[ky]);
                                const double* bottom = snapOf(rhi[ky]);
                                for (int64_t x = 0; x <= width; ++x) rowBand[size_t(x)] = bottom[x] - top[x];
                                band = rowBand.data();
                            }
                            const double rowsIn = double(rhi[ky] - rlo[ky]);
                            for (int kx = 0; kx < A.kw; ++kx) {
                                const double w = layer.weight.at(ci, col, ky, kx);
                                if (w == 0.0) continue;
                                for (int64_t i = 0; i < cw; ++i) {
                                    const int64_t c0 = A.cols.lo[size_t(i * A.kw + kx)];
                                    const int64_t c1 = A.cols.hi[size_t(i * A.kw + kx)];
                                    if (c1 <= c0) continue;
                                    double sum;
                                    if (band) {
                                        sum = band[size_t(c1 - colMin)] - band[size_t(c0 - colMin)];
                                    } else {
                                        sum = rowsIn * double(c1 - c0);
                                    }
                                    a[i] += w * sum;
                                }
                            }
                        }
                    }
                }
            }
            for (size_t l = 0; l < active.size(); ++l) {
                const ConvLayer& layer = *active[l].layer;
                const int64_t outC = layer.outChannels();
                const double rowSize = double(rows[l].size[size_t(j - j0)]);
                for (int64_t co = 0; co < outC; ++co) {
                    const double bias = layer.bias.empty()                  ? 0.0
                                        : layer.bias.size() == size_t(outC) ? layer.bias[size_t(co)]
                                                                            : layer.bias[0];
                    float* dst = active[l].out->data() + size_t(co * cw * ch + int64_t(j) * cw);
                    const double* a = acc[l].data() + size_t(co * cw);
                    for (int64_t i = 0; i < cw; ++i)
                        dst[i] = static_cast<float>(a[i] / (rowSize * double(active[l].cols.size[size_t(i)])) + bias);
                }
            }
        }
    });
}

bool nearestResizeConvLayer(const ConvLayer& layer, ConvLayer& zoh) {
    const ConvParams& p = layer.params;
    // The conditions of ResizeConv.cpp's fastAxis and zohKernelAllowed.
    auto axisOk = [](int s, int q) {
        const int64_t extra = s % 2 ? q : int64_t(q) - 1;
        return extra >= -1 && extra < s;
    };
    const int64_t kh = int64_t(p.dilation.h) * (p.kernel.h - 1) + p.stride.h;
    const int64_t kw = int64_t(p.dilation.w) * (p.kernel.w - 1) + p.stride.w;
    if (!axisOk(p.stride.h, p.outputPadding.h) || !axisOk(p.stride.w, p.outputPadding.w) || kh > kMaxKernelSize ||
        kw > kMaxKernelSize)
        return false;
    zoh = ConvLayer{};
    zoh.params = p;
    zoh.params.kernel = Size2(static_cast<int>(kh), static_cast<int>(kw));
    zoh.params.dilation = Size2(1, 1);
    zoh.params.padding = Size2(p.padding.h + (p.stride.h - 1) / 2, p.padding.w + (p.stride.w - 1) / 2);
    zoh.params.outputPadding = Size2(0, 0);
    const Shape4 ws = layer.weight.shape();
    zoh.weight = Tensor(Shape4{ws.n, ws.c, kh, kw});
    for (int64_t ci = 0; ci < ws.n; ++ci)
        for (int64_t col = 0; col < ws.c; ++col)
            setWeightSlice(zoh, ci, col, zeroOrderHoldKernel(weightSlice(layer, ci, col), p.stride, p.dilation));
    zoh.bias = layer.bias;
    return true;
}

}  // namespace tconv::ui
