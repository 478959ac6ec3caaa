// SPDX-License-Identifier: MIT
// The channel-mixing path (see GemmLayout.h for the product and its layouts).
//
// The input is first copied into a zero-padded buffer (PaddedInput) wide and
// tall enough that every tap of every output pixel reads inside it, so B is
// packed from it with no bounds checks. Work is cut into blocks of output pixels of one (image n, group g,
// y phase ry): rows [my0, my1) x groups [mx0, mx1) of m, all x phases. Blocks
// write disjoint outputs, so threads take them freely, and each output's sum
// runs over k in the same chunks in the same order whatever the blocking:
// results do not depend on the thread count. Per block and x phase rx:
//   for each K chunk: B of all the block's rows packed into micro-panels
//     (one per 16 pixels of a row, about 256 KiB for the block: L2), then
//     C (+)= A x B per kGemmMc channels (their A stays in L2), all rows in
//     one macro-kernel call;
//   write C plus bias out, the x phases interleaved into the output rows.
#include "cpu/internal/GemmPath.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "cpu/internal/GemmLayout.h"

namespace tconv::cpu {
namespace {

// About this many pixels of one x phase per block: C up to 512 x 256 floats
// per phase, and enough blocks to share among threads.
// (128 and 512 measured no better, within the noise of a loaded VM.)
constexpr int64_t kBlockPixels = 256;

struct Range {
    int64_t lo = 0, hi = 0;  // [lo, hi), hi >= lo
};

// The m of phase r whose output m*s + r - p lies in [0, outExtent).
Range validGroups(const PhaseTable& t, int r) {
    const int64_t s = t.stride(), p = t.padding();
    const int64_t lo = (p - r + s - 1) / s;  // p - r > -s: numerator >= 0
    const int64_t hi = (t.outExtent() + p - r + s - 1) / s;
    return {lo, std::max(lo, hi)};
}

struct Block {
    int64_t n, g;
    int ry;
    Range rows, cols;  // m ranges along y and x
};

// input[n][ci][iy][ix] (zero outside the input) at
// data[(n * C_in + ci) * planeStride + (iy - yLo) * rowStride + ix - xLo]
// for every iy, ix any tap of any output pixel reads, and 16 floats more
// along x for the last micro-panel of a row.
struct PaddedInput {
    const float* data = nullptr;
    int64_t rowStride = 0, planeStride = 0, yLo = 0, xLo = 0;
};

struct BlockJob {
    const Tensor& input;
    const ConvLayer& layer;
    const PhaseTable& y;
    const PhaseTable& x;
    const PackedWeights& packed;
    const PaddedInput& padded;
    Tensor& output;
};

Range allGroups(const PhaseTable& t) {
    Range span = validGroups(t, 0);
    for (int r = 1; r < t.stride(); ++r) {
        const Range v = validGroups(t, r);
        if (v.hi > v.lo) span = span.hi > span.lo ? Range{std::min(span.lo, v.lo), std::max(span.hi, v.hi)} : v;
    }
    return span;
}

// Lays out and fills the padded input in `buffer` (threads over planes).
PaddedInput padInput(const Tensor& input, const PhaseTable& y, const PhaseTable& x, RowScheduler& scheduler,
                     std::vector<float>& buffer) {
    const Shape4 in = input.shape();
    const Range my = allGroups(y), mx = allGroups(x);
    PaddedInput p;
    p.yLo = my.lo - y.maxOffset();
    p.xLo = mx.lo - x.maxOffset();
    const int64_t yHi = std::max(p.yLo, my.hi - y.minOffset());
    const int64_t xHi = mx.hi - x.minOffset() + kGemmNr;
    p.rowStride = roundUp(xHi - p.xLo, 8);
    p.planeStride = (yHi - p.yLo) * p.rowStride + 16;  // not a multiple of 4 KiB: planes spread over cache sets
    const int64_t planes = in.n * in.c;
    if (buffer.size() < static_cast<size_t>(planes * p.planeStride))
        buffer.resize(static_cast<size_t>(planes * p.planeStride));
    float* data = buffer.data();
    p.data = data;
    scheduler.run(planes, 1, [&](int64_t begin, int64_t end) {
        for (int64_t plane = begin; plane < end; ++plane) {
            const float* src = input.data() + plane * in.h * in.w;
            float* dst = data + plane * p.planeStride;
            const int64_t a = std::clamp<int64_t>(-p.xLo, 0, p.rowStride),
                          b = std::clamp<int64_t>(in.w - p.xLo, a, p.rowStride);
            for (int64_t iy = p.yLo; iy < yHi; ++iy, dst += p.rowStride) {
                if (iy < 0 || iy >= in.h || b <= a) {
                    std::fill_n(dst, p.rowStride, 0.0f);
                    continue;
                }
                std::fill_n(dst, a, 0.0f);
                std::memcpy(dst + a, src + iy * in.w + p.xLo + a, static_cast<size_t>(b - a) * sizeof(float));
                std::fill_n(dst + b, p.rowStride - b, 0.0f);
            }
            std::fill_n(dst, 16, 0.0f);
        }
    });
    return p;
}

// Where in the padded input B's rows [k0, k0 + kc) for phase (ry, rx) of the
// block start, for its first row and column: row my adds (my - my0) *
// rowStride, micro-panel j adds j * 16.
void chunkOffsets(const BlockJob& job, const Block& blk, int rx, int64_t col0, int64_t k0, int64_t kc,
                  int64_t* offset) {
    const auto ty = job.y.taps(blk.ry);
    const auto tx = job.x.taps(rx);
    const int64_t ny = static_cast<int64_t>(ty.size()), nx = static_cast<int64_t>(tx.size());
    const PaddedInput& p = job.padded;
    const int64_t firstPlane = blk.n * job.input.shape().c + blk.g * job.packed.cinPerGroup();
    for (int64_t i = 0; i < kc; ++i) {
        const int64_t k = k0 + i;
        const int64_t t = ty[static_cast<size_t>(k / nx % ny)].t, u = tx[static_cast<size_t>(k % nx)].t;
        offset[i] =
            (firstPlane + k / (ny * nx)) * p.planeStride + (blk.rows.lo - t - p.yLo) * p.rowStride + col0 - u - p.xLo;
    }
}

// B of the block's rows for k in [k0, k0 + kc) into packed micro-panels
// (GemmLayout.h): row r's panel j at bp + (r * panelsPerRow + j) *
// gemmPanelStride(kc). Reads each input row stretch front to back (one per k
// and row), requesting the stretch kPackAhead rows of k ahead: each k is
// another input plane or row, so the hardware prefetcher cannot follow, and
// without the requests the packing stalled on L2/L3 (by a profile, 13-16% of
// the run at 128 and 256 input channels against 7-11% with them).
constexpr int64_t kPackAhead = 4;

void packB(const PaddedInput& p, const int64_t* offset, int64_t kc, int64_t rows, int64_t panelsPerRow, float* bp) {
    const int64_t stretchBytes = panelsPerRow * kGemmNr * static_cast<int64_t>(sizeof(float));
    for (int64_t r = 0; r < rows; ++r) {
        const float* row = p.data + r * p.rowStride;
        float* panels = bp + r * panelsPerRow * gemmPanelStride(kc);
        for (int64_t k = 0; k < kc; ++k) {
            if (k + kPackAhead < kc) {
                const char* ahead = reinterpret_cast<const char*>(row + offset[k + kPackAhead]);
                for (int64_t byte = 0; byte <= stretchBytes; byte += 64) __builtin_prefetch(ahead + byte);
            }
            const float* src = row + offset[k];
            float* dst = panels + k * kGemmNr;
            for (int64_t j = 0; j < panelsPerRow; ++j, src += kGemmNr, dst += gemmPanelStride(kc))
                std::memcpy(dst, src, kGemmNr * sizeof(float));
        }
    }
}

// A float buffer whose data() is 64-byte aligned (packed B is read with
// aligned vector loads, one cache line per k).
class AlignedFloats {
public:
    float* get(size_t count) {
        if (storage_.size() < count + 16) storage_.resize(count + 16);
        const auto address = reinterpret_cast<uintptr_t>(storage_.data());
        return storage_.data() + ((64 - address % 64) % 64) / sizeof(float);
    }

private:
    std::vector<float> storage_;
};

// One x phase's product for the block: its pixels and where C holds them.
struct PhaseC {
    Range cols;                // the block's m along x that are outputs of this phase
    int64_t width = 0;         // cols.hi - cols.lo
    int64_t rowPad = 0;        // width rounded up to whole micro-panels
    const float* c = nullptr;  // channel co, row r, m: c[co * ldc + r * rowPad + m - cols.lo]
    int64_t ldc = 0;
};

// C plus bias to the block's outputs, row by row, the x phases interleaved
// (each output line written whole, once); the groups where only some phases
// have outputs (row ends) one by one.
void writeOut(const BlockJob& job, const Block& blk, const PhaseC* phases) {
    const int s = job.x.stride();
    const int64_t perGroup = job.packed.coutPerGroup(), outW = job.output.shape().w;
    const int64_t sy = job.y.stride(), py = job.y.padding(), px = job.x.padding();
    Range common = blk.cols;  // m where every phase has an output
    for (int r = 0; r < s; ++r)
        common = {std::max(common.lo, phases[r].cols.lo), std::min(common.hi, phases[r].cols.hi)};
    if (common.hi <= common.lo) common = {blk.cols.lo, blk.cols.lo};
    std::vector<const float*> src(static_cast<size_t>(s));
    for (int64_t co = 0; co < perGroup; ++co) {
        const int64_t channel = blk.g * perGroup + co;
        const float bias = job.layer.bias.empty() ? 0.0f : job.layer.bias[static_cast<size_t>(channel)];
        float* plane = job.output.plane(blk.n, channel);
        for (int64_t my = blk.rows.lo; my < blk.rows.hi; ++my) {
            float* out = plane + (my * sy + blk.ry - py) * outW - px;  // out[m * s + r]: output of group m, phase r
            const int64_t row = my - blk.rows.lo;
            auto at = [&](int r, int64_t m) {
                return phases[r].c + co * phases[r].ldc + row * phases[r].rowPad + m - phases[r].cols.lo;
            };
            auto single = [&](int64_t m) {
                for (int r = 0; r < s; ++r)
                    if (m >= phases[r].cols.lo && m < phases[r].cols.hi) out[m * s + r] = *at(r, m) + bias;
            };
            for (int64_t m = blk.cols.lo; m < common.lo; ++m) single(m);
            if (common.hi > common.lo) {
                for (int r = 0; r < s; ++r) src[static_cast<size_t>(r)] = at(r, common.lo);
                interleavePhases(src.data(), s, common.hi - common.lo, bias, out + common.lo * s);
            }
            for (int64_t m = std::max(common.hi, blk.cols.lo); m < blk.cols.hi; ++m) single(m);
        }
    }
}

void runBlock(const BlockJob& job, const Block& blk) {
    thread_local std::vector<float> cScratch;
    thread_local std::vector<int64_t> offsets;
    thread_local AlignedFloats packedB;
    thread_local std::vector<PhaseC> phases;
    const int s = job.x.stride();
    const int64_t mPad = job.packed.paddedCout(), rows = blk.rows.hi - blk.rows.lo;
    phases.assign(static_cast<size_t>(s), PhaseC{});
    int64_t cSize = 0;
    for (int rx = 0; rx < s; ++rx) {
        PhaseC& ph = phases[static_cast<size_t>(rx)];
        const Range valid = validGroups(job.x, rx);
        ph.cols = {std::max(blk.cols.lo, valid.lo), std::min(blk.cols.hi, valid.hi)};
        if (ph.cols.hi < ph.cols.lo) ph.cols.hi = ph.cols.lo;
        ph.width = ph.cols.hi - ph.cols.lo;
        ph.rowPad = roundUp(ph.width, kGemmNr);
        ph.ldc = rows * ph.rowPad;
        cSize += mPad * ph.ldc;
    }
    if (cScratch.size() < static_cast<size_t>(cSize)) cScratch.resize(static_cast<size_t>(cSize));
    offsets.resize(static_cast<size_t>(kGemmKc));
    float* c = cScratch.data();
    for (int rx = 0; rx < s; ++rx) {
        PhaseC& ph = phases[static_cast<size_t>(rx)];
        float* phaseC = c;
        ph.c = c;
        c += mPad * ph.ldc;
        if (ph.width == 0) continue;
        const int64_t K = job.packed.depth(blk.ry, rx);
        if (K == 0) std::fill_n(phaseC, mPad * ph.ldc, 0.0f);  // no tap reaches this phase: bias only
        const float* a = job.packed.panels(blk.g, blk.ry, rx);
        const int64_t panelsPerRow = ph.rowPad / kGemmNr;
        float* b = packedB.get(static_cast<size_t>(gemmPanelStride(kGemmKc) * rows * panelsPerRow));
        for (int64_t k0 = 0; k0 < K; k0 += kGemmKc) {
            const int64_t kc = std::min(kGemmKc, K - k0);
            chunkOffsets(job, blk, rx, ph.cols.lo, k0, kc, offsets.data());
            packB(job.padded, offsets.data(), kc, rows, panelsPerRow, b);
            // C's rows of one channel are consecutive (row r at r * rowPad),
            // so the rows' micro-panels are one run of tiles along C's row.
            for (int64_t m0 = 0; m0 < mPad; m0 += kGemmMc) {
                GemmBlock g;
                g.kc = kc;
                g.mPanels = std::min(kGemmMc, mPad - m0) / kGemmMr;
                g.nPanels = rows * panelsPerRow;
                g.a = a + k0 * mPad + m0 * kc;
                g.b = b;
                g.c = phaseC + m0 * ph.ldc;
                g.ldc = ph.ldc;
                g.accumulate = k0 > 0;
                gemmMacroKernel(g);
            }
        }
    }
    writeOut(job, blk, phases.data());
}

// Blocks of about kBlockPixels pixels per x phase, whole rows when they fit.
std::vector<Block> cutBlocks(const Shape4& in, int64_t groups, const PhaseTable& y, const PhaseTable& x) {
    const Range span = allGroups(x);
    const int64_t width = span.hi - span.lo;
    const int64_t colsPerBlock = std::min<int64_t>(std::max<int64_t>(1, width), kBlockPixels);
    const int64_t rowsPerBlock = std::max<int64_t>(1, kBlockPixels / std::max<int64_t>(1, width));
    std::vector<Block> blocks;
    for (int64_t n = 0; n < in.n; ++n)
        for (int64_t g = 0; g < groups; ++g)
            for (int ry = 0; ry < y.stride(); ++ry) {
                const Range rows = validGroups(y, ry);
                for (int64_t r = rows.lo; r < rows.hi; r += rowsPerBlock)
                    for (int64_t c = span.lo; c < span.hi; c += colsPerBlock)
                        blocks.push_back({n,
                                          g,
                                          ry,
                                          {r, std::min(rows.hi, r + rowsPerBlock)},
                                          {c, std::min(span.hi, c + colsPerBlock)}});
            }
    return blocks;
}

}  // namespace

void runGemmLayer(const Tensor& input, const ConvLayer& layer, const PhaseTable& y, const PhaseTable& x,
                  const PackedWeights& packed, RowScheduler& scheduler, GemmScratch& scratch, Tensor& output) {
    std::unique_lock<std::mutex> lock(scratch.mutex, std::try_to_lock);
    std::vector<float> own;  // another run holds the shared buffer
    std::vector<float>& buffer = lock.owns_lock() ? scratch.padded : own;
    const PaddedInput padded = padInput(input, y, x, scheduler, buffer);
    const std::vector<Block> blocks = cutBlocks(input.shape(), layer.params.groups, y, x);
    const BlockJob job{input, layer, y, x, packed, padded, output};
    scheduler.run(static_cast<int64_t>(blocks.size()), 1, [&](int64_t begin, int64_t end) {
        for (int64_t b = begin; b < end; ++b) runBlock(job, blocks[static_cast<size_t>(b)]);
    });
}

double gemmPeakGflops(int threads, double seconds) {
    // Each thread: one K chunk of a 96-channel block (L2) against one packed
    // B micro-panel (L1), repeated: the kernel's own ceiling on this CPU.
    // Plain threads, one each, so that all of them run at once.
    constexpr int64_t nPanels = 1;
    const int count = std::max(1, threads);
    std::vector<double> flops(static_cast<size_t>(count), 0.0);
    auto work = [&](int t) {
        std::vector<float> a(static_cast<size_t>(kGemmMc * kGemmKc), 0.5f);
        AlignedFloats bBuffer;
        float* b = bBuffer.get(static_cast<size_t>(kGemmKc * kGemmNr * nPanels));
        std::fill_n(b, kGemmKc * kGemmNr * nPanels, 0.25f);
        std::vector<float> c(static_cast<size_t>(kGemmMc * kGemmNr * nPanels), 0.0f);
        const GemmBlock g{kGemmKc, kGemmMc / kGemmMr, nPanels, a.data(), b, c.data(), kGemmNr * nPanels, true};
        const double perCall = 2.0 * kGemmMc * kGemmKc * nPanels * kGemmNr;
        gemmMacroKernel(g);  // warm the caches
        const auto start = std::chrono::steady_clock::now();
        double done = 0, elapsed = 0;
        do {
            for (int i = 0; i < 8; ++i) gemmMacroKernel(g);
            done += 8 * perCall;
            elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        } while (elapsed < seconds);
        flops[static_cast<size_t>(t)] = done / elapsed;
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < count; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    double total = 0;
    for (double f : flops) total += f;
    return total * 1e-9;
}

}  // namespace tconv::cpu
