// SPDX-License-Identifier: MIT
#include "audit/internal/OnnxGraph.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>

#include "core/ConvError.h"

namespace tconv::app::onnxio {
namespace {

float halfToFloat(uint16_t h) {
    const int sign = h >> 15, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
    float v;
    if (exponent == 0) v = std::ldexp(static_cast<float>(mantissa), -24);
    else if (exponent == 31) v = mantissa ? NAN : INFINITY;
    else v = std::ldexp(static_cast<float>(mantissa + 1024), exponent - 25);
    return sign ? -v : v;
}

float bfloat16ToFloat(uint16_t b) {
    const uint32_t bits = static_cast<uint32_t>(b) << 16;
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

size_t elementBytes(int type) {
    switch (type) {
        case onnx::TensorProto::FLOAT:
        case onnx::TensorProto::INT32:
        case onnx::TensorProto::UINT32: return 4;
        case onnx::TensorProto::DOUBLE:
        case onnx::TensorProto::INT64:
        case onnx::TensorProto::UINT64: return 8;
        case onnx::TensorProto::FLOAT16:
        case onnx::TensorProto::BFLOAT16:
        case onnx::TensorProto::INT16:
        case onnx::TensorProto::UINT16: return 2;
        case onnx::TensorProto::INT8:
        case onnx::TensorProto::UINT8:
        case onnx::TensorProto::BOOL: return 1;
        default: return 0;
    }
}

// One little-endian element of `type` at p.
float rawElement(int type, const unsigned char* p) {
    switch (type) {
        case onnx::TensorProto::FLOAT: {
            float v;
            std::memcpy(&v, p, 4);
            return v;
        }
        case onnx::TensorProto::DOUBLE: {
            double v;
            std::memcpy(&v, p, 8);
            return static_cast<float>(v);
        }
        case onnx::TensorProto::INT32: {
            int32_t v;
            std::memcpy(&v, p, 4);
            return static_cast<float>(v);
        }
        case onnx::TensorProto::UINT32: {
            uint32_t v;
            std::memcpy(&v, p, 4);
            return static_cast<float>(v);
        }
        case onnx::TensorProto::INT64: {
            int64_t v;
            std::memcpy(&v, p, 8);
            return static_cast<float>(v);
        }
        case onnx::TensorProto::UINT64: {
            uint64_t v;
            std::memcpy(&v, p, 8);
            return static_cast<float>(v);
        }
        case onnx::TensorProto::FLOAT16: return halfToFloat(static_cast<uint16_t>(p[0] | (p[1] << 8)));
        case onnx::TensorProto::BFLOAT16: return bfloat16ToFloat(static_cast<uint16_t>(p[0] | (p[1] << 8)));
        case onnx::TensorProto::INT16: {
            int16_t v;
            std::memcpy(&v, p, 2);
            return static_cast<float>(v);
        }
        case onnx::TensorProto::UINT16: {
            uint16_t v;
            std::memcpy(&v, p, 2);
            return static_cast<float>(v);
        }
        case onnx::TensorProto::INT8: return static_cast<float>(static_cast<int8_t>(p[0]));
        default: return static_cast<float>(p[0]);  // UINT8, BOOL
    }
}

std::string externalBytes(const onnx::TensorProto& t, const std::string& modelDir) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto& e : t.external_data()) {
        if (e.key() == "location") location = e.value();
        else if (e.key() == "offset") offset = std::stoll(e.value());
        else if (e.key() == "length") length = std::stoll(e.value());
    }
    if (location.empty() || location.find("..") != std::string::npos || location.front() == '/')
        throw ProcessingError("initializer '" + t.name() + "': external data location '" + location +
                              "' is not a file name beside the model");
    const std::string path = modelDir + location;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ProcessingError("initializer '" + t.name() + "': cannot open its external data file '" + path + "'");
    in.seekg(0, std::ios::end);
    const int64_t size = static_cast<int64_t>(in.tellg());
    if (length < 0) length = size - offset;
    if (offset < 0 || length < 0 || offset + length > size)
        throw ProcessingError("initializer '" + t.name() + "': external data '" + path + "' holds " +
                              std::to_string(size) + " bytes, fewer than offset " + std::to_string(offset) +
                              " + length " + std::to_string(length));
    std::string bytes(static_cast<size_t>(length), '\0');
    in.seekg(offset);
    in.read(bytes.data(), length);
    return bytes;
}

template <class Field, class Convert>
void typedValues(const Field& field, std::vector<float>& out, Convert convert) {
    out.reserve(static_cast<size_t>(field.size()));
    for (const auto& v : field) out.push_back(convert(v));
}

const onnx::AttributeProto* findAttr(const onnx::NodeProto& n, const std::string& name) {
    for (const onnx::AttributeProto& a : n.attribute())
        if (a.name() == name) return &a;
    return nullptr;
}

[[noreturn]] void wrongAttr(const onnx::NodeProto& n, const std::string& name, const char* expected) {
    throw ProcessingError("node '" + nodeName(n) + "' (" + n.op_type() + "): attribute " + name + " should be " +
                          expected);
}

}  // namespace

ConstTensor tensorValues(const onnx::TensorProto& t, const std::string& modelDir) {
    ConstTensor r;
    int64_t count = 1;
    for (int64_t d : t.dims()) {
        if (d < 0 || (d > 0 && count > (int64_t(1) << 40) / d))
            throw ProcessingError("initializer '" + t.name() + "' has an impossible shape");
        r.dims.push_back(d);
        count *= d;
    }
    const int type = t.data_type();
    const size_t bytes = elementBytes(type);
    if (bytes == 0)
        throw ProcessingError("initializer '" + t.name() + "' has data type " + std::to_string(type) +
                              ", not a number type this audit reads");
    const bool external = t.data_location() == onnx::TensorProto::EXTERNAL;
    if (external || t.has_raw_data()) {
        const std::string raw = external ? externalBytes(t, modelDir) : t.raw_data();
        if (raw.size() != static_cast<size_t>(count) * bytes)
            throw ProcessingError("initializer '" + t.name() + "' holds " + std::to_string(raw.size()) +
                                  " bytes of data, but its shape needs " + std::to_string(count * int64_t(bytes)));
        const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
        r.values.resize(static_cast<size_t>(count));
        for (int64_t i = 0; i < count; ++i) r.values[static_cast<size_t>(i)] = rawElement(type, p + i * int64_t(bytes));
        return r;
    }
    switch (type) {
        case onnx::TensorProto::FLOAT: typedValues(t.float_data(), r.values, [](float v) { return v; }); break;
        case onnx::TensorProto::DOUBLE:
            typedValues(t.double_data(), r.values, [](double v) { return static_cast<float>(v); });
            break;
        case onnx::TensorProto::INT64:
            typedValues(t.int64_data(), r.values, [](int64_t v) { return static_cast<float>(v); });
            break;
        case onnx::TensorProto::UINT32:
        case onnx::TensorProto::UINT64:
            typedValues(t.uint64_data(), r.values, [](uint64_t v) { return static_cast<float>(v); });
            break;
        case onnx::TensorProto::FLOAT16:
            typedValues(t.int32_data(), r.values, [](int32_t v) { return halfToFloat(static_cast<uint16_t>(v)); });
            break;
        case onnx::TensorProto::BFLOAT16:
            typedValues(t.int32_data(), r.values, [](int32_t v) { return bfloat16ToFloat(static_cast<uint16_t>(v)); });
            break;
        default: typedValues(t.int32_data(), r.values, [](int32_t v) { return static_cast<float>(v); }); break;
    }
    if (static_cast<int64_t>(r.values.size()) != count)
        throw ProcessingError("initializer '" + t.name() + "' holds " + std::to_string(r.values.size()) +
                              " values, but its shape needs " + std::to_string(count));
    return r;
}

OnnxGraph::OnnxGraph(const onnx::GraphProto& graph, std::string modelDir)
    : graph_(graph), modelDir_(std::move(modelDir)) {
    for (const onnx::TensorProto& t : graph.initializer()) initializers_[t.name()] = &t;
    for (const onnx::NodeProto& n : graph.node()) {
        for (const std::string& o : n.output()) producers_[o] = &n;
        for (const std::string& i : n.input())
            if (!i.empty()) consumers_[i].push_back(&n);
    }
    const auto addDims = [this](const onnx::ValueInfoProto& v) {
        if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return;
        std::vector<int64_t> d;
        for (const auto& dim : v.type().tensor_type().shape().dim())
            d.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
        dims_[v.name()] = d;
    };
    for (const auto& v : graph.input()) addDims(v);
    for (const auto& v : graph.value_info()) addDims(v);
    for (const auto& v : graph.output()) addDims(v);
    for (const auto& [name, t] : initializers_) dims_[name] = std::vector<int64_t>(t->dims().begin(), t->dims().end());
}

const onnx::NodeProto* OnnxGraph::producer(const std::string& tensor) const {
    const auto it = producers_.find(tensor);
    return it == producers_.end() ? nullptr : it->second;
}

std::vector<const onnx::NodeProto*> OnnxGraph::consumers(const std::string& tensor) const {
    const auto it = consumers_.find(tensor);
    return it == consumers_.end() ? std::vector<const onnx::NodeProto*>{} : it->second;
}

std::vector<int64_t> OnnxGraph::dims(const std::string& tensor) const {
    const auto it = dims_.find(tensor);
    return it == dims_.end() ? std::vector<int64_t>{} : it->second;
}

std::optional<ConstTensor> OnnxGraph::constant(const std::string& tensor, std::vector<std::string>* via) const {
    if (const auto it = initializers_.find(tensor); it != initializers_.end())
        return tensorValues(*it->second, modelDir_);
    const onnx::NodeProto* n = producer(tensor);
    if (!n) return std::nullopt;
    const std::string& op = n->op_type();
    if (op == "Constant") {
        if (const onnx::AttributeProto* a = findAttr(*n, "value"); a && a->has_t())
            return tensorValues(a->t(), modelDir_);
        if (const onnx::AttributeProto* a = findAttr(*n, "value_float")) return ConstTensor{{}, {a->f()}};
        if (const onnx::AttributeProto* a = findAttr(*n, "value_floats"))
            return ConstTensor{{a->floats_size()}, std::vector<float>(a->floats().begin(), a->floats().end())};
        if (const onnx::AttributeProto* a = findAttr(*n, "value_ints")) {
            ConstTensor c{{a->ints_size()}, {}};
            for (int64_t v : a->ints()) c.values.push_back(static_cast<float>(v));
            return c;
        }
        return std::nullopt;
    }
    if ((op == "Identity" || op == "Cast") && n->input_size() >= 1) {
        std::optional<ConstTensor> c = constant(n->input(0), via);
        if (c && via) via->push_back(op);
        return c;
    }
    if (op == "DequantizeLinear" && n->input_size() >= 2) {
        std::optional<ConstTensor> x = constant(n->input(0), via), scale = constant(n->input(1), via);
        std::optional<ConstTensor> zero =
            n->input_size() >= 3 && !n->input(2).empty() ? constant(n->input(2), via) : ConstTensor{{}, {0.0f}};
        if (!x || !scale || !zero) return std::nullopt;
        const int64_t rank = static_cast<int64_t>(x->dims.size());
        int64_t axis = attrInt(*n, "axis", 1);
        if (axis < 0) axis += rank;
        const size_t perAxis = scale->values.size();
        if (perAxis > 1 &&
            (axis < 0 || axis >= rank || static_cast<int64_t>(perAxis) != x->dims[static_cast<size_t>(axis)] ||
             zero->values.size() != perAxis))
            throw ProcessingError("node '" + nodeName(*n) + "' (DequantizeLinear): " + std::to_string(perAxis) +
                                  " scales do not match axis " + std::to_string(axis) + " of its input");
        int64_t inner = 1;
        for (int64_t d = axis + 1; d < rank; ++d) inner *= x->dims[static_cast<size_t>(d)];
        for (size_t i = 0; i < x->values.size(); ++i) {
            const size_t k = perAxis > 1 ? (i / static_cast<size_t>(inner)) % perAxis : 0;
            x->values[i] = (x->values[i] - zero->values[k]) * scale->values[k];
        }
        if (via) via->push_back(op);
        return x;
    }
    return std::nullopt;
}

std::string nodeName(const onnx::NodeProto& n) {
    if (!n.name().empty()) return n.name();
    return n.output_size() > 0 ? n.output(0) : n.op_type();
}

bool hasAttr(const onnx::NodeProto& n, const std::string& name) { return findAttr(n, name) != nullptr; }

int64_t attrInt(const onnx::NodeProto& n, const std::string& name, int64_t fallback) {
    const onnx::AttributeProto* a = findAttr(n, name);
    if (!a) return fallback;
    if (a->type() != onnx::AttributeProto::INT) wrongAttr(n, name, "an integer");
    return a->i();
}

float attrFloat(const onnx::NodeProto& n, const std::string& name, float fallback) {
    const onnx::AttributeProto* a = findAttr(n, name);
    if (!a) return fallback;
    if (a->type() != onnx::AttributeProto::FLOAT) wrongAttr(n, name, "a float");
    return a->f();
}

std::string attrString(const onnx::NodeProto& n, const std::string& name, const std::string& fallback) {
    const onnx::AttributeProto* a = findAttr(n, name);
    if (!a) return fallback;
    if (a->type() != onnx::AttributeProto::STRING) wrongAttr(n, name, "a string");
    return a->s();
}

std::vector<int64_t> attrInts(const onnx::NodeProto& n, const std::string& name) {
    const onnx::AttributeProto* a = findAttr(n, name);
    if (!a) return {};
    if (a->type() != onnx::AttributeProto::INTS) wrongAttr(n, name, "a list of integers");
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

std::vector<float> attrFloats(const onnx::NodeProto& n, const std::string& name) {
    const onnx::AttributeProto* a = findAttr(n, name);
    if (!a) return {};
    if (a->type() != onnx::AttributeProto::FLOATS) wrongAttr(n, name, "a list of floats");
    return std::vector<float>(a->floats().begin(), a->floats().end());
}

}  // namespace tconv::app::onnxio
