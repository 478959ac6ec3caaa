// SPDX-License-Identifier: MIT
#pragma once
// The compound checkerboard analysis of a chain of linear layers (a decoder's
// upsampling layers and the stride-1 convolutions between them), each written
// as a transposed convolution. Non-linearities and normalisation are not part
// of a chain: the caller leaves them out and says so.
//
// A constant input (1 on every input channel) stays periodic through every
// step: after a step of stride s a signal of period P has period P*s. So the
// chain is analysed exactly, without borders, by pushing one period of the
// signal through each step: output o (after the step's crop) of a step sums
// W[j] * x[(o + crop - j*d) / s] over the taps j with (o + crop - j*d) mod s = 0,
// reading x periodically. The compound phase-gain table of an output channel is
// one period of its interior response, indexed by the final output coordinate
// (row oy mod S_h, column ox mod S_w, S = the product of the strides), so it is
// what the chain run on a large constant image shows away from its borders.
// Standard library only (plus the analysis' own headers).
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/PhaseGain.h"
#include "core/ConvLayer.h"
#include "core/Tensor.h"

namespace tconv {

struct ChainStep {
    std::string name;
    // The step as a transposed convolution: weight (C_in, C_out/groups, kH, kW),
    // stride, dilation and groups from params (params.padding is not used;
    // the bias is ignored: gains only).
    ConvLayer layer;
    // Rows/columns cut from the top/left of the full transposed output
    // (PyTorch's padding, ONNX's begin pads); negative: that many zero rows
    // added. Only the alignment of the phases depends on it.
    Size2 cropBegin{0, 0};
};

// A stride-1 convolution (ONNX Conv / nn.Conv2d, cross-correlation) as a chain
// step: weight (C_out, C_in/groups, kH, kW) becomes the transposed layout with
// the kernel flipped, and the begin pad p becomes the crop d*(k-1) - p.
ChainStep convolutionStep(const std::string& name, const Tensor& convWeight, Size2 dilation, int groups,
                          Size2 padBegin);

struct ChainAnalysis {
    Size2 stride{1, 1};                  // product of the steps' strides per axis
    Size2 period{1, 1};                  // smallest period of the compound tables (lcm over channels; divides stride)
    std::vector<PhaseGainTable> tables;  // per final output channel, stride.h x stride.w
    std::vector<ArtifactScores> scores;  // per final output channel
    PhaseGainTable meanTable;            // the tables averaged over the output channels
    double cv = 0;                       // mean of the channels' CVs (inf if one is inf)
    std::vector<double> cvAfterStep;     // the same CV for the chain up to and including each step
    // Per step: the chain's CV with that step's ripple repaired (its kernel
    // slices made phase-flat: additive repair, else zero-order hold); NaN for
    // steps of stride 1 (they make no ripple of their own) or without a repair.
    std::vector<double> cvWithStepRepaired;
    int64_t worstStep = -1;  // the step whose repair lowers the CV most; -1 when nothing ripples
};

// Throws ParameterError naming the step when the steps do not connect (a
// step's C_in differs from the previous C_out, groups not dividing), a
// stride/dilation is < 1, the chain is empty, or the compound period is too
// large to tabulate (more than 2^22 phases).
ChainAnalysis analyzeChain(const std::vector<ChainStep>& steps);

// The compound tables alone (what analyzeChain reports, without the scores and
// the repair experiments).
std::vector<PhaseGainTable> compoundPhaseGains(const std::vector<ChainStep>& steps);

}  // namespace tconv
