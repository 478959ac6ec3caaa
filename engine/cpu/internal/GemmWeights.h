// SPDX-License-Identifier: MIT
#pragma once
// The weights of a channel-mixing layer packed for the GEMM path (layout in
// GemmLayout.h): one packed A per (group, y phase, x phase).
//
// Packing is a reorder of every weight (C_in * C_out/groups * kH * kW
// floats, 16 MiB for 512 -> 512 k4), a few percent of a run; the studio runs
// the same layer many times, so packed weights are kept in a small cache
// keyed by the weight values themselves (an exact comparison: a layer edited
// in place never gets stale weights).
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/ConvLayer.h"

namespace tconv::cpu {

class PackedWeights {
public:
    explicit PackedWeights(const ConvLayer& layer);

    int64_t cinPerGroup() const { return cinPerGroup_; }
    int64_t coutPerGroup() const { return coutPerGroup_; }
    int64_t paddedCout() const { return mPad_; }  // coutPerGroup rounded up to whole kGemmMr panels
    // K of phase (ry, rx): input channels of a group x y taps x x taps.
    int64_t depth(int ry, int rx) const { return depth_[phaseIndex(0, ry, rx)]; }
    // Packed A of group g, phase (ry, rx); depth(ry, rx) * paddedCout() floats.
    const float* panels(int64_t g, int ry, int rx) const { return a_[phaseIndex(g, ry, rx)].data(); }

private:
    size_t phaseIndex(int64_t g, int ry, int rx) const { return static_cast<size_t>((g * sy_ + ry) * sx_ + rx); }
    int sy_, sx_;
    int64_t cinPerGroup_, coutPerGroup_, mPad_;
    std::vector<int64_t> depth_;
    std::vector<std::vector<float>> a_;
};

// Packed weights of the layers run recently (a few, up to a memory budget).
class PackedWeightCache {
public:
    std::shared_ptr<const PackedWeights> get(const ConvLayer& layer);

private:
    struct Entry {
        ConvParams params;
        Shape4 shape;
        std::vector<float> weights;  // the values packed
        std::shared_ptr<const PackedWeights> packed;
    };
    static constexpr size_t kMaxEntries = 8;
    static constexpr uint64_t kMaxBytes = 256ull << 20;
    std::mutex mutex_;
    std::vector<Entry> entries_;  // most recently used last
};

}  // namespace tconv::cpu
