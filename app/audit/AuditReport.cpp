// SPDX-License-Identifier: MIT
#include "audit/AuditReport.h"

#include <cmath>
#include <cstdio>

#include "common/JsonText.h"

namespace tconv::app {
namespace {

std::string dimText(int64_t d) { return d < 0 ? "?" : std::to_string(d); }

std::string shapeOrUnknown(const Shape4& s) {
    return "(" + dimText(s.n) + ", " + dimText(s.c) + ", " + dimText(s.h) + ", " + dimText(s.w) + ")";
}

std::string jsonPair(int64_t a, int64_t b) { return "[" + std::to_string(a) + "," + std::to_string(b) + "]"; }

std::string jsonShape(const Shape4& s) {
    const auto d = [](int64_t v) { return v < 0 ? std::string("null") : std::to_string(v); };
    return "[" + d(s.n) + "," + d(s.c) + "," + d(s.h) + "," + d(s.w) + "]";
}

std::string jsonStrings(const std::vector<std::string>& v) {
    std::string o = "[";
    for (size_t i = 0; i < v.size(); ++i) o += (i ? "," : "") + jsonString(v[i]);
    return o + "]";
}

std::string jsonNumbers(const std::vector<double>& v) {
    std::string o = "[";
    for (size_t i = 0; i < v.size(); ++i) o += (i ? "," : "") + jsonNumber(v[i]);
    return o + "]";
}

std::string jsonTable(const PhaseGainTable& t) {
    std::string o = "[";
    for (int ry = 0; ry < t.sh; ++ry) {
        o += ry ? ",[" : "[";
        for (int rx = 0; rx < t.sw; ++rx) o += (rx ? "," : "") + jsonNumber(t.at(ry, rx));
        o += "]";
    }
    return o + "]";
}

std::string layerParams(const UpsamplingLayer& l) {
    const ConvParams& p = l.layer.params;
    std::string s = "k=" + sizeText(p.kernel) + " s=" + sizeText(p.stride) + " pads=" + padsText(l.pads) +
                    " op=" + sizeText(p.outputPadding) + " d=" + sizeText(p.dilation) +
                    " g=" + std::to_string(p.groups);
    if (l.autoPad != "NOTSET") s += " auto_pad=" + l.autoPad;
    if (!l.outputShape.empty()) {
        s += " output_shape=[";
        for (size_t i = 0; i < l.outputShape.size(); ++i) s += (i ? "," : "") + std::to_string(l.outputShape[i]);
        s += "]";
    }
    return s;
}

void appendLayerText(std::string& o, size_t index, const UpsamplingLayer& l, const LayerAudit& a) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "\n%zu. %s  [%s]  %s -> %s\n", index + 1, l.name.c_str(), l.op.c_str(),
                  shapeOrUnknown(l.input).c_str(), shapeOrUnknown(l.output).c_str());
    o += buf;
    if (l.nodes.size() > 1) {
        o += "   nodes:";
        for (const std::string& n : l.nodes) o += " " + n;
        o += "\n";
    }
    o += "   " + layerParams(l) + "; weight " + shapeText(l.layer.weight.shape()) +
         (l.layer.bias.empty() ? ", no bias" : ", bias") + "\n";
    std::snprintf(buf, sizeof buf,
                  "   CV per output channel: median %s, worst %s (channel %lld of %zu); %lld ripple by 1%% or more; "
                  "holes: %s\n",
                  cvText(a.cvMedian).c_str(), cvText(a.cvWorst).c_str(), static_cast<long long>(a.channels.worst),
                  a.channels.scores.size(), static_cast<long long>(a.channelsRippling),
                  a.channelsWithHoles ? (std::to_string(a.channelsWithHoles) + " channel(s)").c_str() : "no");
    o += buf;
    o += "   verdict: " + a.worst().verdict + "\n";
    for (const std::string& n : l.notes) o += "   note: " + n + "\n";
}

void appendTableText(std::string& o, const PhaseGainTable& t) {
    if (t.sh * t.sw > 16 * 16) {
        o += "   (the " + std::to_string(t.sh) + "x" + std::to_string(t.sw) + " table is in --json)\n";
        return;
    }
    for (int ry = 0; ry < t.sh; ++ry) {
        o += "  ";
        for (int rx = 0; rx < t.sw; ++rx) {
            char buf[48];
            std::snprintf(buf, sizeof buf, " %10s%s", shortNumber(t.at(ry, rx)).c_str(), t.count(ry, rx) ? "" : "*");
            o += buf;
        }
        o += "\n";
    }
}

void appendChainText(std::string& o, const ModelAudit& a, size_t index) {
    const ModelChain& chain = a.model.chains[index];
    const ChainAudit& c = a.chains[index];
    int layers = 0;
    for (int l : chain.layerOfStep) layers += l >= 0;
    o += "\nchain " + std::to_string(index + 1) + ": " + std::to_string(layers) + " upsampling layer(s), " +
         std::to_string(static_cast<int>(chain.steps.size()) - layers) + " stride-1 convolution(s) between:";
    for (const ChainStep& s : chain.steps) o += " " + s.name;
    o += "\n";
    if (!c.error.empty()) {
        o += "   not analysed: " + c.error + "\n";
        return;
    }
    const ChainAnalysis& r = c.analysis;
    o += "   note: " + std::string(kLinearChainNote);
    if (!chain.ignoredOps.empty()) {
        o += " (here:";
        for (const std::string& op : chain.ignoredOps) o += " " + op;
        o += ")";
    }
    o += "\n   total stride " + std::to_string(r.stride.h) + "x" + std::to_string(r.stride.w) + ", period " +
         std::to_string(r.period.h) + "x" + std::to_string(r.period.w) + ", CV " + cvText(r.cv) + " (mean over " +
         std::to_string(r.scores.size()) + " output channels; " + cvText(c.cvMeanTable) + " for their mean table)\n";
    o += "   CV after each step:";
    for (size_t i = 0; i < r.cvAfterStep.size(); ++i) o += (i ? " -> " : " ") + cvText(r.cvAfterStep[i]);
    o += "\n   verdict: " + chainVerdict(c) + "\n";
    if (r.worstStep >= 0)
        o += "   worst layer: " + c.worstLayer + " (repairing its kernel alone lowers the chain's CV to " +
             cvText(r.cvWithStepRepaired[static_cast<size_t>(r.worstStep)]) + ")\n";
    o += "   compound phase gain (mean over output channels; row = output row mod " + std::to_string(r.stride.h) +
         ", column = output column mod " + std::to_string(r.stride.w) + "; * = no path):\n";
    appendTableText(o, r.meanTable);
}

std::string layerJson(const UpsamplingLayer& l, const LayerAudit& a) {
    const ConvParams& p = l.layer.params;
    std::string o = "{\"name\":" + jsonString(l.name);
    o += ",\"op\":" + jsonString(l.op);
    o += ",\"nodes\":" + jsonStrings(l.nodes);
    o += ",\"kernel_size\":" + jsonPair(p.kernel.h, p.kernel.w);
    o += ",\"stride\":" + jsonPair(p.stride.h, p.stride.w);
    o += ",\"pads\":[" + std::to_string(l.pads[0]) + "," + std::to_string(l.pads[1]) + "," + std::to_string(l.pads[2]) +
         "," + std::to_string(l.pads[3]) + "]";
    o += ",\"output_padding\":" + jsonPair(p.outputPadding.h, p.outputPadding.w);
    o += ",\"dilation\":" + jsonPair(p.dilation.h, p.dilation.w);
    o += ",\"group\":" + std::to_string(p.groups);
    o += ",\"auto_pad\":" + jsonString(l.autoPad);
    std::string shape = "[";
    for (size_t i = 0; i < l.outputShape.size(); ++i) shape += (i ? "," : "") + std::to_string(l.outputShape[i]);
    o += ",\"output_shape_attribute\":" + shape + "]";
    const Shape4 w = l.layer.weight.shape();
    o += ",\"weight_shape\":[" + std::to_string(w.n) + "," + std::to_string(w.c) + "," + std::to_string(w.h) + "," +
         std::to_string(w.w) + "]";
    o += ",\"bias\":" + std::string(l.layer.bias.empty() ? "false" : "true");
    o += ",\"input_shape\":" + jsonShape(l.input);
    o += ",\"output_shape\":" + jsonShape(l.output);
    o += ",\"cv_median\":" + jsonNumber(a.cvMedian);
    o += ",\"cv_worst\":" + jsonNumber(a.cvWorst);
    o += ",\"worst_channel\":" + std::to_string(a.channels.worst);
    o += ",\"channels\":" + std::to_string(a.channels.scores.size());
    o += ",\"channels_rippling\":" + std::to_string(a.channelsRippling);
    o += ",\"channels_with_holes\":" + std::to_string(a.channelsWithHoles);
    o += ",\"holes\":" + std::string(a.channelsWithHoles > 0 ? "true" : "false");
    o += ",\"severity\":" + jsonString(a.worst().severity);
    o += ",\"verdict\":" + jsonString(a.worst().verdict);
    o += ",\"notes\":" + jsonStrings(l.notes);
    return o + "}";
}

std::string chainJson(const ModelAudit& a, size_t index) {
    const ModelChain& chain = a.model.chains[index];
    const ChainAudit& c = a.chains[index];
    std::vector<std::string> names;
    for (const ChainStep& s : chain.steps) names.push_back(s.name);
    std::string o = "{\"steps\":" + jsonStrings(names);
    o += ",\"ignored_ops\":" + jsonStrings(chain.ignoredOps);
    if (!c.error.empty()) return o + ",\"error\":" + jsonString(c.error) + "}";
    const ChainAnalysis& r = c.analysis;
    o += ",\"stride\":" + jsonPair(r.stride.h, r.stride.w);
    o += ",\"period\":" + jsonPair(r.period.h, r.period.w);
    o += ",\"phase_gain\":" + jsonTable(r.meanTable);
    o += ",\"cv\":" + jsonNumber(r.cv);
    o += ",\"cv_mean_table\":" + jsonNumber(c.cvMeanTable);
    std::vector<double> channelCv;
    for (const ArtifactScores& s : r.scores) channelCv.push_back(s.cv);
    o += ",\"channel_cv\":" + jsonNumbers(channelCv);
    o += ",\"cv_after_step\":" + jsonNumbers(r.cvAfterStep);
    o += ",\"cv_with_step_repaired\":" + jsonNumbers(r.cvWithStepRepaired);
    o += ",\"worst_layer\":" + (c.worstLayer.empty() ? std::string("null") : jsonString(c.worstLayer));
    o += ",\"verdict\":" + jsonString(chainVerdict(c));
    return o + "}";
}

}  // namespace

std::string auditText(const ModelAudit& a) {
    const ModelDescription& m = a.model;
    std::string o = "model: " + m.path + " (" + (m.producer.empty() ? "producer unknown" : m.producer) + ", opset " +
                    std::to_string(m.opset) + ", " + std::to_string(m.nodeCount) + " nodes)\n";
    if (m.layers.empty()) {
        o += "no upsampling layers found (ConvTranspose, Resize/Upsample followed by a Conv, DepthToSpace)\n";
    } else {
        o += "upsampling layers: " + std::to_string(m.layers.size()) +
             " (CV: std/mean of an output channel's phase gains, as tconv analyze)\n";
        for (size_t i = 0; i < m.layers.size(); ++i) appendLayerText(o, i, m.layers[i], a.layers[i]);
        for (size_t i = 0; i < m.chains.size(); ++i) appendChainText(o, a, i);
    }
    for (const std::string& w : m.warnings) o += "\nwarning: " + w;
    if (!m.warnings.empty()) o += "\n";
    return o;
}

std::string auditJson(const ModelAudit& a) {
    const ModelDescription& m = a.model;
    std::string o = "{\"model\":" + jsonString(m.path);
    o += ",\"producer\":" + jsonString(m.producer);
    o += ",\"opset\":" + std::to_string(m.opset);
    o += ",\"layers\":[";
    for (size_t i = 0; i < m.layers.size(); ++i) o += (i ? "," : "") + layerJson(m.layers[i], a.layers[i]);
    o += "]";
    o += ",\"chain\":" + (a.mainChain < 0 ? std::string("null") : chainJson(a, static_cast<size_t>(a.mainChain)));
    o += ",\"chains\":[";
    for (size_t i = 0; i < m.chains.size(); ++i) o += (i ? "," : "") + chainJson(a, i);
    o += "]";
    o += ",\"linear_note\":" + jsonString(kLinearChainNote);
    o += ",\"warnings\":" + jsonStrings(m.warnings);
    return o + "}\n";
}

}  // namespace tconv::app
