#include "common/ConvSettings.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include "common/KernelFile.h"
#include "core/BackendFactory.h"
#include "core/ConvError.h"
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

bool parseConvOption(int argc, char** argv, int& i, ConvSettings& s) {
    static const char* const kOptions[] = {"--kernel-size", "--stride", "--padding", "--output-padding",
                                           "--dilation",    "--kernel", "--groups",  "--bias",
                                           "--backend",     "--sigma",  "--seed",    "--method",
                                           "--resize",      "--output-size"};
    const std::string arg = argv[i];
    // "--opt value" or "--opt=value".
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    if (std::none_of(std::begin(kOptions), std::end(kOptions), [&](const char* o) { return name == o; })) return false;
    std::string value;
    int consumed = 1;
    if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
    } else {
        if (i + 1 >= argc) throw ParameterError(name + " needs a value (see --help)");
        value = argv[i + 1];
        consumed = 2;
    }

    if (name == "--kernel-size") s.kernelSize = parseSize2(name, value);
    else if (name == "--stride") s.stride = parseSize2(name, value);
    else if (name == "--padding") s.padding = parseSize2(name, value);
    else if (name == "--output-padding") s.outputPadding = parseSize2(name, value);
    else if (name == "--output-size") s.outputSize = parseSize2(name, value);
    else if (name == "--dilation") s.dilation = parseSize2(name, value);
    else if (name == "--kernel") {
        if (value.empty()) bad(name, value, "a preset (" + presetList() + ") or a kernel file");
        s.kernel = value;
    } else if (name == "--groups") {
        s.groups = parseIntOption(name, value);
        if (s.groups < 1) bad(name, value, "a positive number of groups");
    } else if (name == "--bias") {
        s.bias.clear();
        size_t start = 0;
        while (true) {
            const size_t comma = value.find(',', start);
            const std::string item = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            s.bias.push_back(static_cast<float>(parseDouble(name, item, "numbers separated by commas (V[,V...])")));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    } else if (name == "--backend") {
        const auto k = parseBackendKind(value);
        if (!k) bad(name, value, "cpu, cuda or auto");
        s.backend = *k;
    } else if (name == "--sigma") {
        s.sigma = parseDouble(name, value, "a positive number");
        if (!(s.sigma > 0)) bad(name, value, "a positive number");
    } else if (name == "--seed") {
        uint64_t v = 0;
        const auto r = std::from_chars(value.data(), value.data() + value.size(), v);
        if (r.ec != std::errc() || r.ptr != value.data() + value.size() || value.empty())
            bad(name, value, "a non-negative integer");
        s.seed = v;
    } else if (name == "--method") {
        if (value != "transposed" && value != "resize-conv") bad(name, value, "transposed or resize-conv");
        s.method = value;
    } else if (name == "--resize") {
        if (value == "nearest") s.resize = ResizeMode::Nearest;
        else if (value == "bilinear") s.resize = ResizeMode::Bilinear;
        else bad(name, value, "nearest or bilinear");
    }
    i += consumed;
    return true;
}

const char* convOptionsHelp() {
    return "convolution options (N or HxW: one value for both axes, or height x width):\n"
           "  --kernel PRESET|FILE      box, nearest, bilinear, gaussian, random (default bilinear), or a kernel\n"
           "                            file: .npy (kH,kW) applied to every channel, .npy (C_in,C_out/groups,kH,kW)\n"
           "                            full PyTorch weight, or a text matrix (rows of numbers). Presets are\n"
           "                            scaled to sum sH*sW; file kernels are used as they are\n"
           "  --kernel-size N|HxW       preset kernel size (default: the preset's natural size: box and\n"
           "                            nearest s, bilinear 2s, gaussian 2s+1, random 3)\n"
           "  --stride N|HxW            default 2\n"
           "  --padding N|HxW           default 0\n"
           "  --output-padding N|HxW    default 0 (must be smaller than the stride or the dilation)\n"
           "  --dilation N|HxW          default 1\n"
           "  --output-size N|HxW       tconv apply: the output size, as PyTorch's output_size: the padding\n"
           "                            stays, output_padding is chosen (refused outside [min, min+stride-1])\n"
           "  --groups G                default: one group per channel for 2-D kernels, 1 for full weights\n"
           "  --bias V[,V...]           one value for all output channels, or one per output channel\n"
           "  --sigma S                 gaussian preset sigma in output pixels (default 1)\n"
           "  --seed N                  random preset seed (default 0)\n"
           "  --backend cpu|cuda|auto   default auto (CUDA when a usable GPU is present)\n"
           "  --method transposed|resize-conv   default transposed\n"
           "  --resize nearest|bilinear resize step of resize-conv (default nearest)\n";
}

ConvParams convParams(const ConvSettings& s) {
    ConvParams p;
    p.kernel = s.kernelSize.value_or(Size2(1, 1));
    p.stride = s.stride;
    p.padding = s.padding;
    p.outputPadding = s.outputPadding;
    p.dilation = s.dilation;
    p.groups = s.groups > 0 ? s.groups : 1;
    return p;
}

void checkSettings(const ConvSettings& s) {
    validateParams(convParams(s));
    if (const auto preset = parseKernelPreset(s.kernel)) {
        PresetOptions o;
        o.stride = s.stride;
        o.size = s.kernelSize;
        o.sigma = s.sigma;
        o.seed = s.seed;
        makePresetKernel(*preset, o);
        return;
    }
    std::error_code ec;
    if (!std::filesystem::exists(s.kernel, ec))
        throw ParameterError("--kernel: '" + s.kernel + "' is neither a preset (" + presetList() +
                             ") nor an existing kernel file");
}

ConvLayer buildLayerFor(const ConvSettings& s, const Shape4& input) {
    ConvSettings rest = s;
    rest.outputSize.reset();
    ConvLayer layer = buildLayer(rest, static_cast<int>(input.c));
    if (s.outputSize)
        layer.params.outputPadding =
            outputPaddingForSize(input.h, input.w, layer.params, s.outputSize->h, s.outputSize->w);
    return layer;
}

ConvLayer buildLayer(const ConvSettings& s, int channels) {
    if (s.outputSize)
        throw ParameterError("--output-size " + sizeText(*s.outputSize) +
                             " needs one input's size: it is for tconv apply (give --output-padding here)");
    if (channels <= 0) throw ParameterError("the input must have at least one channel, but has " + std::to_string(channels));
    checkSettings(s);
    ConvParams p = convParams(s);
    const auto preset = parseKernelPreset(s.kernel);
    KernelFile file;
    if (preset) {
        PresetOptions o;
        o.stride = s.stride;
        o.size = s.kernelSize;
        o.sigma = s.sigma;
        o.seed = s.seed;
        file.kernel = makePresetKernel(*preset, o);
    } else {
        file = loadKernelFile(s.kernel);
    }
    const std::string what = preset ? std::string("the ") + presetName(*preset) + " preset" : "'" + s.kernel + "'";

    if (file.kernel) {
        const Kernel2D& k = *file.kernel;
        if (s.kernelSize && !(*s.kernelSize == Size2(k.h, k.w)))
            throw ParameterError("--kernel-size " + sizeText(*s.kernelSize) + " does not match the " +
                                 file.describe() + " in " + what);
        if (s.groups != 0 && s.groups != channels)
            throw ParameterError("--groups " + std::to_string(s.groups) + ": a 2-D kernel is applied to each of the " +
                                 std::to_string(channels) + " channels separately (groups = " +
                                 std::to_string(channels) +
                                 "); other groupings need a full (C_in, C_out/groups, kH, kW) weight file");
        if (s.bias.size() > 1 && s.bias.size() != static_cast<size_t>(channels))
            throw ParameterError("--bias has " + std::to_string(s.bias.size()) + " values, but the input has " +
                                 std::to_string(channels) + " channel" + (channels == 1 ? "" : "s") +
                                 " (give 1 value, or one per channel)");
        return makeDepthwiseLayer(k, channels, p, s.bias);
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
    p.kernel = Size2(static_cast<int>(w.h), static_cast<int>(w.w));
    layer.params = p;
    layer.weight = std::move(file.weight);
    const int64_t outChannels = layer.outChannels();
    if (s.bias.size() == 1)
        layer.bias.assign(static_cast<size_t>(outChannels), s.bias[0]);
    else
        layer.bias = s.bias;
    if (!layer.bias.empty() && static_cast<int64_t>(layer.bias.size()) != outChannels)
        throw ParameterError("--bias has " + std::to_string(layer.bias.size()) + " values, but the layer has " +
                             std::to_string(outChannels) + " output channels (give 1 or " +
                             std::to_string(outChannels) + ")");
    return layer;
}

}  // namespace tconv::app
