// SPDX-License-Identifier: MIT
#include "cli/CliOptions.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <utility>

#include "common/NpyBias.h"
#include "core/ConvError.h"

namespace tconv::cli {
namespace {

std::string butGot(const std::string& expected, const std::string& value) {
    return "expected " + expected + ", but got '" + value + "'";
}

// "a, b or c"
std::string orList(const std::vector<std::string>& words) {
    std::string s;
    for (size_t i = 0; i < words.size(); ++i) s += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
    return s;
}

struct ConvOptionHelp {
    const char* valueName;
    const char* text;
};

// --help text of the convolution options (their values are parsed in ConvSettings.cpp).
const std::map<std::string, ConvOptionHelp>& convOptionHelp() {
    static const std::map<std::string, ConvOptionHelp> help = {
        {"--kernel",
         {"PRESET|FILE",
          "box, nearest, bilinear, gaussian, random (default bilinear), or a kernel file: .npy (kH,kW)\n"
          "applied to every channel, .npy (C_in,C_out/groups,kH,kW) full PyTorch weight, or a text\n"
          "matrix (rows of numbers). Presets are scaled to sum sH*sW; file kernels are used as they are"}},
        {"--kernel-size",
         {"N|HxW",
          "preset kernel size (default: the preset's natural size: box and nearest s,\n"
          "bilinear 2s, gaussian 2s+1, random 3)"}},
        {"--stride", {"N|HxW", "default 2"}},
        {"--padding", {"N|HxW", "default 0 (cropped from both ends, as PyTorch's padding)"}},
        {"--pads",
         {"T,L,B,R",
          "per-side padding in ONNX order (top, left, bottom, right), e.g. 1,2,1,2;\n"
          "instead of --padding"}},
        {"--auto-pad",
         {"same-upper|same-lower|valid",
          "ONNX auto_pad: same-* pad so the output is input*stride (an odd total crops its\n"
          "extra pixel at the end for same-upper, at the beginning for same-lower); valid:\n"
          "no padding. Instead of --padding/--pads; with --output-size: ONNX output_shape"}},
        {"--output-padding", {"N|HxW", "default 0 (must be smaller than the stride or the dilation)"}},
        {"--dilation", {"N|HxW", "default 1"}},
        {"--output-size",
         {"N|HxW",
          "tconv apply: the output size, as PyTorch's output_size: the padding stays,\n"
          "output_padding is chosen (refused outside [min, min+stride-1])"}},
        {"--groups", {"G", "default: one group per channel for 2-D kernels, 1 for full weights"}},
        {"--bias", {"V[,V...]", "one value for all output channels, or one per output channel"}},
        {"--sigma", {"S", "gaussian preset sigma in output pixels (default 1)"}},
        {"--seed", {"N", "random preset seed (default 0)"}},
        {"--backend", {"cpu|cuda|auto", "default auto (CUDA when a usable GPU is present)"}},
        {"--method", {"transposed|resize-conv", "default transposed"}},
        {"--resize", {"nearest|bilinear", "resize step of resize-conv (default nearest)"}},
    };
    return help;
}

constexpr const char* kConvGroup = "convolution options (N|HxW: one value for both axes, or height x width)";

bool isSize2Option(const std::string& name) { return std::string(convOptionHelp().at(name).valueName) == "N|HxW"; }

}  // namespace

CLI::App* addCommand(CLI::App& tconv, const std::string& name, const std::string& description) {
    CLI::App* sub = tconv.add_subcommand(name, description);
    sub->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    sub->allow_extras();  // reported by CommandLine.cpp, in the project's words
    sub->set_help_flag("-h,--help", "this help");
    return sub;
}

const CLI::Validator& size2Validator() {
    static const CLI::Validator v(
        [](std::string& value) -> std::string {
            try {
                app::parseSize2("", value);
                return {};
            } catch (const ParameterError&) {
                return butGot("N or HxW (height first, e.g. 3 or 3x2)", value);
            }
        },
        "", "N|HxW");
    return v;
}

const CLI::Validator& positiveIntValidator() {
    static const CLI::Validator v(
        [](std::string& value) -> std::string {
            int n = 0;
            const auto r = std::from_chars(value.data(), value.data() + value.size(), n);
            if (r.ec == std::errc() && r.ptr == value.data() + value.size() && n > 0) return {};
            return butGot("a positive number", value);
        },
        "", "positive");
    return v;
}

CLI::Validator choiceValidator(const std::vector<std::string>& choices) {
    return CLI::Validator(
        [choices](std::string& value) -> std::string {
            if (std::find(choices.begin(), choices.end(), value) != choices.end()) return {};
            return butGot(orList(choices), value);
        },
        "", "choice");
}

CLI::Option* addValueOption(CLI::App& app, const std::string& names, std::function<void(const std::string&)> set,
                            const std::string& help, const std::string& valueName) {
    CLI::Option* o = app.add_option_function<std::string>(names, std::move(set), help);
    // In command-line order, as a person reads it: "--mode full --mode depthwise" ends depthwise.
    o->type_name(valueName)->trigger_on_parse();
    return o;
}

CLI::Option* addTextOption(CLI::App& app, const std::string& names, std::string& target, const std::string& help,
                           const std::string& valueName) {
    return app.add_option(names, target, help)->type_name(valueName);
}

std::vector<CLI::Option*> addConvOptions(CLI::App& app, app::ConvSettings& settings,
                                         const std::vector<std::string>& skip) {
    std::vector<CLI::Option*> added;
    for (const std::string& name : app::convOptionNames()) {
        if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
        const ConvOptionHelp& h = convOptionHelp().at(name);
        CLI::Option* o = addValueOption(
            app, name, [&settings, name](const std::string& v) { app::setConvOption(settings, name, v); }, h.text,
            h.valueName);
        if (isSize2Option(name)) o->check(size2Validator());
        o->group(kConvGroup);
        added.push_back(o);
    }
    return added;
}

void addConvOptions(CLI::App& app, const std::function<void(const std::string& name, const std::string& value)>& set,
                    const std::vector<std::string>& skip) {
    for (const std::string& name : app::convOptionNames()) {
        if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
        const ConvOptionHelp& h = convOptionHelp().at(name);
        addValueOption(
            app, name, [set, name](const std::string& v) { set(name, v); }, h.text, h.valueName)
            ->group(kConvGroup);
    }
}

CLI::Option* addBiasOrIgnoredFileOption(CLI::App& cmd, app::ConvSettings& settings, std::string& ignoredFile,
                                        const std::string& group) {
    return addValueOption(
               cmd, "--bias",
               [&settings, &ignoredFile](const std::string& v) {
                   ignoredFile = app::isBiasFile(v) ? v : std::string();
                   if (ignoredFile.empty()) app::setConvOption(settings, "--bias", v);
                   else settings.bias.clear();
               },
               "V[,V...]: one value for all output channels, or one per output channel;\n"
               "a FILE.npy (tconv apply's bias file) is ignored here, with a note on stderr",
               "V[,V...]|FILE.npy")
        ->group(group);
}

}  // namespace tconv::cli
