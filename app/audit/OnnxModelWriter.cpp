// SPDX-License-Identifier: MIT
#include "audit/OnnxModelWriter.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "audit/internal/OnnxGraph.h"
#include "common/AtomicFile.h"
#include "core/ConvError.h"

namespace tconv::app {
namespace {

std::string dimsText(const std::vector<int64_t>& d) {
    std::string s = "(";
    for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
    return s + ")";
}

const onnx::NodeProto& convTransposeNode(const onnx::GraphProto& g, const UpsamplingLayer& layer) {
    for (const onnx::NodeProto& n : g.node())
        if (n.op_type() == "ConvTranspose" && onnxio::nodeName(n) == layer.name) return n;
    throw ParameterError("the model has no ConvTranspose named '" + layer.name + "'");
}

onnx::TensorProto& weightInitializer(onnx::GraphProto& g, const onnx::NodeProto& n, const std::string& layer) {
    if (n.input_size() < 2 || n.input(1).empty())
        throw ParameterError("ConvTranspose '" + layer + "' has no weight input");
    for (onnx::TensorProto& t : *g.mutable_initializer())
        if (t.name() == n.input(1)) return t;
    throw ParameterError("the weight '" + n.input(1) + "' of '" + layer +
                         "' is not an initializer of the model (it is computed by another node, e.g. "
                         "DequantizeLinear): only a weight stored as an initializer can be replaced");
}

void replaceValues(onnx::TensorProto& t, const Tensor& weight, const std::string& layer) {
    if (t.data_type() != onnx::TensorProto::FLOAT)
        throw ParameterError("the weight '" + t.name() + "' of '" + layer + "' has ONNX data type " +
                             std::to_string(t.data_type()) + ": only float (1) weights can be replaced");
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
        throw ParameterError("the weight '" + t.name() + "' of '" + layer +
                             "' is stored in an external data file: only weights inside the model can be replaced");
    const Shape4 s = weight.shape();
    const std::vector<int64_t> dims(t.dims().begin(), t.dims().end());
    if (dims != std::vector<int64_t>{s.n, s.c, s.h, s.w})
        throw ParameterError("the repaired weight of '" + layer + "' has shape " + dimsText({s.n, s.c, s.h, s.w}) +
                             " but its initializer '" + t.name() + "' has " + dimsText(dims) +
                             ": only a repair that keeps the kernel size (additive) can be saved into the model");
    const float* v = weight.data();
    const size_t count = static_cast<size_t>(weight.size());
    if (t.has_raw_data()) {
        // ONNX raw data is little-endian, as floats are on every machine this builds for.
        std::string raw(count * sizeof(float), '\0');
        std::memcpy(raw.data(), v, raw.size());
        t.set_raw_data(std::move(raw));
    } else {
        t.clear_float_data();
        t.mutable_float_data()->Add(v, v + count);
    }
}

}  // namespace

std::string layerWeightNotSavable(const UpsamplingLayer& layer) {
    if (layer.op == "ConvTranspose") return {};
    return "'" + layer.name + "' is a " + layer.op +
           ": its equivalent transposed-convolution kernel is not a tensor of the model, so a repair of it cannot "
           "be saved into the model (save the weight as .npy instead)";
}

std::string writeOnnxWithLayerWeight(const std::string& sourcePath, const UpsamplingLayer& layer, const Tensor& weight,
                                     const std::string& destPath) {
    if (const std::string why = layerWeightNotSavable(layer); !why.empty()) throw ParameterError(why);
    onnx::ModelProto model = onnxio::parseModelFile(sourcePath);
    onnx::GraphProto& g = *model.mutable_graph();
    onnx::TensorProto& t = weightInitializer(g, convTransposeNode(g, layer), layer.name);
    replaceValues(t, weight, layer.name);
    std::string bytes;
    if (!model.SerializeToString(&bytes))
        throw ProcessingError("cannot encode the model for '" + destPath + "' (larger than 2 GiB?)");
    writeFileAtomically(destPath, bytes.data(), bytes.size());
    return t.name();
}

std::vector<std::string> onnxDifferences(const std::string& pathA, const std::string& pathB) {
    const onnx::ModelProto a = onnxio::parseModelFile(pathA), b = onnxio::parseModelFile(pathB);
    std::map<std::string, std::string> ia, ib;  // name -> the serialized tensor
    for (const onnx::TensorProto& t : a.graph().initializer()) ia[t.name()] = t.SerializeAsString();
    for (const onnx::TensorProto& t : b.graph().initializer()) ib[t.name()] = t.SerializeAsString();
    std::vector<std::string> out;
    for (const auto& [name, bytes] : ia)
        if (!ib.count(name) || ib[name] != bytes) out.push_back(name);
    for (const auto& [name, bytes] : ib)
        if (!ia.count(name)) out.push_back(name);
    const auto serialized = [](const auto& list) {
        std::string s;
        for (const auto& m : list) s += m.SerializeAsString();
        return s;
    };
    if (serialized(a.graph().node()) != serialized(b.graph().node())) out.push_back("graph nodes");
    if (serialized(a.graph().input()) != serialized(b.graph().input()) ||
        serialized(a.graph().output()) != serialized(b.graph().output()))
        out.push_back("graph inputs/outputs");
    onnx::ModelProto ma = a, mb = b;
    ma.clear_graph();
    mb.clear_graph();
    if (ma.SerializeAsString() != mb.SerializeAsString()) out.push_back("model metadata");
    return out;
}

}  // namespace tconv::app
