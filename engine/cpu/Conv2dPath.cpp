// SPDX-License-Identifier: MIT
// The CPU backend's forward conv2d (see cpu/internal/Conv2dPath.h): the
// zero-padded input, the packed weights and the threaded units of work;
// Conv2dKernel.cpp computes each unit's band of outputs.
#include <algorithm>
#include <cstring>
#include <vector>

#include "cpu/internal/Conv2dPath.h"

namespace tconv::cpu {
namespace {

// The input as the kernel reads it: plane (n, c) at data + (n * C + c) *
// planeStride, padded row iy + py at + rowStride * (iy + py), column ix + px.
struct Source {
    const float* data = nullptr;
    int64_t planeStride = 0, rowStride = 0;
};

// The padded copy of the last call (per calling thread: two backends may run
// at once). Only the interior is ever written, so the zero border survives
// from one call to the next of the same geometry (every iteration of a
// deconvnet's inference): no re-zeroing, no allocation.
struct PaddedBuffer {
    std::vector<float> data;
    Shape4 shape;
    Size2 pad;
};

Source padInput(const Tensor& input, Size2 pad, RowScheduler& scheduler, PaddedBuffer& buffer) {
    const Shape4 in = input.shape();
    if (pad.h == 0 && pad.w == 0) return {input.data(), in.h * in.w, in.w};
    Source s;
    s.rowStride = in.w + 2 * int64_t(pad.w);
    s.planeStride = (in.h + 2 * int64_t(pad.h)) * s.rowStride;
    const int64_t planes = in.n * in.c;
    if (buffer.shape != in || buffer.pad != pad) {
        buffer.data.assign(static_cast<size_t>(planes * s.planeStride), 0.0f);
        buffer.shape = in;
        buffer.pad = pad;
    }
    float* data = buffer.data.data();
    scheduler.run(planes, 1, [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p) {
            const float* src = input.data() + p * in.h * in.w;
            float* dst = data + p * s.planeStride + pad.h * s.rowStride + pad.w;
            for (int64_t y = 0; y < in.h; ++y)
                std::memcpy(dst + y * s.rowStride, src + y * in.w, static_cast<size_t>(in.w) * sizeof(float));
        }
    });
    s.data = data;
    return s;
}

// Weights of output channels [co0, co0 + CO) of one group as the kernel reads
// them: [ci][ky][kx][co - co0], channels past the group's end as 0.
std::vector<float> packWeights(const Conv2dLayer& layer, int64_t co0, int CO, int64_t coEnd) {
    const Shape4 w = layer.weight.shape();
    std::vector<float> packed(static_cast<size_t>(w.c * w.h * w.w * CO), 0.0f);
    for (int c = 0; c < CO && co0 + c < coEnd; ++c)
        for (int64_t ci = 0; ci < w.c; ++ci)
            for (int64_t ky = 0; ky < w.h; ++ky)
                for (int64_t kx = 0; kx < w.w; ++kx)
                    packed[static_cast<size_t>(((ci * w.h + ky) * w.w + kx) * CO + c)] =
                        layer.weight.at(co0 + c, ci, ky, kx);
    return packed;
}

// Strides along x other than 1: every output of rows [oy0, oy1) of (n, co)
// summed directly from the padded source.
void scalarRows(const Source& s, const Conv2dLayer& layer, int64_t n, int64_t co, int64_t oy0, int64_t oy1,
                int64_t inChannels, Tensor& out) {
    const Conv2dParams& p = layer.params;
    const Shape4 w = layer.weight.shape(), o = out.shape();
    const int64_t g = co / (w.n / p.groups);
    const float bias = layer.bias.empty() ? 0.0f : layer.bias[static_cast<size_t>(co)];
    for (int64_t oy = oy0; oy < oy1; ++oy)
        for (int64_t ox = 0; ox < o.w; ++ox) {
            float acc = 0.0f;
            for (int64_t c = 0; c < w.c; ++c) {
                const float* plane = s.data + (n * inChannels + g * w.c + c) * s.planeStride;
                for (int64_t ky = 0; ky < w.h; ++ky) {
                    const float* row = plane + (oy * p.stride.h + ky * p.dilation.h) * s.rowStride + ox * p.stride.w;
                    for (int64_t kx = 0; kx < w.w; ++kx) acc += layer.weight.at(co, c, ky, kx) * row[kx * p.dilation.w];
                }
            }
            out.at(n, co, oy, ox) = acc + bias;
        }
}

}  // namespace

void runConv2dLayer(const Tensor& input, const Conv2dLayer& layer, RowScheduler& scheduler, Tensor& output) {
    const Conv2dParams& p = layer.params;
    const Shape4 in = input.shape(), o = output.shape(), w = layer.weight.shape();
    thread_local PaddedBuffer padded;
    const Source src = padInput(input, p.padding, scheduler, padded);
    const int64_t groups = p.groups, coutPerGroup = w.n / groups;

    if (p.stride.w != 1) {
        scheduler.run(o.n * o.c, 1, [&](int64_t begin, int64_t end) {
            for (int64_t u = begin; u < end; ++u) {
                const int64_t n = u / o.c, co = u % o.c;
                scalarRows(src, layer, n, co, 0, o.h, in.c, output);
                if (layer.epilogue) layer.epilogue(n, co, 0, o.h, output.plane(n, co));
            }
        });
        return;
    }

    // Row reuse when the rows allow it; else 4 channels (one input vector
    // feeds 4 of them) or, with fewer channels, 4 rows (one weight feeds 4).
    const bool reuse = p.stride.h == 1 && p.dilation.h == 1 && w.h <= kConv2dReuseMaxKh;
    const int CO = !reuse && coutPerGroup >= 4 ? 4 : 1;
    const int R = reuse ? kConv2dReuseRows : CO == 1 ? 4 : 1;
    const int64_t blocks = (coutPerGroup + CO - 1) / CO;  // channel blocks per group
    std::vector<std::vector<float>> packed(static_cast<size_t>(groups * blocks));
    std::vector<std::vector<float>> biases(packed.size());
    for (int64_t g = 0; g < groups; ++g)
        for (int64_t b = 0; b < blocks; ++b) {
            const int64_t co0 = g * coutPerGroup + b * CO, coEnd = (g + 1) * coutPerGroup;
            packed[static_cast<size_t>(g * blocks + b)] = packWeights(layer, co0, CO, coEnd);
            std::vector<float>& bias = biases[static_cast<size_t>(g * blocks + b)];
            bias.assign(static_cast<size_t>(CO), 0.0f);
            for (int c = 0; c < CO && co0 + c < coEnd; ++c)
                bias[static_cast<size_t>(c)] = layer.bias.empty() ? 0.0f : layer.bias[static_cast<size_t>(co0 + c)];
        }
    const int64_t bands = (o.h + R - 1) / R;
    const int64_t units = o.n * groups * blocks * bands;
    // A few rows of work per hand-out. Consecutive units are consecutive bands
    // of one channel block (their input rows overlap in cache) or, with one
    // input channel per group, the channel blocks of one band (which all read
    // the same few input rows: the deconvnet gradient's 16 maps from one
    // residual band).
    const bool blocksFastest = w.c == 1 && blocks > 1;
    const int64_t minBlock = std::max<int64_t>(1, 4096 / std::max<int64_t>(1, o.w * CO * R));
    scheduler.run(units, minBlock, [&](int64_t begin, int64_t end) {
        for (int64_t u = begin; u < end; ++u) {
            const int64_t inner = blocksFastest ? blocks : bands, outer = u / inner;
            const int64_t band = blocksFastest ? outer % bands : u % bands;
            const int64_t b = blocksFastest ? u % blocks : outer % blocks;
            const int64_t ng = outer / (blocksFastest ? bands : blocks);
            const int64_t g = ng % groups, n = ng / groups;
            const int64_t oy0 = band * R, co0 = g * coutPerGroup + b * CO;
            Conv2dTile t;
            t.src = src.data + (n * in.c + g * w.c) * src.planeStride + oy0 * p.stride.h * src.rowStride;
            t.planeStride = src.planeStride;
            t.rowStride = src.rowStride;
            t.cin = static_cast<int>(w.c);
            t.kh = static_cast<int>(w.h);
            t.kw = static_cast<int>(w.w);
            t.sy = p.stride.h;
            t.dy = p.dilation.h;
            t.dx = p.dilation.w;
            t.w = packed[static_cast<size_t>(g * blocks + b)].data();
            t.co = CO;
            t.rows = static_cast<int>(std::min<int64_t>(R, o.h - oy0));
            if (t.rows != R) t.rows = 1;  // the last rows one at a time
            t.out = output.plane(n, co0) + oy0 * o.w;
            t.outPlaneStride = o.h * o.w;
            t.outRowStride = o.w;
            t.validCo = static_cast<int>(std::min<int64_t>(CO, (g + 1) * coutPerGroup - co0));
            t.bias = biases[static_cast<size_t>(g * blocks + b)].data();
            t.width = o.w;
            if (t.rows == R || R == 1) {
                conv2dBand(t);
            } else {
                for (int64_t oy = oy0; oy < o.h; ++oy) {  // a last band of fewer than R rows
                    Conv2dTile row = t;
                    row.src = t.src + (oy - oy0) * p.stride.h * src.rowStride;
                    row.out = t.out + (oy - oy0) * o.w;
                    conv2dBand(row);
                }
            }
            if (layer.epilogue) {  // while the band is still in L1
                const int64_t oy1 = std::min<int64_t>(o.h, oy0 + R);
                for (int c = 0; c < t.validCo; ++c) layer.epilogue(n, co0 + c, oy0, oy1, t.out + c * t.outPlaneStride);
            }
        }
    });
}

}  // namespace tconv::cpu
