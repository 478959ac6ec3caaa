// SPDX-License-Identifier: MIT
#include "analysis/LayerStack.h"

#include <algorithm>
#include <limits>
#include <string>

#include "core/ConvError.h"
#include "core/ConvTranspose.h"
#include "core/Validation.h"

namespace tconv {
namespace {

int64_t floorMod(int64_t a, int64_t b) { return ((a % b) + b) % b; }

std::string layerName(size_t i) { return "stack layer " + std::to_string(i + 1); }

void checkCount(const std::vector<ConvLayer>& layers) {
    if (layers.empty() || layers.size() > static_cast<size_t>(kMaxStackLayers))
        throw ParameterError("a stack has 1 to " + std::to_string(kMaxStackLayers) + " layers, but got " +
                             std::to_string(layers.size()));
}

}  // namespace

// The stack as one transposed convolution, per axis: each layer's kernel
// extent, crops and output padding scaled by the strides of the layers after it.
ConvParams layerStackEquivalent(const std::vector<ConvLayer>& layers) {
    ConvParams e;
    int64_t kh = 1, kw = 1, ph = 0, pw = 0, eh = 0, ew = 0, qh = 0, qw = 0, sh = 1, sw = 1;
    // Each term is below 2^61 (an int times 254 times a stride product <= 2^22);
    // sums stop growing past the int range, so 8 of them cannot overflow.
    const auto add = [](int64_t& sum, int64_t term) {
        sum = std::min<int64_t>(sum + term, int64_t(std::numeric_limits<int>::max()) + 1);
    };
    for (size_t i = layers.size(); i-- > 0;) {
        const ConvParams& p = layers[i].params;
        const Size2 k(static_cast<int>(layers[i].weight.shape().h), static_cast<int>(layers[i].weight.shape().w));
        add(kh, int64_t(p.dilation.h) * (k.h - 1) * sh);
        add(kw, int64_t(p.dilation.w) * (k.w - 1) * sw);
        add(ph, int64_t(padBegin(p).h) * sh);
        add(pw, int64_t(padBegin(p).w) * sw);
        add(eh, int64_t(padEnd(p).h) * sh);
        add(ew, int64_t(padEnd(p).w) * sw);
        add(qh, int64_t(p.outputPadding.h) * sh);
        add(qw, int64_t(p.outputPadding.w) * sw);
        sh *= p.stride.h;
        sw *= p.stride.w;
    }
    // The strides' product fits (analyzeChain refused more than 2^22 phases);
    // huge dilations or paddings can still make an extent beyond an int.
    auto i32 = [](int64_t v) {
        if (v > std::numeric_limits<int>::max())
            throw ParameterError("the stack as one layer has an extent or crop of " + std::to_string(v) +
                                 ", more than " + std::to_string(std::numeric_limits<int>::max()));
        return static_cast<int>(v);
    };
    e.kernel = Size2(i32(kh), i32(kw));
    e.stride = Size2(i32(sh), i32(sw));
    e.padding = Size2(i32(ph), i32(pw));
    if (eh != ph || ew != pw) e.paddingEnd = Size2(i32(eh), i32(ew));
    e.outputPadding = Size2(i32(qh), i32(qw));
    return e;
}

// The chain's table (indexed by o mod S) re-indexed by (o + P) mod S.
PhaseGainTable layerIndexedTable(const PhaseGainTable& t, Size2 crop) {
    PhaseGainTable r = t;
    for (int y = 0; y < t.sh; ++y)
        for (int x = 0; x < t.sw; ++x) {
            const size_t dst = static_cast<size_t>(floorMod(y + crop.h, t.sh) * t.sw + floorMod(x + crop.w, t.sw));
            r.gain[dst] = t.at(y, x);
            r.tapCount[dst] = t.count(y, x);
        }
    return r;
}

namespace {

// ChainAnalysis names a step "chain step 4 ('layer 4')": here it is "stack layer 4".
std::string stackMessage(const std::string& chainMessage) {
    const std::string prefix = "chain step ";
    const size_t open = chainMessage.find(" ('"), close = chainMessage.find("'): ");
    if (chainMessage.rfind(prefix, 0) != 0 || open == std::string::npos || close == std::string::npos)
        return chainMessage;
    return "stack layer " + chainMessage.substr(prefix.size(), open - prefix.size()) + chainMessage.substr(close + 2);
}

}  // namespace

ChainStep layerStackStep(const ConvLayer& layer, size_t index) {
    ChainStep s;
    s.name = "layer " + std::to_string(index + 1);
    s.layer = layer;
    s.layer.bias.clear();
    s.cropBegin = padBegin(layer.params);
    return s;
}

LayerStackAnalysis analyzeLayerStack(const std::vector<ConvLayer>& layers) {
    checkCount(layers);
    std::vector<ChainStep> steps;
    for (size_t i = 0; i < layers.size(); ++i) {
        try {
            validateParams(layers[i].params);
        } catch (const ParameterError& e) {
            throw ParameterError(layerName(i) + ": " + e.what());
        }
        if (i > 0 && layers[i].inChannels() != layers[i - 1].outChannels())
            throw ParameterError(layerName(i) + ": expects " + std::to_string(layers[i].inChannels()) +
                                 " input channels, but " + layerName(i - 1) + " gives " +
                                 std::to_string(layers[i - 1].outChannels()));
        steps.push_back(layerStackStep(layers[i], i));
    }
    LayerStackAnalysis a;
    try {
        a.stack = analyzeChain(steps);
    } catch (const ParameterError& e) {
        throw ParameterError(stackMessage(e.what()));
    }
    a.equivalent = layerStackEquivalent(layers);
    for (const PhaseGainTable& t : a.stack.tables) {
        a.tables.push_back(layerIndexedTable(t, a.equivalent.padding));
        a.scores.push_back(artifactScores(a.tables.back()));
        const ArtifactScores& s = a.scores.back();
        const ArtifactScores& w = a.scores[static_cast<size_t>(a.worstChannel)];
        if ((s.holes && !w.holes) || (s.holes == w.holes && s.cv > w.cv))
            a.worstChannel = static_cast<int64_t>(a.scores.size() - 1);
    }
    for (const ConvLayer& l : layers) a.layers.push_back(channelScores(l));
    return a;
}

std::vector<Shape4> layerStackShapes(const Shape4& input, const std::vector<ConvLayer>& layers,
                                     const ResourceLimits& limits) {
    checkCount(layers);
    std::vector<Shape4> shapes;
    Shape4 in = input;
    for (size_t i = 0; i < layers.size(); ++i) {
        try {
            in = validateProblem(layers[i].problemFor(in), limits);
        } catch (const ParameterError& e) {
            throw ParameterError(layerName(i) + " (input " + shapeText(in) + "): " + e.what());
        }
        shapes.push_back(in);
    }
    return shapes;
}

std::vector<Tensor> runLayerStack(const Tensor& input, const std::vector<ConvLayer>& layers, Backend& backend,
                                  const std::function<bool()>& cancelled, const ResourceLimits& limits) {
    layerStackShapes(input.shape(), layers, limits);
    std::vector<Tensor> outputs;
    for (const ConvLayer& layer : layers) {
        if (cancelled && cancelled()) break;
        outputs.push_back(convTranspose2d(outputs.empty() ? input : outputs.back(), layer, backend, limits));
    }
    return outputs;
}

}  // namespace tconv
