// SPDX-License-Identifier: MIT
#pragma once
// What `tconv audit` (and the studio's Open model) knows about a model's
// upsampling paths, as plain structs: no ONNX or protobuf type leaves
// app/audit/Onnx*.cpp. Every path is described as the transposed convolution
// that computes it (away from the borders), so the engine's analysis applies.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/ChainAnalysis.h"
#include "core/ConvLayer.h"
#include "core/Tensor.h"

namespace tconv::app {

// ONNX order: top, left, bottom, right (rows/columns cut from the full output;
// negative: added).
using CropPads = std::array<int, 4>;

struct UpsamplingLayer {
    std::string name;                  // the ONNX node's name (its output's name when unnamed)
    std::string op;                    // "ConvTranspose", "Resize+Conv" or "DepthToSpace"
    std::vector<std::string> nodes;    // the ONNX nodes it stands for, in order ("Resize", "Conv")
    ConvLayer layer;                   // the equivalent transposed convolution, PyTorch's weight layout
    CropPads pads{0, 0, 0, 0};         // its crops (ONNX pads), T, L, B, R
    std::string autoPad = "NOTSET";    // ConvTranspose's auto_pad attribute
    std::vector<int64_t> outputShape;  // ConvTranspose's output_shape attribute (empty when absent)
    Shape4 input{-1, -1, -1, -1};      // NCHW from the model's shapes; -1 where unknown
    Shape4 output{-1, -1, -1, -1};
    std::vector<std::string> notes;  // how it was read ("weight through DequantizeLinear", ...)
};

// Consecutive upsampling layers and the stride-1 convolutions between them.
struct ModelChain {
    std::vector<ChainStep> steps;
    std::vector<int> layerOfStep;         // index into ModelDescription::layers; -1 for a convolution
    std::vector<std::string> ignoredOps;  // op types between the steps that the analysis leaves out
};

struct ModelDescription {
    std::string path;
    std::string producer;  // "pytorch 1.13.1", or "" when the model does not say
    int64_t irVersion = 0;
    int64_t opset = 0;  // of the default domain
    int64_t nodeCount = 0;
    std::vector<UpsamplingLayer> layers;  // in graph order
    std::vector<ModelChain> chains;       // chains with at least one upsampling layer
    std::vector<std::string> warnings;    // what was seen but not analysed, and why
};

// The layer's effective pads as text: "1" (all equal), "1x2" (symmetric per
// axis) or "1,2,3,4" (T,L,B,R).
std::string padsText(const CropPads& p);

// The chain step that a layer is: its transposed convolution with its begin crops.
ChainStep chainStepOf(const UpsamplingLayer& l);

}  // namespace tconv::app
