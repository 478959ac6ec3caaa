// SPDX-License-Identifier: MIT
// The ONNX reader of a build without libonnx-dev / libprotobuf-dev.
#include "audit/OnnxModel.h"
#include "core/ConvError.h"

namespace tconv::app {

bool onnxSupportBuiltIn() { return false; }

ModelDescription readOnnxModel(const std::string&) {
    throw ParameterError("this tconv was built without ONNX support (install libonnx-dev libprotobuf-dev and rebuild)");
}

}  // namespace tconv::app
