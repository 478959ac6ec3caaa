// SPDX-License-Identifier: MIT
#include "audit/OnnxModel.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include <onnx/shape_inference/implementation.h>

#include "audit/internal/OnnxGraph.h"
#include "audit/internal/OnnxLayers.h"
#include "core/ConvError.h"

namespace tconv::app {
namespace {

using onnxio::OnnxGraph;

// Ops a chain passes through: non-linearities and normalisation (left out of
// the linear analysis, as the report says) and plumbing that keeps the values.
const std::set<std::string>& passThroughOps() {
    static const std::set<std::string> ops = {"Relu",
                                              "LeakyRelu",
                                              "PRelu",
                                              "Elu",
                                              "Selu",
                                              "Celu",
                                              "Sigmoid",
                                              "HardSigmoid",
                                              "Tanh",
                                              "Softplus",
                                              "Softsign",
                                              "HardSwish",
                                              "Mish",
                                              "Gelu",
                                              "Clip",
                                              "Dropout",
                                              "Identity",
                                              "Cast",
                                              "BatchNormalization",
                                              "InstanceNormalization",
                                              "LayerNormalization",
                                              "GroupNormalization",
                                              "Mul",
                                              "Add",
                                              "Sub",
                                              "Div"};
    return ops;
}

struct Step {
    ChainStep step;
    int layer = -1;  // index into the layers, -1 for a stride-1 convolution
    std::string in, out;
};

std::string readFile(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw ProcessingError("cannot open '" + path + "' (no such file, or not readable)");
    f.seekg(0, std::ios::end);
    const std::streamoff size = f.tellg();
    if (size <= 0) throw ProcessingError("'" + path + "' is empty, not an ONNX model");
    if (size > (std::streamoff(1) << 31))
        throw ProcessingError("'" + path + "' is larger than 2 GiB, more than one ONNX protobuf can hold");
    std::string bytes(static_cast<size_t>(size), '\0');
    f.seekg(0);
    f.read(bytes.data(), size);
    if (!f) throw ProcessingError("cannot read '" + path + "'");
    return bytes;
}

}  // namespace

onnx::ModelProto onnxio::parseModelFile(const std::string& path) {
    const std::string bytes = readFile(path);
    onnx::ModelProto model;
    if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        throw ProcessingError("'" + path +
                              "' is not an ONNX model: its bytes do not parse as an ONNX ModelProto "
                              "(a truncated file, or another kind of file)");
    if (model.ir_version() <= 0 || !model.has_graph())
        throw ProcessingError("'" + path + "' is not an ONNX model: it has no " +
                              (model.ir_version() <= 0 ? "IR version" : "graph"));
    return model;
}

namespace {

int64_t defaultOpset(const onnx::ModelProto& m) {
    for (const auto& o : m.opset_import())
        if (o.domain().empty() || o.domain() == "ai.onnx") return o.version();
    return 0;
}

// The non-constant input of a pass-through node (its data), or "" when it has several.
std::string dataInput(const OnnxGraph& g, const onnx::NodeProto& n) {
    if (n.op_type() != "Mul" && n.op_type() != "Add" && n.op_type() != "Sub" && n.op_type() != "Div")
        return n.input_size() > 0 ? n.input(0) : "";
    std::string data;
    for (const std::string& in : n.input()) {
        if (in.empty() || g.constant(in)) continue;
        if (!data.empty()) return "";
        data = in;
    }
    return data;
}

class ModelWalk {
public:
    ModelWalk(const OnnxGraph& g, int64_t opset, ModelDescription& d) : g_(g), opset_(opset), d_(d) {}

    void run() {
        markMergedConvolutions();
        for (const onnx::NodeProto& n : g_.graph().node()) visit(n);
        buildChains();
    }

private:
    void markMergedConvolutions() {
        for (const onnx::NodeProto& n : g_.graph().node()) {
            if (n.op_type() == "DepthToSpace") {
                if (const onnx::NodeProto* c = onnxio::convBefore(g_, n)) merged_.insert(c);
            } else if (n.op_type() == "Resize" || n.op_type() == "Upsample") {
                if (!onnxio::resizeOf(g_, n, opset_, nullptr)) continue;
                if (const onnx::NodeProto* c = onnxio::convAfter(g_, n)) merged_.insert(c);
            }
        }
    }

    void addLayer(UpsamplingLayer l, const std::string& in, const std::string& out) {
        d_.layers.push_back(std::move(l));
        steps_.push_back(Step{chainStepOf(d_.layers.back()), static_cast<int>(d_.layers.size()) - 1, in, out});
    }

    void visit(const onnx::NodeProto& n) {
        const std::string& op = n.op_type();
        if (op == "ConvTranspose") {
            addLayer(onnxio::convTransposeLayer(g_, n), n.input(0), n.output(0));
        } else if (op == "Resize" || op == "Upsample") {
            std::string why;
            const std::optional<ResizeDesc> r = onnxio::resizeOf(g_, n, opset_, &why);
            const onnx::NodeProto* conv = r ? onnxio::convAfter(g_, n) : nullptr;
            if (conv) addLayer(onnxio::resizeConvNodes(g_, n, *r, *conv), n.input(0), conv->output(0));
            else
                d_.warnings.push_back(op + " '" + onnxio::nodeName(n) +
                                      "' not analysed: " + (r ? "no stride-1 Conv reads its output alone" : why));
        } else if (op == "DepthToSpace") {
            const onnx::NodeProto* conv = onnxio::convBefore(g_, n);
            addLayer(onnxio::depthToSpaceNodes(g_, n, conv), conv ? conv->input(0) : n.input(0), n.output(0));
        } else if (op == "Conv" && !merged_.count(&n)) {
            if (const std::optional<ConvolutionDesc> c = onnxio::strideOneConvolution(g_, n))
                steps_.push_back(Step{convolutionStep(onnxio::nodeName(n), c->weight, c->dilation, c->groups,
                                                      Size2(c->pads[0], c->pads[1])),
                                      -1, n.input(0), n.output(0)});
        } else if (passThroughOps().count(op) && n.output_size() > 0) {
            const std::string in = dataInput(g_, n);
            if (!in.empty()) passThrough_[n.output(0)] = {in, op};
        }
    }

    // The step whose output reaches `tensor` through pass-through ops only (-1: none), and those ops.
    int origin(std::string tensor, std::vector<std::string>& ops) const {
        for (int guard = 0; guard < 100000; ++guard) {
            for (size_t i = 0; i < steps_.size(); ++i)
                if (steps_[i].out == tensor) return static_cast<int>(i);
            const auto it = passThrough_.find(tensor);
            if (it == passThrough_.end()) return -1;
            ops.push_back(it->second.second);
            tensor = it->second.first;
        }
        return -1;
    }

    void buildChains() {
        const size_t n = steps_.size();
        std::vector<int> pred(n, -1), succCount(n, 0);
        std::vector<std::vector<std::string>> linkOps(n);
        for (size_t i = 0; i < n; ++i) {
            pred[i] = origin(steps_[i].in, linkOps[i]);
            if (pred[i] >= 0) ++succCount[static_cast<size_t>(pred[i])];
        }
        std::vector<int> next(n, -1);
        std::vector<bool> hasPrev(n, false);
        for (size_t i = 0; i < n; ++i)
            if (pred[i] >= 0 && succCount[static_cast<size_t>(pred[i])] == 1) {
                next[static_cast<size_t>(pred[i])] = static_cast<int>(i);
                hasPrev[i] = true;
            }
        for (size_t start = 0; start < n; ++start) {
            if (hasPrev[start]) continue;
            std::vector<int> run;
            for (int i = static_cast<int>(start); i >= 0; i = next[static_cast<size_t>(i)]) run.push_back(i);
            // Only the convolutions between upsampling layers belong to the chain.
            while (!run.empty() && steps_[static_cast<size_t>(run.back())].layer < 0) run.pop_back();
            const auto first = std::find_if(run.begin(), run.end(),
                                            [this](int i) { return steps_[static_cast<size_t>(i)].layer >= 0; });
            run.erase(run.begin(), first);
            if (run.empty()) continue;
            ModelChain chain;
            for (size_t k = 0; k < run.size(); ++k) {
                const Step& s = steps_[static_cast<size_t>(run[k])];
                chain.steps.push_back(s.step);
                chain.layerOfStep.push_back(s.layer);
                if (k == 0) continue;
                for (const std::string& op : linkOps[static_cast<size_t>(run[k])])
                    if (std::find(chain.ignoredOps.begin(), chain.ignoredOps.end(), op) == chain.ignoredOps.end())
                        chain.ignoredOps.push_back(op);
            }
            d_.chains.push_back(std::move(chain));
        }
    }

    const OnnxGraph& g_;
    int64_t opset_;
    ModelDescription& d_;
    std::set<const onnx::NodeProto*> merged_;
    std::vector<Step> steps_;
    std::map<std::string, std::pair<std::string, std::string>> passThrough_;  // output -> (data input, op)
};

}  // namespace

bool onnxSupportBuiltIn() { return true; }

ModelDescription readOnnxModel(const std::string& path) {
    onnx::ModelProto model = onnxio::parseModelFile(path);
    ModelDescription d;
    d.path = path;
    d.producer = model.producer_name() + (model.producer_version().empty() ? "" : " " + model.producer_version());
    d.irVersion = model.ir_version();
    d.opset = defaultOpset(model);
    d.nodeCount = model.graph().node_size();
    try {
        onnx::shape_inference::InferShapes(model);
    } catch (const std::exception& e) {
        d.warnings.push_back(std::string("shape inference failed (shapes shown as unknown): ") + e.what());
    }
    const size_t slash = path.find_last_of('/');
    const OnnxGraph graph(model.graph(), slash == std::string::npos ? "" : path.substr(0, slash + 1));
    ModelWalk(graph, d.opset, d).run();
    return d;
}

}  // namespace tconv::app
