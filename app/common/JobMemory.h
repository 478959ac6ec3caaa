// SPDX-License-Identifier: MIT
#pragma once
// The parts of a job's peak memory that depend on the layer and the method
// (K, X and O of MemoryEstimate.h's formula), shared by apply, analyze and
// batch so that each checks the whole job before it allocates.
#include <string>

#include "common/ConvSettings.h"
#include "core/ConvLayer.h"
#include "core/MemoryEstimate.h"

namespace tconv::app {

// K (the weight), X (resize-conv's intermediates when s.method is
// resize-conv) and O (the output) for an input of shape `in`.
void addLayerMemory(PeakMemory& peak, const Shape4& in, const ConvLayer& layer, const ConvSettings& s);

// The CPU backend's workspace for a channel-mixing layer (a padded input copy
// and the packed weights); nothing for depthwise layers.
void addChannelMixingMemory(PeakMemory& peak, const Shape4& in, const ConvLayer& layer);

// The compute and encode part of one image's job, for a decoded input of
// shape `in` written to `outputPath`: I + K + X + O + E against `limits`.
// Throws ParameterError over the limit.
void checkConvJobMemory(const Shape4& in, const ConvLayer& layer, const ConvSettings& s, const std::string& outputPath,
                        int bitDepth, const ResourceLimits& limits);

}  // namespace tconv::app

namespace tconv::app {

// analyze's maps beside the input and the weight: `heatmapKind` "gain",
// "artifact" or "energy" ("" for none) and the spectrum when asked. Per map
// a few output-sized tensors, the rendered figure (24 bytes per panel pixel,
// panels at least 384x384) and, for the spectrum, 24 bytes per output pixel
// (the complex transform, the gray plane and the dB plane).
void addAnalysisMemory(PeakMemory& peak, const Shape4& in, const ConvLayer& layer, const ConvSettings& s,
                       const std::string& heatmapKind, bool spectrum);

}  // namespace tconv::app
