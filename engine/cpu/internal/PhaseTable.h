// SPDX-License-Identifier: MIT
#pragma once
// The polyphase split of one axis (core/Polyphase.h) as the CPU backend's
// tables: the taps of every phase, grouped, and the branch-free interior.
#include <cstdint>
#include <span>
#include <vector>

#include "core/Polyphase.h"

namespace tconv::cpu {

class PhaseTable {
public:
    struct Tap {
        int k;      // kernel index j along this axis
        int64_t t;  // input offset: the tap reads input m - t
    };

    // One axis: input and output extents and that axis's kernel size, stride,
    // padding and dilation (output_padding only shows up in outExtent).
    PhaseTable(int64_t inExtent, int64_t outExtent, int k, int s, int p, int d);

    int stride() const { return s_; }
    int padding() const { return p_; }
    int64_t inExtent() const { return in_; }
    int64_t outExtent() const { return out_; }

    // Taps of phase r, in increasing kernel index.
    std::span<const Tap> taps(int r) const {
        return {taps_.data() + begin_[static_cast<size_t>(r)],
                static_cast<size_t>(begin_[static_cast<size_t>(r) + 1] - begin_[static_cast<size_t>(r)])};
    }
    int phaseOf(int64_t o) const { return polyphase::outputPhase(o, s_, p_); }
    int64_t groupOf(int64_t o) const { return polyphase::outputGroup(o, s_, p_); }  // m
    int64_t outputOf(int64_t m, int r) const { return polyphase::outputOf(m, r, s_, p_); }

    // Smallest and largest offset t over all phases (0 when no tap at all).
    int64_t minOffset() const { return tMin_; }
    int64_t maxOffset() const { return tMax_; }

    // The branch-free interior [interiorBegin, interiorEnd) of groups m: every
    // tap of every phase reads inside the input, and all s outputs
    // m*s - p .. m*s + s-1 - p lie inside [0, outExtent). Empty when begin >= end.
    int64_t interiorBegin() const { return interiorBegin_; }
    int64_t interiorEnd() const { return interiorEnd_; }

private:
    int64_t in_, out_;
    int s_, p_;
    std::vector<Tap> taps_;   // grouped by phase
    std::vector<int> begin_;  // s + 1 offsets into taps_
    int64_t tMin_ = 0, tMax_ = 0;
    int64_t interiorBegin_ = 0, interiorEnd_ = 0;
};

}  // namespace tconv::cpu
