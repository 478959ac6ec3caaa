// SPDX-License-Identifier: MIT
#include "common/StackSpec.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <utility>

#include "analysis/LayerStack.h"
#include "common/KernelFile.h"
#include "core/ConvError.h"
#include "core/KernelPresets.h"

namespace tconv::app {
namespace {

constexpr const char* kKeysText = "kernel, k, s, p, op or d (e.g. kernel=bilinear,k=4,s=2,p=1)";

// Each key and the option whose setter (and defaults) it uses.
constexpr std::array<std::pair<const char*, const char*>, 6> kKeys{{{"kernel", "--kernel"},
                                                                    {"k", "--kernel-size"},
                                                                    {"s", "--stride"},
                                                                    {"p", "--padding"},
                                                                    {"op", "--output-padding"},
                                                                    {"d", "--dilation"}}};

std::string trimmed(const std::string& s) {
    const size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        const size_t at = s.find(sep, start);
        parts.push_back(trimmed(s.substr(start, at == std::string::npos ? std::string::npos : at - start)));
        if (at == std::string::npos) return parts;
        start = at + 1;
    }
}

std::string presets() {
    std::string s;
    for (const std::string& n : presetNames()) s += (s.empty() ? "" : ", ") + n;
    return s;
}

std::string layerLabel(size_t i) { return "--stack layer " + std::to_string(i + 1); }

// One key=value into the layer's settings; the option's message is re-worded
// to name the layer and the key ("--stride: expected ..." -> "--stack layer 2, s: expected ...").
void setKey(ConvSettings& s, size_t layer, const std::string& key, const std::string& value) {
    const auto it = std::find_if(kKeys.begin(), kKeys.end(), [&](const auto& k) { return key == k.first; });
    if (it == kKeys.end())
        throw ParameterError(layerLabel(layer) + ": unknown key '" + key + "' in '" + key + "=" + value +
                             "': expected " + kKeysText);
    const std::string option = it->second;
    try {
        setConvOption(s, option, value);
    } catch (const ParameterError& e) {
        const std::string what = e.what();
        const std::string rest = what.rfind(option + ":", 0) == 0 ? what.substr(option.size()) : ": " + what;
        throw ParameterError(layerLabel(layer) + ", " + key + rest);
    }
    if (key == "kernel" && !s.kernel.isPreset()) {
        std::error_code ec;
        if (!std::filesystem::exists(s.kernel.path(), ec))
            throw ParameterError(layerLabel(layer) + ", kernel: '" + value + "' is neither a preset (" + presets() +
                                 ") nor an existing kernel file");
    }
    if (key == "p") {  // the layer's own symmetric padding replaces --pads / --auto-pad
        s.pads.reset();
        s.autoPad.reset();
    }
}

ConvSettings parseLayer(const std::string& text, size_t layer, const ConvSettings& defaults) {
    if (text.empty())
        throw ParameterError(layerLabel(layer) +
                             " is empty: layers are separated by ';', each a list of key=value "
                             "with keys " +
                             kKeysText);
    ConvSettings s = defaults;
    std::vector<std::string> seen;
    for (const std::string& item : split(text, ',')) {
        const size_t eq = item.find('=');
        if (eq == std::string::npos || item.empty())
            throw ParameterError(layerLabel(layer) + ": expected key=value, but got '" + item +
                                 "' (keys: " + kKeysText + ")");
        const std::string key = trimmed(item.substr(0, eq)), value = trimmed(item.substr(eq + 1));
        if (std::find(seen.begin(), seen.end(), key) != seen.end())
            throw ParameterError(layerLabel(layer) + ": key '" + key + "' is given twice (in '" + text + "')");
        seen.push_back(key);
        setKey(s, layer, key, value);
    }
    try {
        checkSettings(s);
    } catch (const ParameterError& e) {
        throw ParameterError(layerLabel(layer) + " ('" + text + "'): " + e.what());
    }
    return s;
}

}  // namespace

std::vector<ConvSettings> parseStackSpec(const std::string& text, const ConvSettings& defaults) {
    if (trimmed(text).empty())
        throw ParameterError(std::string("--stack: expected layers separated by ';', each a list of key=value with "
                                         "keys ") +
                             kKeysText + ", but got '" + text + "'");
    const std::vector<std::string> parts = split(text, ';');
    if (parts.size() > static_cast<size_t>(kMaxStackLayers))
        throw ParameterError("--stack: a stack has 1 to " + std::to_string(kMaxStackLayers) + " layers, but got " +
                             std::to_string(parts.size()) + " in '" + text + "'");
    std::vector<ConvSettings> layers;
    for (size_t i = 0; i < parts.size(); ++i) layers.push_back(parseLayer(parts[i], i, defaults));
    return layers;
}

std::string stackSpecText(const std::vector<ConvSettings>& layers) {
    std::string t;
    for (const ConvSettings& s : layers) {
        const ConvParams p = convParams(s);
        if (!t.empty()) t += ';';
        t += "kernel=" + s.kernel.text();
        if (s.kernelSize) t += ",k=" + sizeText(*s.kernelSize);
        t += ",s=" + sizeText(s.stride) + ",p=" + sizeText(padBegin(p)) + ",op=" + sizeText(s.outputPadding) +
             ",d=" + sizeText(s.dilation);
    }
    return t;
}

int stackInputChannels(const std::vector<ConvSettings>& layers, int imageChannels) {
    if (layers.empty() || layers.front().kernel.isPreset()) return imageChannels;
    KernelFile file;
    try {
        file = loadKernelFile(layers.front().kernel.path());
    } catch (const ProcessingError& e) {
        throw ProcessingError(layerLabel(0) + " (kernel=" + layers.front().kernel.text() + "): " + e.what());
    }
    return file.isFullWeight() ? static_cast<int>(file.weight.shape().n) : imageChannels;
}

std::vector<ConvLayer> buildStackLayers(const std::vector<ConvSettings>& layers, int channels) {
    std::vector<ConvLayer> built;
    for (size_t i = 0; i < layers.size(); ++i) {
        const std::string label = layerLabel(i) + " (kernel=" + layers[i].kernel.text() + ")";
        try {
            built.push_back(buildLayer(layers[i], channels));
        } catch (const ParameterError& e) {
            throw ParameterError(label + ": " + e.what());
        } catch (const ProcessingError& e) {
            throw ProcessingError(label + ": " + e.what());
        }
        channels = static_cast<int>(built.back().outChannels());
    }
    return built;
}

}  // namespace tconv::app
