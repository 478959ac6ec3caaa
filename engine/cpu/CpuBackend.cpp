// SPDX-License-Identifier: MIT
// The fast CPU backend: polyphase gather, row by row.
//
// Each output row (n, co, oy) is independent: its y phase picks the kernel rows
// ky that reach it and the input rows iy = my - t they read (PhaseTable), and
// together with the input channels of co's group and each x phase's taps this
// gives the plan the SIMD kernels evaluate. Nothing is scattered and nothing
// is written twice: the output is streamed once, which is what bounds the
// image case. Three ways through, by the channels per group:
//
// - One (depthwise, and C_in -> 1 per group): one output row at a time
//   (RowPlan, RowKernel.cpp). Rows are numbered ((n * C_out + co) * H_out + oy),
//   the order of the planar output, so a block of consecutive rows is one
//   contiguous stretch of output memory; threads take such blocks
//   (RowScheduler).
// - Several (channel mixing): the group's output channels are cut into blocks
//   of at most kMaxBlockChannels (sizes as even as possible), and each output
//   row (n, oy) of a block is computed in one pass over the input rows
//   (BlockPlan, BlockKernel.cpp), so an input vector is loaded once per block
//   instead of once per output channel. The scheduled unit is
//   (n, group, block, oy), numbered ((n * G + g) * B + b) * H_out + oy:
//   consecutive units of one block are consecutive rows of each of its
//   channels' planes. Blocks partition each group's channels and units
//   partition (n, block, oy), so every output row is still written once, by
//   one thread.
// - Many (decoder-scale channel mixing, see gemmPays): each output phase as
//   a blocked matrix product (GemmPath.cpp), the weights packed once and
//   cached (GemmWeights.cpp).
#include "cpu/CpuBackend.h"

#include <algorithm>
#include <vector>

#include "cpu/internal/BlockPlan.h"
#include "cpu/internal/Conv2dPath.h"
#include "cpu/internal/GemmPath.h"
#include "cpu/internal/GemmWeights.h"
#include "cpu/internal/PhaseTable.h"
#include "cpu/internal/RowPlan.h"
#include "cpu/internal/StreamCopy.h"
#include "parallel/RowScheduler.h"

namespace tconv {
namespace {

using cpu::BlockPlan;
using cpu::PhaseTable;
using cpu::RowPlan;

struct LayerView {
    const Tensor& input;
    const ConvLayer& layer;
    const PhaseTable& y;
    const PhaseTable& x;
    int64_t cinPerGroup;
    int64_t coutPerGroup;
};

// Walks the taps of output row (n, oy) of channel co: for each x phase r
// (plan.begin[r] set to where its taps start), every (input channel of co's
// group, kernel row reaching oy, x tap of the phase), calling
// add(input row, t, &weight[ci, col, ky, kx]). RowPlan and BlockPlan differ
// only in what they store per tap.
template <class Plan, class AddTap>
void planTaps(const LayerView& v, int64_t n, int64_t co, int64_t oy, Plan& plan, AddTap&& add) {
    const Shape4 in = v.input.shape();
    const Shape4 w = v.layer.weight.shape();
    const int ry = v.y.phaseOf(oy);
    const int64_t my = v.y.groupOf(oy);
    const int64_t group = co / v.coutPerGroup, col = co % v.coutPerGroup;
    const float* weights = v.layer.weight.data();
    plan.taps.clear();
    for (int rx = 0; rx < v.x.stride(); ++rx) {
        plan.begin[static_cast<size_t>(rx)] = static_cast<int>(plan.taps.size());
        for (int64_t ci = group * v.cinPerGroup; ci < (group + 1) * v.cinPerGroup; ++ci) {
            const float* plane = v.input.plane(n, ci);
            for (const PhaseTable::Tap& ty : v.y.taps(ry)) {
                const int64_t iy = my - ty.t;
                if (iy < 0 || iy >= in.h) continue;
                const float* wrow = weights + ((ci * v.coutPerGroup + col) * w.h + ty.k) * w.w;
                for (const PhaseTable::Tap& tx : v.x.taps(rx)) add(plane + iy * in.w, tx.t, wrow + tx.k);
            }
        }
    }
    plan.begin[static_cast<size_t>(v.x.stride())] = static_cast<int>(plan.taps.size());
}

// Output row (n, co, oy): one weight per tap.
void planRow(const LayerView& v, int64_t n, int64_t co, int64_t oy, RowPlan& plan) {
    planTaps(v, n, co, oy, plan, [&](const float* row, int64_t t, const float* w) {
        plan.taps.push_back({row, t, *w});
    });
}

// Output row (n, oy) of the channels [co, co + channels) (one group): the taps
// of planRow, each with the weights of all those channels.
void planBlock(const LayerView& v, int64_t n, int64_t co, int channels, int64_t oy, BlockPlan& plan) {
    plan.channels = channels;
    for (int c = 0; c < channels; ++c)
        plan.bias[c] = v.layer.bias.empty() ? 0.0f : v.layer.bias[static_cast<size_t>(co + c)];
    const int64_t channelStep = v.layer.weight.shape().h * v.layer.weight.shape().w;  // next output channel's weights
    planTaps(v, n, co, oy, plan, [&](const float* row, int64_t t, const float* w) {
        // Filled in place: a tap assembled on the stack and copied in stalls
        // on store forwarding (scalar stores, wide loads).
        cpu::BlockTap& tap = plan.taps.emplace_back();
        tap.row = row;
        tap.t = t;
        for (int c = 0; c < channels; ++c) tap.w[c] = w[c * channelStep];
    });
}

// The plans of one thread's block rows, one per y phase: consecutive rows of
// a block cycle through the y phases, and a plan whose input rows all lie
// inside the input serves the next row of its phase moved down by whole input
// rows, instead of being planned again (weights and all: ~15% of the time of
// a 512-wide row, measured).
class BlockPlans {
public:
    explicit BlockPlans(const LayerView& v) : v_(v), slots_(static_cast<size_t>(v.y.stride())) {
        for (Slot& slot : slots_) {
            slot.plan.x = &v.x;
            slot.plan.begin.assign(static_cast<size_t>(v.x.stride()) + 1, 0);
        }
    }

    const BlockPlan& get(int64_t n, int64_t co, int channels, int64_t oy) {
        const int ry = v_.y.phaseOf(oy);
        const int64_t my = v_.y.groupOf(oy), inH = v_.input.shape().h;
        bool inside = true;
        for (const PhaseTable::Tap& ty : v_.y.taps(ry)) inside = inside && my - ty.t >= 0 && my - ty.t < inH;
        Slot& slot = slots_[static_cast<size_t>(ry)];
        if (slot.inside && inside && slot.n == n && slot.co == co) {
            const int64_t shift = (my - slot.my) * v_.input.shape().w;
            for (cpu::BlockTap& tap : slot.plan.taps) tap.row += shift;
        } else {
            planBlock(v_, n, co, channels, oy, slot.plan);
        }
        slot.n = n, slot.co = co, slot.my = my, slot.inside = inside;
        return slot.plan;
    }

private:
    struct Slot {
        int64_t n = -1, co = -1, my = 0;  // the row the plan is for
        bool inside = false;              // all its kernel rows read inside the input
        BlockPlan plan;
    };
    const LayerView& v_;
    std::vector<Slot> slots_;
};

// The channel-mixing rule: the blocked GEMM (GemmPath.cpp) once a group has
// at least 16 output channels and the product is at least 128 deep (input
// channels per group x taps per output phase, kH*kW / (sH*sW) on average);
// below, the row and block kernels, which need no padded copy and no C
// scratch and stream their output, win. Measured on the 2-core AMD EPYC VM
// (k4 s2 p1, 128x128 input, one thread, thread CPU time, best of 3
// alternating runs; direct / GEMM time, > 1: GEMM faster):
//   C_in \ C_out    4     8    16    32    64
//    4            0.42  0.53  0.45  0.42  0.35
//    8            0.63  0.64  0.60  0.56  0.58
//   16            0.57  0.81  0.80  1.16  0.95
//   32            0.53  0.92  1.21  1.54  1.57
//   64            0.53  0.82  1.18  1.45  1.87
// (depth 128 is C_in 32 at k4 s2; the GEMM's fixed cost per output -- C
// scratch, write-out -- is paid back by the depth of the sum per output.)
bool gemmPays(const ConvParams& p, int64_t cinPerGroup, int64_t coutPerGroup) {
    const double depth = double(cinPerGroup) * p.kernel.h * p.kernel.w / (double(p.stride.h) * p.stride.w);
    return coutPerGroup >= 16 && depth >= 128;
}

class CpuBackend final : public Backend {
    static constexpr uint64_t kStreamBytes = 16ull << 20;  // stream outputs of 16 MiB and more
    static constexpr int64_t kTileFloats = 4096;           // 16 KiB of scratch per thread

public:
    CpuBackend(int threads, CpuPath path) : scheduler_(threads), path_(path) {}

    BackendKind kind() const override { return BackendKind::Cpu; }
    std::string description() const override {
        return "cpu (" + cpuSimdTarget() + ", " + std::to_string(scheduler_.threads()) + " thread" +
               (scheduler_.threads() == 1 ? "" : "s") + ", " + cpuThreadingLibrary() + ")";
    }

    // The forward conv2d of deconvolutional networks (deconv's cpu/Conv2dPath).
    void runConv2d(const Tensor& in, const Conv2dLayer& l, Tensor& out) override {
        cpu::runConv2dLayer(in, l, scheduler_, out);
    }

    void run(const Tensor& input, const ConvLayer& layer, Tensor& output) override {
        const ConvParams& p = layer.params;
        const Shape4 in = input.shape(), o = output.shape();
        const PhaseTable y(in.h, o.h, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h);
        const PhaseTable x(in.w, o.w, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w);
        const LayerView view{input, layer, y, x, layer.weight.shape().n / p.groups, layer.weight.shape().c};
        if (useGemm(view)) {
            cpu::runGemmLayer(input, layer, y, x, *weights_.get(layer), scheduler_, gemmScratch_, output);
            return;
        }
        if (view.coutPerGroup > 1) {
            runBlocks(view, output);
            return;
        }
        // Outputs larger than the caches are staged per tile in an L1-sized
        // scratch and streamed out; smaller ones are written in place (they
        // may well be read again while still cached).
        const bool stream = static_cast<uint64_t>(o.count()) * sizeof(float) >= kStreamBytes;
        runRows(view, output, stream);
    }

private:
    bool useGemm(const LayerView& v) const {
        switch (path_) {
            case CpuPath::Direct: return false;
            case CpuPath::Gemm: return true;
            case CpuPath::Auto: break;
        }
        return gemmPays(v.layer.params, v.cinPerGroup, v.coutPerGroup);
    }

    // One output row (n, co, oy) at a time: coutPerGroup == 1.
    void runRows(const LayerView& view, Tensor& output, bool stream) {
        const Shape4 o = output.shape();
        const int64_t rows = o.n * o.c * o.h;
        const int64_t tile = std::min<int64_t>(o.w, kTileFloats);
        // At least ~64 KiB of output per block handed to a thread.
        const int64_t minBlock = std::max<int64_t>(1, 16384 / std::max<int64_t>(1, o.w));
        scheduler_.run(rows, minBlock, [&](int64_t begin, int64_t end) {
            RowPlan plan;
            plan.x = &view.x;
            plan.begin.assign(static_cast<size_t>(view.x.stride()) + 1, 0);
            std::vector<float> scratch(stream ? static_cast<size_t>(tile) : 0);
            for (int64_t row = begin; row < end; ++row) {
                const int64_t oy = row % o.h, nc = row / o.h;
                const int64_t co = nc % o.c, n = nc / o.c;
                planRow(view, n, co, oy, plan);
                plan.bias = view.layer.bias.empty() ? 0.0f : view.layer.bias[static_cast<size_t>(co)];
                float* out = output.plane(n, co) + oy * o.w;
                for (int64_t ox = 0; ox < o.w; ox += tile) {
                    const int64_t oxEnd = std::min(o.w, ox + tile);
                    if (!stream) {
                        cpu::computeRow(plan, ox, oxEnd, out + ox);
                        continue;
                    }
                    cpu::computeRow(plan, ox, oxEnd, scratch.data());
                    cpu::streamCopy(scratch.data(), out + ox, oxEnd - ox);
                }
            }
            if (stream) cpu::streamFence();
        });
    }

    // Output rows (n, oy) of a block of up to kMaxBlockChannels channels of
    // one group at a time: coutPerGroup > 1. Written in place, never streamed:
    // staging the block's rows in a scratch and streaming them out keeps the
    // stores from overlapping the arithmetic, and A/B runs on the 2-core VM
    // had in-place writes 15-45% faster on every size tried (1024x1024x3 k4 s2:
    // 3.7-4.6 ms against 4.4-6.0; 2048x2048x3: 12.7-17.7 against 21.1-21.5;
    // 1024x1024x8 k3: 17.3 against 23-26), while the write-bound depthwise
    // rows gain from streaming (runRows).
    void runBlocks(const LayerView& view, Tensor& output) {
        const Shape4 o = output.shape();
        const int64_t groups = view.layer.params.groups, perGroup = view.coutPerGroup;
        const int64_t blocks = (perGroup + cpu::kMaxBlockChannels - 1) / cpu::kMaxBlockChannels;  // per group
        const int64_t units = o.n * groups * blocks * o.h;
        const int64_t widest = (perGroup + blocks - 1) / blocks;  // channels of the largest block
        const int64_t minBlock = std::max<int64_t>(1, 16384 / std::max<int64_t>(1, o.w * widest));
        const int64_t plane = o.h * o.w;
        scheduler_.run(units, minBlock, [&](int64_t begin, int64_t end) {
            BlockPlans plans(view);
            for (int64_t unit = begin; unit < end; ++unit) {
                const int64_t oy = unit % o.h, ngb = unit / o.h;
                const int64_t b = ngb % blocks, ng = ngb / blocks;
                const int64_t g = ng % groups, n = ng / groups;
                // Block b: channels [b * perGroup / blocks, (b + 1) * perGroup / blocks) of group g.
                const int64_t co = g * perGroup + b * perGroup / blocks;
                const int channels = static_cast<int>(g * perGroup + (b + 1) * perGroup / blocks - co);
                const BlockPlan& plan = plans.get(n, co, channels, oy);
                cpu::computeBlockRow(plan, 0, o.w, output.plane(n, co) + oy * o.w, plane);
            }
        });
    }

    RowScheduler scheduler_;
    CpuPath path_;
    cpu::PackedWeightCache weights_;
    cpu::GemmScratch gemmScratch_;
};

}  // namespace

std::unique_ptr<Backend> createCpuBackend(int threads, CpuPath path) {
    return std::make_unique<CpuBackend>(threads > 0 ? threads : cpuDefaultThreadCount(), path);
}

double cpuGemmPeakGflops(int threads) { return cpu::gemmPeakGflops(threads > 0 ? threads : cpuDefaultThreadCount()); }

std::string cpuSimdTarget() { return cpu::rowKernelTarget(); }

int cpuDefaultThreadCount() { return RowScheduler::hardwareThreads(); }

std::string cpuThreadingLibrary() { return RowScheduler::libraryName(); }

}  // namespace tconv
