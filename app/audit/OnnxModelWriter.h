// SPDX-License-Identifier: MIT
#pragma once
// Writing a model back with one layer's weight replaced (the studio's "Save
// repaired model"): a copy of the source model in which only the initializer
// that holds a ConvTranspose's weight differs, written atomically
// (app/common/AtomicFile). Built from OnnxModelWriter.cpp where the build has
// ONNX, else from OnnxModelMissing.cpp, which refuses.
#include <string>
#include <vector>

#include "audit/ModelLayers.h"
#include "core/Tensor.h"

namespace tconv::app {

// Whether `layer` can be saved back by writeOnnxWithLayerWeight: "" when it
// can, else why not (a Resize+Conv or DepthToSpace's equivalent kernel is not
// a tensor of the model).
std::string layerWeightNotSavable(const UpsamplingLayer& layer);

// Copies the model at `sourcePath` to `destPath` with the weight initializer
// of ConvTranspose `layer` (found by its node name) holding `weight` (ONNX's
// and PyTorch's layout (C_in, C_out/group, kH, kW), the initializer's shape).
// The initializer keeps its name, type and storage (raw_data or float_data).
// Returns the initializer's name. Throws ParameterError naming the value when
// the layer or the weight does not fit (another op, the weight reached
// through another node, external data, not float, another shape), and
// ProcessingError naming the file when reading or writing fails; `destPath`
// is then untouched.
std::string writeOnnxWithLayerWeight(const std::string& sourcePath, const UpsamplingLayer& layer, const Tensor& weight,
                                     const std::string& destPath);

// What differs between two models, for checks: the names of the initializers
// whose type, dims or values differ (or that only one has), then "graph
// nodes", "graph inputs/outputs" or "model metadata" when those differ.
std::vector<std::string> onnxDifferences(const std::string& pathA, const std::string& pathB);

}  // namespace tconv::app
