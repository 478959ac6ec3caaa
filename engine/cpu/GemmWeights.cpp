// SPDX-License-Identifier: MIT
#include "cpu/internal/GemmWeights.h"

#include <algorithm>
#include <cstring>

#include "cpu/internal/GemmLayout.h"
#include "cpu/internal/PhaseTable.h"

namespace tconv::cpu {

PackedWeights::PackedWeights(const ConvLayer& layer) {
    const ConvParams& p = layer.params;
    const Shape4 w = layer.weight.shape();  // (C_in, C_out / groups, kH, kW)
    sy_ = p.stride.h, sx_ = p.stride.w;
    cinPerGroup_ = w.n / p.groups;
    coutPerGroup_ = w.c;
    mPad_ = roundUp(coutPerGroup_, kGemmMr);
    // Only the taps matter here, and they do not depend on the extents.
    const PhaseTable y(1, 1, p.kernel.h, p.stride.h, p.padding.h, p.dilation.h);
    const PhaseTable x(1, 1, p.kernel.w, p.stride.w, p.padding.w, p.dilation.w);
    depth_.resize(static_cast<size_t>(p.groups) * sy_ * sx_);
    a_.resize(depth_.size());
    const float* weights = layer.weight.data();
    for (int64_t g = 0; g < p.groups; ++g)
        for (int ry = 0; ry < sy_; ++ry)
            for (int rx = 0; rx < sx_; ++rx) {
                const auto ty = y.taps(ry);
                const auto tx = x.taps(rx);
                const int64_t ny = static_cast<int64_t>(ty.size()), nx = static_cast<int64_t>(tx.size());
                const int64_t K = cinPerGroup_ * ny * nx;
                depth_[phaseIndex(g, ry, rx)] = K;
                std::vector<float>& a = a_[phaseIndex(g, ry, rx)];
                a.assign(static_cast<size_t>(K * mPad_), 0.0f);
                for (int64_t k = 0; k < K; ++k) {
                    const int64_t ci = g * cinPerGroup_ + k / (ny * nx);
                    const int ky = ty[static_cast<size_t>(k / nx % ny)].k, kx = tx[static_cast<size_t>(k % nx)].k;
                    const int64_t k0 = k / kGemmKc * kGemmKc, kc = std::min(kGemmKc, K - k0);
                    float* chunk = a.data() + k0 * mPad_ + (k - k0) * kGemmMr;
                    for (int64_t co = 0; co < coutPerGroup_; ++co)
                        chunk[co / kGemmMr * kc * kGemmMr + co % kGemmMr] =
                            weights[((ci * w.c + co) * w.h + ky) * w.w + kx];
                }
            }
}

std::shared_ptr<const PackedWeights> PackedWeightCache::get(const ConvLayer& layer) {
    const Tensor& w = layer.weight;
    const size_t bytes = static_cast<size_t>(w.size()) * sizeof(float);
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < entries_.size(); ++i) {
        Entry& e = entries_[i];
        if (e.params == layer.params && e.shape == w.shape() && std::memcmp(e.weights.data(), w.data(), bytes) == 0) {
            std::rotate(entries_.begin() + static_cast<std::ptrdiff_t>(i),
                        entries_.begin() + static_cast<std::ptrdiff_t>(i) + 1, entries_.end());
            return entries_.back().packed;
        }
    }
    auto packed = std::make_shared<const PackedWeights>(layer);
    // Each entry holds the values and their packed copy: about twice the weights.
    auto entryBytes = [](const Entry& e) { return 2 * e.weights.size() * sizeof(float); };
    uint64_t total = 2 * bytes;
    for (const Entry& e : entries_) total += entryBytes(e);
    while (!entries_.empty() && (entries_.size() >= kMaxEntries || total > kMaxBytes)) {
        total -= entryBytes(entries_.front());
        entries_.erase(entries_.begin());
    }
    if (2 * bytes <= kMaxBytes) entries_.push_back({layer.params, w.shape(), w.storage(), packed});
    return packed;
}

}  // namespace tconv::cpu
