// SPDX-License-Identifier: MIT
#pragma once
// Private to app/audit/Onnx*.cpp (the only files that see ONNX's protobuf
// types): an index of a model's graph (who makes and who reads each tensor,
// the shapes shape inference found) and its constant tensors as floats.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace tconv::app::onnxio {

// The model in `path`. Throws ProcessingError naming the file when it cannot
// be read, does not parse as an ONNX ModelProto, or has no IR version or graph.
onnx::ModelProto parseModelFile(const std::string& path);

struct ConstTensor {
    std::vector<int64_t> dims;
    std::vector<float> values;  // row-major, converted to float
};

// An initializer's values (float, double, float16, bfloat16 and the integer
// types; raw or typed fields; external data files beside the model). Throws
// ProcessingError naming the tensor when its data is missing or cut short.
ConstTensor tensorValues(const onnx::TensorProto& t, const std::string& modelDir);

class OnnxGraph {
public:
    OnnxGraph(const onnx::GraphProto& graph, std::string modelDir);

    const onnx::GraphProto& graph() const { return graph_; }
    // The node whose output `tensor` is; nullptr for graph inputs and initializers.
    const onnx::NodeProto* producer(const std::string& tensor) const;
    // The nodes that read `tensor`.
    std::vector<const onnx::NodeProto*> consumers(const std::string& tensor) const;
    // A constant's values: an initializer or a Constant node's value, also
    // through Identity, Cast and DequantizeLinear; `via` gets the op types
    // passed. nullopt when `tensor` is computed from the model's input.
    std::optional<ConstTensor> constant(const std::string& tensor, std::vector<std::string>* via = nullptr) const;
    // The tensor's dims from the model (inputs, outputs, value_info after
    // shape inference); -1 for an unknown dim; empty when even the rank is unknown.
    std::vector<int64_t> dims(const std::string& tensor) const;

private:
    const onnx::GraphProto& graph_;
    std::string modelDir_;
    std::map<std::string, const onnx::TensorProto*> initializers_;
    std::map<std::string, const onnx::NodeProto*> producers_;
    std::map<std::string, std::vector<const onnx::NodeProto*>> consumers_;
    std::map<std::string, std::vector<int64_t>> dims_;
};

// The node's name, or its first output's when it has none.
std::string nodeName(const onnx::NodeProto& n);

// Attributes, with the default when absent. Throw ProcessingError naming the
// node when an attribute has the wrong type.
int64_t attrInt(const onnx::NodeProto& n, const std::string& name, int64_t fallback);
float attrFloat(const onnx::NodeProto& n, const std::string& name, float fallback);
std::string attrString(const onnx::NodeProto& n, const std::string& name, const std::string& fallback);
std::vector<int64_t> attrInts(const onnx::NodeProto& n, const std::string& name);
std::vector<float> attrFloats(const onnx::NodeProto& n, const std::string& name);
bool hasAttr(const onnx::NodeProto& n, const std::string& name);

}  // namespace tconv::app::onnxio
