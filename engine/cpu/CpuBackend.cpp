// The fast CPU backend: polyphase gather, row by row.
//
// Each output row (n, co, oy) is independent: its y phase picks the kernel rows
// ky that reach it and the input rows iy = my - t they read (PhaseTable), and
// together with the input channels of co's group and each x phase's taps this
// gives the RowPlan the SIMD row kernel evaluates. Rows are numbered
// ((n * C_out + co) * H_out + oy), the order of the planar output, so a block
// of consecutive rows is one contiguous stretch of output memory; threads take
// such blocks (RowScheduler). Nothing is scattered and nothing is written
// twice: the output is streamed once, which is what bounds the image case.
#include "cpu/CpuBackend.h"

#include <algorithm>
#include <thread>
#include <vector>

#include "cpu/PhaseTable.h"
#include "cpu/RowPlan.h"
#include "cpu/RowScheduler.h"
#include "cpu/StreamCopy.h"

namespace tconv {
namespace {

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

// Fills plan.taps for output row (n, co, oy): for each x phase, every
// (input channel of the group, kernel row reaching oy, x tap of the phase).
void planRow(const LayerView& v, int64_t n, int64_t co, int64_t oy, RowPlan& plan) {
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
                for (const PhaseTable::Tap& tx : v.x.taps(rx)) plan.taps.push_back({plane + iy * in.w, tx.t, wrow[tx.k]});
            }
        }
    }
    plan.begin[static_cast<size_t>(v.x.stride())] = static_cast<int>(plan.taps.size());
}

class CpuBackend final : public Backend {
    static constexpr uint64_t kStreamBytes = 16ull << 20;  // stream outputs of 16 MiB and more
    static constexpr int64_t kTileFloats = 4096;           // 16 KiB of scratch per thread

public:
    explicit CpuBackend(int threads) : scheduler_(threads) {}

    BackendKind kind() const override { return BackendKind::Cpu; }
    std::string description() const override {
        return "cpu (" + cpuSimdTarget() + ", " + std::to_string(scheduler_.threads()) + " thread" +
               (scheduler_.threads() == 1 ? "" : "s") + ", " + cpuThreadingLibrary() + ")";
    }

    void run(const Tensor& input, const ConvLayer& layer, Tensor& output) override {
        const ConvParams& p = layer.params;
        const Shape4 in = input.shape(), o = output.shape();
        const PhaseTable y(in.h, o.h, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h);
        const PhaseTable x(in.w, o.w, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w);
        const LayerView view{input, layer, y, x, layer.weight.shape().n / p.groups, layer.weight.shape().c};
        const int64_t rows = o.n * o.c * o.h;
        // Outputs larger than the caches are staged per tile in an L1-sized
        // scratch and streamed out; smaller ones are written in place (they
        // may well be read again while still cached).
        const bool stream = static_cast<uint64_t>(o.count()) * sizeof(float) >= kStreamBytes;
        const int64_t tile = std::min<int64_t>(o.w, kTileFloats);
        // At least ~64 KiB of output per block handed to a thread.
        const int64_t minBlock = std::max<int64_t>(1, 16384 / std::max<int64_t>(1, o.w));
        scheduler_.run(rows, minBlock, [&](int64_t begin, int64_t end) {
            RowPlan plan;
            plan.x = &x;
            plan.begin.assign(static_cast<size_t>(x.stride()) + 1, 0);
            std::vector<float> scratch(stream ? static_cast<size_t>(tile) : 0);
            for (int64_t row = begin; row < end; ++row) {
                const int64_t oy = row % o.h, nc = row / o.h;
                const int64_t co = nc % o.c, n = nc / o.c;
                planRow(view, n, co, oy, plan);
                plan.bias = layer.bias.empty() ? 0.0f : layer.bias[static_cast<size_t>(co)];
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

private:
    cpu::RowScheduler scheduler_;
};

}  // namespace

std::unique_ptr<Backend> createCpuBackend(int threads) {
    return std::make_unique<CpuBackend>(threads > 0 ? threads : cpuDefaultThreadCount());
}

std::string cpuSimdTarget() { return cpu::rowKernelTarget(); }

int cpuDefaultThreadCount() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

std::string cpuThreadingLibrary() { return cpu::RowScheduler::libraryName(); }

}  // namespace tconv
