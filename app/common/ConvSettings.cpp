// SPDX-License-Identifier: MIT
#include "common/ConvSettings.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <vector>

#include "common/KernelFile.h"
#include "backends/BackendFactory.h"
#include "core/ConvError.h"
#include "core/AutoPad.h"
#include "core/KernelPresets.h"
#include "core/OutputSizeSolver.h"
#include "core/Validation.h"

namespace tconv::app {
namespace {

[[noreturn]] void bad(const std::string& option, const std::string& value, const std::string& expected) {
    throw ParameterError(option + ": expected " + expected + ", but got '" + value + "'");
}

// Strict, locale-independent integer: the whole text must be the number.
bool parseInt(const char* b, const char* e, int& out) {
    if (b != e && *b == '+') ++b;
    const auto r = std::from_chars(b, e, out);
    return r.ec == std::errc() && r.ptr == e && b != e;
}

int parseIntOption(const std::string& option, const std::string& value) {
    int v = 0;
    if (!parseInt(value.data(), value.data() + value.size(), v)) bad(option, value, "an integer");
    return v;
}

double parseDouble(const std::string& option, const std::string& value, const std::string& expected) {
    const char* b = value.data();
    const char* e = b + value.size();
    if (b != e && *b == '+') ++b;
    double v = 0;
    const auto r = std::from_chars(b, e, v);
    if (r.ec != std::errc() || r.ptr != e || b == e || !std::isfinite(v)) bad(option, value, expected);
    return v;
}

std::string presetList() {
    std::string s;
    for (const std::string& n : presetNames()) s += (s.empty() ? "" : ", ") + n;
    return s;
}

}  // namespace

Size2 parseSize2(const std::string& option, const std::string& value) {
    const char* b = value.data();
    const char* e = b + value.size();
    const char* x = std::find_if(b, e, [](char c) { return c == 'x' || c == 'X'; });
    Size2 s;
    if (x == e) {
        if (!parseInt(b, e, s.h)) bad(option, value, "N or HxW (height first, e.g. 3 or 3x2)");
        s.w = s.h;
        return s;
    }
    if (!parseInt(b, x, s.h) || !parseInt(x + 1, e, s.w)) bad(option, value, "N or HxW (height first, e.g. 3 or 3x2)");
    return s;
}

Pads4 parsePads(const std::string& option, const std::string& value) {
    std::vector<int> v;
    const char* b = value.data();
    const char* e = b + value.size();
    while (true) {
        const char* comma = std::find(b, e, ',');
        int n = 0;
        if (!parseInt(b, comma, n) || n < 0 || v.size() == 4) {
            v.clear();
            break;
        }
        v.push_back(n);
        if (comma == e) break;
        b = comma + 1;
    }
    if (v.size() != 4) bad(option, value, "T,L,B,R: four whole numbers >= 0 (top, left, bottom, right), e.g. 1,2,1,2");
    return Pads4{v[0], v[1], v[2], v[3]};
}

namespace {

std::vector<float> parseBias(const std::string& name, const std::string& value) {
    std::vector<float> bias;
    size_t start = 0;
    while (true) {
        const size_t comma = value.find(',', start);
        const std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        bias.push_back(static_cast<float>(parseDouble(name, item, "numbers separated by commas (V[,V...])")));
        if (comma == std::string::npos) return bias;
        start = comma + 1;
    }
}

uint64_t parseSeed(const std::string& name, const std::string& value) {
    uint64_t v = 0;
    const auto r = std::from_chars(value.data(), value.data() + value.size(), v);
    if (r.ec != std::errc() || r.ptr != value.data() + value.size() || value.empty())
        bad(name, value, "a non-negative integer");
    return v;
}

using OptionSetter = void (*)(ConvSettings&, const std::string& name, const std::string& value);

// One setter per option, in --help order.
const std::vector<std::pair<std::string, OptionSetter>>& optionSetters() {
    static const std::vector<std::pair<std::string, OptionSetter>> setters = {
        {"--kernel",
         [](ConvSettings& s, const std::string& n, const std::string& v) {
             if (v.empty()) bad(n, v, "a preset (" + presetList() + ") or a kernel file");
             s.kernel = KernelSpec(v);
         }},
        {"--kernel-size",
         [](ConvSettings& s, const std::string& n, const std::string& v) { s.kernelSize = parseSize2(n, v); }},
        {"--stride", [](ConvSettings& s, const std::string& n, const std::string& v) { s.stride = parseSize2(n, v); }},
        {"--padding",
         [](ConvSettings& s, const std::string& n, const std::string& v) {
             s.padding = parseSize2(n, v);
             s.paddingGiven = true;
         }},
        {"--pads", [](ConvSettings& s, const std::string& n, const std::string& v) { s.pads = parsePads(n, v); }},
        {"--auto-pad",
         [](ConvSettings& s, const std::string& n, const std::string& v) {
             const auto mode = parseAutoPad(v);
             // ONNX's upper-case spellings are accepted too; NOTSET is no auto-pad.
             if (!mode) bad(n, v, "same-upper, same-lower or valid");
             if (*mode == AutoPad::NotSet) s.autoPad.reset();
             else s.autoPad = *mode;
         }},
        {"--output-padding",
         [](ConvSettings& s, const std::string& n, const std::string& v) { s.outputPadding = parseSize2(n, v); }},
        {"--dilation",
         [](ConvSettings& s, const std::string& n, const std::string& v) { s.dilation = parseSize2(n, v); }},
        {"--output-size",
         [](ConvSettings& s, const std::string& n, const std::string& v) { s.outputSize = parseSize2(n, v); }},
        {"--groups",
         [](ConvSettings& s, const std::string& n, const std::string& v) {
             s.groups = parseIntOption(n, v);
             if (s.groups < 1) bad(n, v, "a positive number of groups");
         }},
        {"--bias", [](ConvSettings& s, const std::string& n, const std::string& v) { s.bias = parseBias(n, v); }},
        {"--sigma",
         [](ConvSettings& s, const std::string& n, const std::string& v) {
             s.sigma = parseDouble(n, v, "a positive number");
             if (!(s.sigma > 0)) bad(n, v, "a positive number");
         }},
        {"--seed", [](ConvSettings& s, const std::string& n, const std::string& v) { s.seed = parseSeed(n, v); }},
        {"--backend",
         [](ConvSettings& s, const std::string& n, const std::string& v) {
             const auto k = parseBackendKind(v);
             if (!k) bad(n, v, "cpu, cuda or auto");
             s.backend = *k;
         }},
        {"--method",
         [](ConvSettings& s, const std::string& n, const std::string& v) {
             const auto m = parseConvMethod(v);
             if (!m) bad(n, v, "transposed or resize-conv");
             s.method = *m;
         }},
        {"--resize",
         [](ConvSettings& s, const std::string& n, const std::string& v) {
             if (v == "nearest") s.resize = ResizeMode::Nearest;
             else if (v == "bilinear") s.resize = ResizeMode::Bilinear;
             else bad(n, v, "nearest or bilinear");
         }},
    };
    return setters;
}

}  // namespace

const std::vector<std::string>& convOptionNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (const auto& [name, setter] : optionSetters()) n.push_back(name);
        return n;
    }();
    return names;
}

bool setConvOption(ConvSettings& s, const std::string& option, const std::string& value) {
    for (const auto& [name, setter] : optionSetters()) {
        if (name != option) continue;
        setter(s, name, value);
        return true;
    }
    return false;
}

bool parseConvOption(int argc, char** argv, int& i, ConvSettings& s) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');  // "--opt value" or "--opt=value"
    const std::string name = arg.substr(0, eq);
    const auto& names = convOptionNames();
    if (std::find(names.begin(), names.end(), name) == names.end()) return false;
    if (eq == std::string::npos && i + 1 >= argc) throw ParameterError(name + " needs a value (see --help)");
    setConvOption(s, name, eq == std::string::npos ? std::string(argv[i + 1]) : arg.substr(eq + 1));
    i += eq == std::string::npos ? 2 : 1;
    return true;
}

ConvParams convParamsFor(const ConvSettings& s, Size2 kernel) {
    ConvParams p;
    p.kernel = kernel;
    p.stride = s.stride;
    p.padding = s.padding;
    p.outputPadding = s.outputPadding;
    p.dilation = s.dilation;
    p.groups = s.groups > 0 ? s.groups : 1;
    if (s.pads) setPads(p, *s.pads);
    if (s.autoPad) p = withAutoPad(p, *s.autoPad);
    return p;
}

ConvParams convParams(const ConvSettings& s) { return convParamsFor(s, s.kernelSize.value_or(Size2(1, 1))); }

std::string paddingOptionText(const ConvSettings& s) {
    if (s.autoPad) return std::string("--auto-pad ") + autoPadName(*s.autoPad);
    if (s.pads) return "--pads " + padsText(*s.pads);
    return "--padding " + sizeText(s.padding);
}

std::string paddingOptionFor(const ConvParams& p) {
    return hasAsymmetricPadding(p) ? "--pads " + padsText(pads(p)) : "--padding " + sizeText(p.padding);
}

namespace {

// --padding, --pads and --auto-pad each set the whole padding: one at a time.
void checkPaddingOptions(const ConvSettings& s) {
    const std::string padding = "--padding " + sizeText(s.padding);
    if (s.pads && s.paddingGiven)
        throw ParameterError("--pads " + padsText(*s.pads) + " and " + padding +
                             " both set the padding: give one (--pads T,L,B,R per side, --padding N|HxW symmetric)");
    if (s.autoPad && (s.pads || s.paddingGiven))
        throw ParameterError(std::string("--auto-pad ") + autoPadName(*s.autoPad) + " and " +
                             (s.pads ? "--pads " + padsText(*s.pads) : padding) +
                             " both set the padding: give one (--auto-pad computes the pads)");
}

}  // namespace

void checkSettings(const ConvSettings& s) {
    checkPaddingOptions(s);
    validateParams(convParams(s));
    if (const auto preset = s.kernel.preset()) {
        PresetOptions o;
        o.stride = s.stride;
        o.size = s.kernelSize;
        o.sigma = s.sigma;
        o.seed = s.seed;
        makePresetKernel(*preset, o);
        return;
    }
    std::error_code ec;
    if (!std::filesystem::exists(s.kernel.path(), ec))
        throw ParameterError("--kernel: '" + s.kernel.text() + "' is neither a preset (" + presetList() +
                             ") nor an existing kernel file");
}

ConvLayer buildLayerFor(const ConvSettings& s, const Shape4& input) {
    ConvSettings rest = s;
    rest.outputSize.reset();
    const bool onnxOutputShape = s.outputSize && s.autoPad && *s.autoPad != AutoPad::Valid;
    if (onnxOutputShape) rest.autoPad.reset();  // the pads come from the size below, not from input*stride
    ConvLayer layer = buildLayer(rest, static_cast<int>(input.c));
    if (onnxOutputShape)
        layer.params = withOutputShape(layer.params, *s.autoPad, input.h, input.w, s.outputSize->h, s.outputSize->w);
    else if (s.outputSize)
        layer.params.outputPadding =
            outputPaddingForSize(input.h, input.w, layer.params, s.outputSize->h, s.outputSize->w);
    return layer;
}

ConvLayer buildLayer(const ConvSettings& s, int channels) {
    if (s.outputSize)
        throw ParameterError("--output-size " + sizeText(*s.outputSize) +
                             " needs one input's size: it is for tconv apply (give --output-padding here)");
    if (channels <= 0)
        throw ParameterError("the input must have at least one channel, but has " + std::to_string(channels));
    checkSettings(s);
    const auto preset = s.kernel.preset();
    KernelFile file;
    if (preset) {
        PresetOptions o;
        o.stride = s.stride;
        o.size = s.kernelSize;
        o.sigma = s.sigma;
        o.seed = s.seed;
        file.kernel = makePresetKernel(*preset, o);
    } else {
        file = loadKernelFile(s.kernel.path());
    }
    const std::string what =
        preset ? std::string("the ") + presetName(*preset) + " preset" : "'" + s.kernel.path() + "'";

    if (file.kernel) {
        const Kernel2D& k = *file.kernel;
        if (s.kernelSize && !(*s.kernelSize == Size2(k.h, k.w)))
            throw ParameterError("--kernel-size " + sizeText(*s.kernelSize) + " does not match the " + file.describe() +
                                 " in " + what);
        if (s.groups != 0 && s.groups != channels)
            throw ParameterError("--groups " + std::to_string(s.groups) + ": a 2-D kernel is applied to each of the " +
                                 std::to_string(channels) +
                                 " channels separately (groups = " + std::to_string(channels) +
                                 "); other groupings need a full (C_in, C_out/groups, kH, kW) weight file");
        if (s.bias.size() > 1 && s.bias.size() != static_cast<size_t>(channels))
            throw ParameterError("--bias has " + std::to_string(s.bias.size()) + " values, but the input has " +
                                 std::to_string(channels) + " channel" + (channels == 1 ? "" : "s") +
                                 " (give 1 value, or one per channel)");
        return makeDepthwiseLayer(k, channels, convParamsFor(s, Size2(k.h, k.w)), s.bias);
    }

    const Shape4 w = file.weight.shape();
    if (s.kernelSize && !(*s.kernelSize == Size2(int(w.h), int(w.w))))
        throw ParameterError("--kernel-size " + sizeText(*s.kernelSize) + " does not match the " + file.describe() +
                             " in " + what);
    if (w.n != channels)
        throw ParameterError("the " + file.describe() + " in " + what + " expects " + std::to_string(w.n) +
                             " input channels (its first dimension), but the input has " + std::to_string(channels));
    if (w.h > std::numeric_limits<int>::max() || w.w > std::numeric_limits<int>::max())
        throw ParameterError("the " + file.describe() + " in " + what + " is too large");
    ConvLayer layer;
    layer.params = convParamsFor(s, Size2(static_cast<int>(w.h), static_cast<int>(w.w)));
    layer.weight = std::move(file.weight);
    const int64_t outChannels = layer.outChannels();
    if (s.bias.size() == 1) layer.bias.assign(static_cast<size_t>(outChannels), s.bias[0]);
    else layer.bias = s.bias;
    if (!layer.bias.empty() && static_cast<int64_t>(layer.bias.size()) != outChannels)
        throw ParameterError("--bias has " + std::to_string(layer.bias.size()) + " values, but the layer has " +
                             std::to_string(outChannels) + " output channels (give 1 or " +
                             std::to_string(outChannels) + ")");
    return layer;
}

}  // namespace tconv::app
