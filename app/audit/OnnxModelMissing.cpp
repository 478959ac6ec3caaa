// SPDX-License-Identifier: MIT
// The ONNX reader of a build without libonnx-dev / libprotobuf-dev.
#include "audit/OnnxModel.h"
#include "audit/OnnxModelWriter.h"
#include "core/ConvError.h"

namespace tconv::app {

bool onnxSupportBuiltIn() { return false; }

ModelDescription readOnnxModel(const std::string&) {
    throw ParameterError("this tconv was built without ONNX support (install libonnx-dev libprotobuf-dev and rebuild)");
}

std::string layerWeightNotSavable(const UpsamplingLayer&) {
    return "this build has no ONNX support (install libonnx-dev libprotobuf-dev and rebuild)";
}

std::string writeOnnxWithLayerWeight(const std::string&, const UpsamplingLayer& layer, const Tensor&,
                                     const std::string&) {
    throw ParameterError(layerWeightNotSavable(layer));
}

std::vector<std::string> onnxDifferences(const std::string&, const std::string&) {
    throw ParameterError("this tconv was built without ONNX support (install libonnx-dev libprotobuf-dev and rebuild)");
}

}  // namespace tconv::app
