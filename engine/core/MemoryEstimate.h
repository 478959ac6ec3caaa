// SPDX-License-Identifier: MIT
#pragma once
// A job's peak memory, summed from its parts before anything large is
// allocated, and checked against ResourceLimits. Every size is computed in
// 64-bit with saturation: an overflowing size is "more than any limit", never
// a wrapped small number.
//
// The peak of one job (the README's promise; the sum over-estimates a little,
// which keeps it an upper bound whatever order the parts are freed in):
//   peak = F + D + I + K + X + O + E  (+ the fixed process allowance)
//   F  the input file's bytes while it is decoded (images; .npy: 0)
//   D  the decoded samples: H*W*C*(1 or 2) for 8/16-bit images (x2 when EXIF
//      orientation rotates them), 4*H*W*C for .npy (read before reordering)
//   I  the input tensor, 4*N*C*H*W
//   K  the weights, 4*C_in*C_out/groups*kH*kW (plus derived kernels)
//   X  intermediates of the method: resize-conv's resized, padded input
//      4*N*C*(s_h*H+P_l+P_r)*(s_w*W+...) or its zero-order-hold weight; the
//      analyses' maps
//   O  the output tensor, 4*N*C_out*H_out*W_out
//   E  the encode buffers: .npy O (the interleaved copy); images
//      2*H_out*W_out*C_out*(1 or 2) (quantized samples and the encoded file)
#include <cstdint>
#include <string>
#include <vector>

#include "core/ResourceLimits.h"
#include "core/Tensor.h"

namespace tconv {

// Saturating arithmetic: UINT64_MAX stands for "does not fit".
uint64_t addBytes(uint64_t a, uint64_t b);
uint64_t mulBytes(uint64_t a, uint64_t b);
// elementBytes * n * c * h * w, saturating; negative dimensions count as 0.
uint64_t tensorBytes(const Shape4& s, uint64_t elementBytes = 4);

// "12.0 MiB", "3.5 KiB", "17 bytes" (never "0.0 MiB"), or "more than 16 EiB".
std::string bytesText(uint64_t bytes);

class PeakMemory {
public:
    // `what` names the part in the refusal ("output (1, 3, 2000, 2000)").
    void add(const std::string& what, uint64_t bytes);
    uint64_t total() const { return total_; }
    // Throws ParameterError when total() exceeds the limit, naming the job,
    // the total, the largest parts and the limit.
    void check(const ResourceLimits& limits, const std::string& job) const;

private:
    struct Part {
        std::string what;
        uint64_t bytes;
    };
    std::vector<Part> parts_;
    uint64_t total_ = 0;
};

}  // namespace tconv
