// SPDX-License-Identifier: MIT
#include "cpu/internal/PhaseTable.h"

#include <algorithm>

namespace tconv::cpu {

PhaseTable::PhaseTable(int64_t inExtent, int64_t outExtent, int k, int s, int p, int d)
    : in_(inExtent), out_(outExtent), s_(s), p_(p), begin_(static_cast<size_t>(s) + 1, 0) {
    bool any = false;
    for (int r = 0; r < s; ++r) {
        begin_[static_cast<size_t>(r)] = static_cast<int>(taps_.size());
        for (int64_t j = 0; j < k; ++j) {
            if (polyphase::tapPhase(j, d, s) != r) continue;
            const int64_t t = polyphase::tapOffset(j, d, s, r);
            taps_.push_back({static_cast<int>(j), t});
            tMin_ = any ? std::min(tMin_, t) : t;
            tMax_ = any ? std::max(tMax_, t) : t;
            any = true;
        }
    }
    begin_[static_cast<size_t>(s)] = static_cast<int>(taps_.size());

    // All quantities are >= 0 here, so integer division is floor division.
    const int64_t firstWholeGroup = (static_cast<int64_t>(p) + s - 1) / s;  // m*s - p >= 0
    const int64_t endWholeGroups = (out_ + p) / s;                          // (m+1)*s - p <= out
    interiorBegin_ = std::max(firstWholeGroup, tMax_);
    interiorEnd_ = std::min(endWholeGroups, in_ + tMin_);
    if (interiorEnd_ < interiorBegin_) interiorEnd_ = interiorBegin_;
}

}  // namespace tconv::cpu
