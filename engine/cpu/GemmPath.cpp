// The channel-mixing path (see GemmLayout.h for the product and its layouts).
//
// Work is cut into blocks of output pixels of one (image n, group g, y phase
// ry): rows [my0, my1) x groups [mx0, mx1) of m, all x phases. Blocks write
// disjoint outputs, so threads take them freely, and each output's sum runs
// over k in the same chunks in the same order whatever the blocking: results
// do not depend on the thread count. Per block and x phase rx:
//   for each K chunk: pack B (the block's pixels, zeros outside the input),
//     then C (+)= A x B, in column blocks of kGemmMc channels;
//   write C plus bias out to the phase's pixels (stride s_x along the row).
#include "cpu/GemmPath.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "cpu/GemmLayout.h"

namespace tconv::cpu {
namespace {

// About this many pixels of one x phase per block: B chunk 256 x 256 floats
// (256 KiB, L2) and C up to 512 x 256 floats.
#ifndef TCONV_GEMM_BLOCK_PIXELS
#define TCONV_GEMM_BLOCK_PIXELS 256
#endif
constexpr int64_t kBlockPixels = TCONV_GEMM_BLOCK_PIXELS;

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

struct BlockJob {
    const Tensor& input;
    const ConvLayer& layer;
    const PhaseTable& y;
    const PhaseTable& x;
    const PackedWeights& packed;
    Tensor& output;
};

// B chunk [k0, k0 + kc) of the block's pixels (rows x cols, row-major) for
// phase (ry, rx) of group g; micro-panel j at dst + j * panelStride.
//
// Source rows are read one k at a time, front to back (one input row per
// pixel row and k: what the prefetchers follow), and copied out in pieces of
// up to 16 pixels. Walking the panels instead would read a line from each
// of the chunk's input planes per panel, and planes of power-of-two sizes
// all map to the same cache sets: measured 2-3x slower at 128x128x64.
void packB(const BlockJob& job, const Block& blk, int rx, Range cols, int64_t k0, int64_t kc, int64_t panelStride,
           float* dst) {
    const auto ty = job.y.taps(blk.ry);
    const auto tx = job.x.taps(rx);
    const int64_t ny = static_cast<int64_t>(ty.size()), nx = static_cast<int64_t>(tx.size());
    const int64_t inH = job.input.shape().h, inW = job.input.shape().w;
    const int64_t cinPerGroup = job.packed.cinPerGroup();
    const int64_t width = cols.hi - cols.lo, pixels = (blk.rows.hi - blk.rows.lo) * width;
    const int64_t panels = (pixels + kGemmNr - 1) / kGemmNr;
    for (int64_t i = 0; i < kc; ++i) {
        const int64_t k = k0 + i;
        const float* plane = job.input.plane(blk.n, blk.g * cinPerGroup + k / (ny * nx));
        const int64_t t = ty[static_cast<size_t>(k / nx % ny)].t, u = tx[static_cast<size_t>(k % nx)].t;
        float* row0 = dst + i * kGemmNr;  // pixel q at row0 + (q / 16) * panelStride + q % 16
        int64_t q = 0;
        for (int64_t my = blk.rows.lo; my < blk.rows.hi; ++my) {
            const int64_t iy = my - t;
            const float* src = iy >= 0 && iy < inH ? plane + iy * inW : nullptr;
            int64_t ix = cols.lo - u;  // input x of the next pixel
            for (int64_t left = width; left > 0;) {
                const int64_t lane = q % kGemmNr, len = std::min(left, kGemmNr - lane);
                float* d = row0 + q / kGemmNr * panelStride + lane;
                if (src && ix >= 0 && ix + len <= inW) {
                    if (len == kGemmNr) std::memcpy(d, src + ix, kGemmNr * sizeof(float));
                    else std::memcpy(d, src + ix, static_cast<size_t>(len) * sizeof(float));
                } else {  // a row end or a row outside the input: the part inside, zeros around it
                    const int64_t a = src ? std::clamp<int64_t>(-ix, 0, len) : len;
                    const int64_t b = src ? std::clamp<int64_t>(inW - ix, a, len) : len;
                    std::fill_n(d, a, 0.0f);
                    if (b > a) std::memcpy(d + a, src + ix + a, static_cast<size_t>(b - a) * sizeof(float));
                    std::fill_n(d + b, len - b, 0.0f);
                }
                q += len, ix += len, left -= len;
            }
        }
        if (q < panels * kGemmNr) std::fill_n(row0 + q / kGemmNr * panelStride + q % kGemmNr, panels * kGemmNr - q, 0.0f);
    }
}

// One x phase's product for the block: its pixels and where C holds them.
struct PhaseC {
    Range cols;              // the block's m along x that are outputs of this phase
    int64_t width = 0;       // cols.hi - cols.lo
    const float* c = nullptr;  // channel co, row r, m: c[co * ldc + r * width + m - cols.lo]
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
    for (int r = 0; r < s; ++r) common = {std::max(common.lo, phases[r].cols.lo), std::min(common.hi, phases[r].cols.hi)};
    if (common.hi <= common.lo) common = {blk.cols.lo, blk.cols.lo};
    std::vector<const float*> src(static_cast<size_t>(s));
    for (int64_t co = 0; co < perGroup; ++co) {
        const int64_t channel = blk.g * perGroup + co;
        const float bias = job.layer.bias.empty() ? 0.0f : job.layer.bias[static_cast<size_t>(channel)];
        float* plane = job.output.plane(blk.n, channel);
        for (int64_t my = blk.rows.lo; my < blk.rows.hi; ++my) {
            float* out = plane + (my * sy + blk.ry - py) * outW - px;  // out[m * s + r]: output of group m, phase r
            const int64_t row = my - blk.rows.lo;
            auto at = [&](int r, int64_t m) { return phases[r].c + co * phases[r].ldc + row * phases[r].width + m - phases[r].cols.lo; };
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
    thread_local std::vector<float> bScratch, cScratch;
    thread_local std::vector<PhaseC> phases;
    const int s = job.x.stride();
    const int64_t mPad = job.packed.paddedCout(), rows = blk.rows.hi - blk.rows.lo;
    phases.assign(static_cast<size_t>(s), PhaseC{});
    int64_t cSize = 0, bSize = 0;
    std::vector<int64_t> cOffset(static_cast<size_t>(s));
    for (int rx = 0; rx < s; ++rx) {
        PhaseC& ph = phases[static_cast<size_t>(rx)];
        const Range valid = validGroups(job.x, rx);
        ph.cols = {std::max(blk.cols.lo, valid.lo), std::min(blk.cols.hi, valid.hi)};
        if (ph.cols.hi < ph.cols.lo) ph.cols.hi = ph.cols.lo;
        ph.width = ph.cols.hi - ph.cols.lo;
        ph.ldc = roundUp(rows * ph.width, kGemmNr);
        cOffset[static_cast<size_t>(rx)] = cSize;
        cSize += mPad * ph.ldc;
        const int64_t kc = std::min(job.packed.depth(blk.ry, rx), kGemmKc);
        bSize = std::max(bSize, ph.ldc / kGemmNr * (kc * kGemmNr + 16));
    }
    if (cScratch.size() < static_cast<size_t>(cSize)) cScratch.resize(static_cast<size_t>(cSize));
    if (bScratch.size() < static_cast<size_t>(bSize)) bScratch.resize(static_cast<size_t>(bSize));
    for (int rx = 0; rx < s; ++rx) {
        PhaseC& ph = phases[static_cast<size_t>(rx)];
        float* c = cScratch.data() + cOffset[static_cast<size_t>(rx)];
        ph.c = c;
        if (ph.width == 0) continue;
        const int64_t K = job.packed.depth(blk.ry, rx);
        if (K == 0) std::fill_n(c, mPad * ph.ldc, 0.0f);  // no tap reaches this phase: bias only
        const float* a = job.packed.panels(blk.g, blk.ry, rx);
        for (int64_t k0 = 0; k0 < K; k0 += kGemmKc) {
            const int64_t kc = std::min(kGemmKc, K - k0);
            const int64_t bStride = kc * kGemmNr + 16;
            packB(job, blk, rx, ph.cols, k0, kc, bStride, bScratch.data());
            for (int64_t m0 = 0; m0 < mPad; m0 += kGemmMc) {
                GemmBlock g;
                g.kc = kc;
                g.mPanels = std::min(kGemmMc, mPad - m0) / kGemmMr;
                g.nPanels = ph.ldc / kGemmNr;
                g.a = a + k0 * mPad + m0 * kc;
                g.b = bScratch.data();
                g.bStride = bStride;
                g.c = c + m0 * ph.ldc;
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
    Range span = validGroups(x, 0);
    for (int r = 1; r < x.stride(); ++r) {
        const Range v = validGroups(x, r);
        span = {std::min(span.lo, v.lo), std::max(span.hi, v.hi)};
    }
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
                        blocks.push_back({n, g, ry, {r, std::min(rows.hi, r + rowsPerBlock)},
                                          {c, std::min(span.hi, c + colsPerBlock)}});
            }
    return blocks;
}

}  // namespace

void runGemmLayer(const Tensor& input, const ConvLayer& layer, const PhaseTable& y, const PhaseTable& x,
                  const PackedWeights& packed, RowScheduler& scheduler, Tensor& output) {
    const std::vector<Block> blocks = cutBlocks(input.shape(), layer.params.groups, y, x);
    const BlockJob job{input, layer, y, x, packed, output};
    scheduler.run(static_cast<int64_t>(blocks.size()), 1, [&](int64_t begin, int64_t end) {
        for (int64_t b = begin; b < end; ++b) runBlock(job, blocks[static_cast<size_t>(b)]);
    });
}

double gemmPeakGflops(int threads, double seconds) {
    // Each thread: one K chunk of a 96-channel block against 16 B micro-panels,
    // all in L2, repeated: the kernel's own ceiling on this CPU. Plain
    // threads, one each, so that all of them run at once.
    constexpr int64_t nPanels = 16;
    const int count = std::max(1, threads);
    std::vector<double> flops(static_cast<size_t>(count), 0.0);
    auto work = [&](int t) {
        std::vector<float> a(static_cast<size_t>(kGemmMc * kGemmKc), 0.5f);
        std::vector<float> b(static_cast<size_t>(kGemmKc * nPanels * kGemmNr), 0.25f);
        std::vector<float> c(static_cast<size_t>(kGemmMc * nPanels * kGemmNr), 0.0f);
        const GemmBlock g{kGemmKc, kGemmMc / kGemmMr, nPanels, a.data(), b.data(), kGemmKc * kGemmNr, c.data(), nPanels * kGemmNr, true};
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
