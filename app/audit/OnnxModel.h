// SPDX-License-Identifier: MIT
#pragma once
// Reading an ONNX model's upsampling paths (ModelLayers.h) with the ONNX
// library. Built from OnnxModel.cpp where the build found libonnx-dev and
// libprotobuf-dev, else from OnnxModelMissing.cpp, which refuses.
#include <string>

#include "audit/ModelLayers.h"

namespace tconv::app {

// Whether this build can read ONNX models.
bool onnxSupportBuiltIn();

// Every ConvTranspose, Resize/Upsample followed by a stride-1 Conv, and
// DepthToSpace (with the stride-1 Conv before it, when there is one), in graph
// order, and the chains they form. Throws ProcessingError naming the file for
// a file that cannot be read or is not an ONNX model, and naming the node for
// an attribute value the audit does not support; ParameterError when this
// build has no ONNX support.
ModelDescription readOnnxModel(const std::string& path);

}  // namespace tconv::app
