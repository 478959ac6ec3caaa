// SPDX-License-Identifier: MIT
#include "common/StackSpecReport.h"

#include <cmath>
#include <cstdio>

#include "common/JsonText.h"
#include "common/StackSpec.h"

namespace tconv::app {
namespace {

std::string pair(int64_t a, int64_t b) { return "[" + std::to_string(a) + "," + std::to_string(b) + "]"; }
std::string pair(Size2 s) { return pair(s.h, s.w); }
std::string sizeOf(const Shape4& s) { return std::to_string(s.h) + "x" + std::to_string(s.w); }

std::string padsJson(const ConvParams& p) {
    const Pads4 f = pads(p);  // ONNX order [T,L,B,R]
    return "[" + std::to_string(f.top) + "," + std::to_string(f.left) + "," + std::to_string(f.bottom) + "," +
           std::to_string(f.right) + "]";
}

// [[...],[...]] of a table's rows, through `cell`.
template <class Cell>
std::string tableJson(const PhaseGainTable& t, Cell cell) {
    std::string o = "[";
    for (int ry = 0; ry < t.sh; ++ry) {
        o += ry ? ",[" : "[";
        for (int rx = 0; rx < t.sw; ++rx) o += (rx ? "," : "") + cell(ry, rx);
        o += "]";
    }
    return o + "]";
}

bool uniformTables(const LayerStackAnalysis& a) {
    for (const PhaseGainTable& t : a.tables)
        if (t.gain != a.tables.front().gain || t.tapCount != a.tables.front().tapCount) return false;
    return true;
}

// The CV of the stack with layer i repaired, and whether that is known.
std::string repairedJson(const LayerStackAnalysis& a, size_t i) {
    const auto& r = a.stack.cvWithStepRepaired;
    return i < r.size() ? jsonNumber(r[i]) : "null";
}

std::string layerJson(const StackReport& r, size_t i) {
    const ConvLayer& l = r.layers[i];
    const ConvParams& p = l.params;
    const ChannelScores& cs = r.analysis.layers[i];
    const ArtifactScores& s = cs.scores[static_cast<size_t>(cs.worst)];
    std::string o = "{\"layer\":" + std::to_string(i + 1);
    o += ",\"kernel\":" + jsonString(r.settings[i].kernel.text());
    o += ",\"kernel_size\":" + pair(p.kernel) + ",\"stride\":" + pair(p.stride) + ",\"padding\":" + pair(p.padding);
    o += ",\"pads\":" + padsJson(p) + ",\"output_padding\":" + pair(p.outputPadding) +
         ",\"dilation\":" + pair(p.dilation);
    o += ",\"groups\":" + std::to_string(p.groups);
    const Shape4& in = i == 0 ? r.input : r.outputs[i - 1];
    o += ",\"input_size\":" + pair(in.h, in.w) + ",\"output_size\":" + pair(r.outputs[i].h, r.outputs[i].w);
    o += ",\"channels\":" + std::to_string(l.outChannels()) + ",\"channel\":" + std::to_string(cs.worst);
    o += ",\"cv\":" + jsonNumber(s.cv) + ",\"cv_db\":" + jsonNumber(s.cvDb);
    o += ",\"holes\":" + std::string(s.holes ? "true" : "false") + ",\"hole_count\":" + std::to_string(s.holeCount);
    o += ",\"pattern\":" + jsonString(patternName(s.pattern)) + ",\"period\":" + pair(s.periodH, s.periodW);
    o += ",\"severity\":" + jsonString(s.severity);
    o += ",\"stack_cv\":" + jsonNumber(r.analysis.stack.cvAfterStep[i]);
    o += ",\"stack_cv_with_layer_repaired\":" + repairedJson(r.analysis, i);
    return o + "}";
}

std::string kernelsText(const StackReport& r) {
    std::string t;
    for (const ConvSettings& s : r.settings) t += (t.empty() ? "" : ";") + s.kernel.text();
    return t;
}

}  // namespace

std::string stackReportJson(const StackReport& r) {
    const LayerStackAnalysis& a = r.analysis;
    const PhaseGainTable& t = a.table();
    const ArtifactScores& s = a.worstScores();
    const ConvParams& e = a.equivalent;
    std::string o = "{\"stack\":" + jsonString(stackSpecText(r.settings));
    o += ",\"layer_count\":" + std::to_string(r.layers.size());
    o += ",\"output_size\":" + pair(r.outputs.back().h, r.outputs.back().w);
    o += ",\"input_size\":" + pair(r.input.h, r.input.w);
    o += ",\"input_default\":" + std::string(r.inputDefault ? "true" : "false");
    o += ",\"kernel\":" + jsonString(kernelsText(r));
    o += ",\"kernel_size\":" + pair(e.kernel) + ",\"stride\":" + pair(e.stride) + ",\"padding\":" + pair(e.padding);
    o += ",\"pads\":" + padsJson(e) + ",\"output_padding\":" + pair(e.outputPadding) +
         ",\"dilation\":" + pair(e.dilation);
    o += ",\"channels_uniform\":" + std::string(uniformTables(a) ? "true" : "false");
    std::string cvs;
    int64_t visible = 0, holes = 0;
    for (const ArtifactScores& c : a.scores) {
        cvs += (cvs.empty() ? "" : ",") + jsonNumber(c.cv);
        visible += c.holes || !(c.cv < 0.01);
        holes += c.holes;
    }
    o += ",\"channel_cv\":[" + cvs + "]";
    o += ",\"channels_visible\":" + std::to_string(visible) + ",\"channels_with_holes\":" + std::to_string(holes);
    o += ",\"channel\":" + std::to_string(a.worstChannel);
    o += ",\"phase_gain\":" + tableJson(t, [&](int y, int x) { return jsonNumber(t.at(y, x)); });
    o += ",\"tap_count\":" + tableJson(t, [&](int y, int x) { return std::to_string(t.count(y, x)); });
    o += ",\"mean\":" + jsonNumber(s.mean) + ",\"cv\":" + jsonNumber(s.cv) + ",\"cv_db\":" + jsonNumber(s.cvDb);
    o += ",\"ratio\":" + jsonNumber(s.ratio) + ",\"peak_to_peak\":" + jsonNumber(s.peakToPeak);
    o += ",\"holes\":" + std::string(s.holes ? "true" : "false") + ",\"hole_count\":" + std::to_string(s.holeCount);
    o += ",\"pattern\":" + jsonString(patternName(s.pattern)) + ",\"period\":" + pair(s.periodH, s.periodW);
    o += ",\"ripple_shares\":{\"rows\":" + jsonNumber(s.rowShare) + ",\"columns\":" + jsonNumber(s.colShare) +
         ",\"cross\":" + jsonNumber(s.crossShare) + "}";
    o += ",\"severity\":" + jsonString(s.severity) + ",\"verdict\":" + jsonString(s.verdict);
    o += ",\"worst_layer\":" + (a.stack.worstStep < 0 ? std::string("null") : std::to_string(a.stack.worstStep + 1));
    o += ",\"layers\":[";
    for (size_t i = 0; i < r.layers.size(); ++i) o += (i ? "," : "") + layerJson(r, i);
    return o + "]}";
}

std::string stackReportText(const StackReport& r) {
    const LayerStackAnalysis& a = r.analysis;
    const PhaseGainTable& t = a.table();
    const ArtifactScores& s = a.worstScores();
    const ConvParams& e = a.equivalent;
    char line[512];
    std::string o = "stack: " + std::to_string(r.layers.size()) + " layer(s): " + stackSpecText(r.settings) + "\n";
    o += "input size: " + sizeOf(r.input) + r.inputNote + "\n";
    std::snprintf(line, sizeof line, "%-6s %-16s %-8s %-6s %-6s %-6s %-6s %-12s %-12s %s\n", "layer", "kernel", "k",
                  "s", "p", "op", "d", "output", "CV alone", "stack CV so far");
    o += line;
    for (size_t i = 0; i < r.layers.size(); ++i) {
        const ConvParams& p = r.layers[i].params;
        const ChannelScores& cs = a.layers[i];
        const ArtifactScores& ls = cs.scores[static_cast<size_t>(cs.worst)];
        std::snprintf(line, sizeof line, "%-6zu %-16s %-8s %-6s %-6s %-6s %-6s %-12s %-12s %s\n", i + 1,
                      r.settings[i].kernel.text().c_str(), sizeText(p.kernel).c_str(), sizeText(p.stride).c_str(),
                      sizeText(p.padding).c_str(), sizeText(p.outputPadding).c_str(), sizeText(p.dilation).c_str(),
                      sizeOf(r.outputs[i]).c_str(), (cvText(ls.cv) + (ls.holes ? " holes" : "")).c_str(),
                      cvText(a.stack.cvAfterStep[i]).c_str());
        o += line;
    }
    bool channels = false;
    for (const ConvLayer& l : r.layers) channels = channels || l.outChannels() > 1;
    if (channels) o += "(several channels: CV alone is the layer's worst channel's, stack CV the mean over channels)\n";
    o += "output size: " + sizeOf(r.outputs.back()) + "\n";
    o += "whole stack: stride " + sizeText(e.stride) + " (the product of the strides); as one layer: kernel " +
         sizeText(e.kernel) + ", padding " + sizeText(e.padding) + ", output padding " + sizeText(e.outputPadding) +
         "\n";
    if (a.tables.size() > 1)
        o += "channels: " + std::to_string(a.tables.size()) + (uniformTables(a) ? ", all the same" : ", they differ") +
             "; showing output channel " + std::to_string(a.worstChannel) + "\n";
    o += "phase gain G (" + std::to_string(t.sh) + "x" + std::to_string(t.sw) + "; row = (oy+" +
         std::to_string(e.padding.h) + ") mod " + std::to_string(t.sh) + ", column = (ox+" +
         std::to_string(e.padding.w) + ") mod " + std::to_string(t.sw) + " of the final output):\n";
    for (int ry = 0; ry < t.sh; ++ry) {
        o += " ";
        for (int rx = 0; rx < t.sw; ++rx) {
            std::snprintf(line, sizeof line, " %10s%s", shortNumber(t.at(ry, rx)).c_str(), t.count(ry, rx) ? "" : "*");
            o += line;
        }
        o += "\n";
    }
    o += "mean gain: " + shortNumber(s.mean) + "\n";
    o += "CV: " + cvText(s.cv) + " (" + cvDbText(s.cv) + " dB)\n";
    o += "R (max/min): " + shortNumber(s.ratio) + "\n";
    o += "PP ((max-min)/mean): " + cvText(s.peakToPeak) + "\n";
    o +=
        "holes: " + (s.holes ? "yes, " + std::to_string(s.holeCount) + " phase(s) marked *" : std::string("no")) + "\n";
    o += std::string("pattern: ") + patternName(s.pattern);
    if (s.pattern != ArtifactPattern::None) {
        std::snprintf(line, sizeof line, " (period %dx%d; ripple energy: rows %.0f%%, columns %.0f%%, cross %.0f%%)",
                      s.periodH, s.periodW, 100 * s.rowShare, 100 * s.colShare, 100 * s.crossShare);
        o += line;
    }
    o += "\nseverity: " + s.severity + "\n";
    o += "verdict: " + s.verdict + "\n";
    if (a.stack.worstStep >= 0) {
        const size_t w = static_cast<size_t>(a.stack.worstStep);
        o += "most to blame: layer " + std::to_string(w + 1) + " (with its ripple repaired the stack's CV goes from " +
             cvText(a.stack.cv) + " to " + cvText(a.stack.cvWithStepRepaired[w]) + ")\n";
    }
    return o;
}

}  // namespace tconv::app
