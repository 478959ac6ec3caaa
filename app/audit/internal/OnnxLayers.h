// SPDX-License-Identifier: MIT
#pragma once
// Private to app/audit/Onnx*.cpp: ONNX nodes read as upsampling layers and
// stride-1 convolutions, with ONNX's attribute rules (defaults, auto_pad,
// output_shape). Unsupported attribute values throw ProcessingError naming the
// node, the attribute, the value and what is allowed.
#include <optional>
#include <string>
#include <vector>

#include "audit/EquivalentLayers.h"
#include "audit/ModelLayers.h"
#include "audit/internal/OnnxGraph.h"

namespace tconv::app::onnxio {

UpsamplingLayer convTransposeLayer(const OnnxGraph& g, const onnx::NodeProto& n);

// A Conv node with stride 1 and a constant 2-D weight; nullopt (and `whyNot`)
// otherwise. auto_pad is resolved into pads.
std::optional<ConvolutionDesc> strideOneConvolution(const OnnxGraph& g, const onnx::NodeProto& n,
                                                    std::string* whyNot = nullptr);

// A Resize/Upsample node's resize, when its factors are whole numbers (>= 1);
// nullopt and `whyNot` when it cannot be analysed.
std::optional<ResizeDesc> resizeOf(const OnnxGraph& g, const onnx::NodeProto& n, int64_t opset, std::string* whyNot);

// The Conv right after a Resize (its only reader, stride 1), or nullptr.
const onnx::NodeProto* convAfter(const OnnxGraph& g, const onnx::NodeProto& resize);
// The Conv right before a DepthToSpace (read by it alone, stride 1), or nullptr.
const onnx::NodeProto* convBefore(const OnnxGraph& g, const onnx::NodeProto& depthToSpace);

UpsamplingLayer resizeConvNodes(const OnnxGraph& g, const onnx::NodeProto& resize, const ResizeDesc& r,
                                const onnx::NodeProto& conv);
// conv may be nullptr: the shuffle alone.
UpsamplingLayer depthToSpaceNodes(const OnnxGraph& g, const onnx::NodeProto& d2s, const onnx::NodeProto* conv);

// NCHW dims of a tensor (-1 where unknown).
Shape4 shapeOf(const OnnxGraph& g, const std::string& tensor);

}  // namespace tconv::app::onnxio
