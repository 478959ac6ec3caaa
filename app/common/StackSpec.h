// SPDX-License-Identifier: MIT
#pragma once
// A stack of transposed-convolution layers written as text, for
// `tconv analyze --stack` and the studio's stack panel:
//   "k=3,s=2,p=1,op=1;kernel=bilinear,k=4,s=2,p=1"
// Layers are separated by ';', each a list of key=value separated by ','
// (spaces around them are ignored). Keys:
//   kernel  a preset or a kernel file          (default: --kernel)
//   k       kernel size, N or HxW              (default: --kernel-size, else the preset's natural size)
//   s       stride, N or HxW                   (default: --stride)
//   p       padding, N or HxW (symmetric)      (default: --padding / --pads / --auto-pad)
//   op      output padding, N or HxW           (default: --output-padding)
//   d       dilation, N or HxW                 (default: --dilation)
// A key a layer does not give keeps the value of `defaults` (the command's
// options), so "--stride 2 --stack 'k=3;k=4'" is two stride-2 layers. The
// other options (--groups, --sigma, --seed, ...) apply to every layer. Each
// value goes through setConvOption, the one place option values are checked.
#include <string>
#include <vector>

#include "common/ConvSettings.h"
#include "core/ConvLayer.h"

namespace tconv::app {

// Throws ParameterError naming the layer (1-based), the key and the value and
// what is allowed: "--stack layer 2, s: expected N or HxW (...), but got '2x'".
// Checks syntax and each layer's parameters (checkSettings), not kernel files'
// contents (buildStackLayers reads them).
std::vector<ConvSettings> parseStackSpec(const std::string& text, const ConvSettings& defaults);

// The stack written back, every key spelled out ("kernel=bilinear,k=4,s=2,p=1,op=0,d=1;...";
// k omitted where the preset's natural size is used, p as "T,L,B,R" is not
// expressible: per-side pads are written as their begin value). For labels and
// for the studio to show what it analyses.
std::string stackSpecText(const std::vector<ConvSettings>& layers);

// The input channels the stack expects: a first layer with a full-weight .npy
// needs its C_in; presets and 2-D kernels take `imageChannels` (>= 1).
// Throws ProcessingError when a kernel file cannot be read.
int stackInputChannels(const std::vector<ConvSettings>& layers, int imageChannels = 1);

// The layers for an input of `channels` channels, each layer built for the
// channels the previous one gives (buildLayer). Throws ParameterError naming
// the layer ("--stack layer 2 (kernel=w.npy): ...") and ProcessingError for
// unreadable kernel files.
std::vector<ConvLayer> buildStackLayers(const std::vector<ConvSettings>& layers, int channels);

}  // namespace tconv::app
