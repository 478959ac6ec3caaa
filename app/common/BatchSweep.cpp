// SPDX-License-Identifier: MIT
#include "common/BatchSweep.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>

#include "core/ConvError.h"
#include "core/KernelPresets.h"

namespace tconv::app {

const std::vector<std::string>& sweepableOptions() {
    static const std::vector<std::string> options = {"--kernel-size", "--stride", "--padding", "--output-padding",
                                                     "--dilation",    "--kernel", "--sigma",   "--seed",
                                                     "--groups",      "--method", "--resize"};
    return options;
}

bool isSweepableOption(const std::string& option) {
    const auto& o = sweepableOptions();
    return std::find(o.begin(), o.end(), option) != o.end();
}

namespace {

std::string trim(const std::string& s) {
    const size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    const size_t e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

// Feeds "option value" through the one parser of conv option values.
void applyOption(ConvSettings& s, const std::string& option, const std::string& value) {
    if (!setConvOption(s, option, value)) throw ParameterError(option + " is not a parameter option");
}

std::string formatDouble(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// Folder names keep to letters, digits and ". - x"; anything else (from a
// kernel file name) becomes '-'.
std::string sanitize(std::string s) {
    for (char& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '-';
    return s;
}

std::optional<Size2> effectiveKernelSize(const ConvSettings& s, const std::optional<Kernel2D>& custom) {
    if (custom) return Size2(custom->h, custom->w);
    if (s.kernelSize) return s.kernelSize;
    if (auto preset = s.kernel.preset()) return naturalKernelSize(*preset, s.stride);
    return std::nullopt;  // a kernel file: its shape decides
}

std::string kernelLabel(const ConvSettings& s, const std::optional<Kernel2D>& custom) {
    if (custom) return "custom";
    if (s.kernel.isPreset()) return s.kernel.text();
    return std::filesystem::path(s.kernel.path()).stem().string();
}

}  // namespace

std::vector<std::string> splitSweepList(const std::string& option, const std::string& value) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        const size_t comma = value.find(',', start);
        const std::string item =
            trim(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (item.empty())
            throw ParameterError(option + ": empty value in the list '" + value + "' (expected e.g. 2,3)");
        out.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string settingsFolderName(const ConvSettings& s, const std::set<std::string>& swept,
                               const std::optional<Kernel2D>& customKernel) {
    auto isSwept = [&](const char* o) { return swept.count(o) > 0; };
    std::vector<std::string> parts;
    if (auto k = effectiveKernelSize(s, customKernel)) parts.push_back("k" + sizeText(*k));
    parts.push_back("s" + sizeText(s.stride));
    parts.push_back(s.autoPad ? std::string(autoPadName(*s.autoPad))
                    : s.pads  ? "pads" + padsText(*s.pads)
                              : "p" + sizeText(s.padding));
    if (s.outputPadding != Size2(0, 0) || isSwept("--output-padding"))
        parts.push_back("op" + sizeText(s.outputPadding));
    if (s.dilation != Size2(1, 1) || isSwept("--dilation")) parts.push_back("d" + sizeText(s.dilation));
    if (s.groups != 0 || isSwept("--groups")) parts.push_back("g" + std::to_string(s.groups));
    parts.push_back(kernelLabel(s, customKernel));
    const auto preset = customKernel ? std::nullopt : s.kernel.preset();
    if ((preset && *preset == KernelPreset::Gaussian) || isSwept("--sigma"))
        parts.push_back("sigma" + formatDouble(s.sigma));
    if ((preset && *preset == KernelPreset::Random) || isSwept("--seed"))
        parts.push_back("seed" + std::to_string(s.seed));
    if (s.method != ConvMethod::Transposed || isSwept("--method") || isSwept("--resize")) {
        std::string m = convMethodName(s.method);
        if (s.method == ConvMethod::ResizeConv || isSwept("--resize"))
            m += s.resize == ResizeMode::Bilinear ? "-bilinear" : "-nearest";
        parts.push_back(m);
    }
    std::string name;
    for (const std::string& p : parts) name += (name.empty() ? "" : "_") + sanitize(p);
    return name;
}

std::string settingsDescription(const ConvSettings& s, const std::optional<Kernel2D>& customKernel) {
    std::string d;
    if (auto k = effectiveKernelSize(s, customKernel)) d += "k=" + sizeText(*k) + " ";
    d += "s=" + sizeText(s.stride) +
         (s.autoPad ? std::string(" auto_pad=") + autoPadName(*s.autoPad)
          : s.pads  ? " pads=" + padsText(*s.pads)
                    : " p=" + sizeText(s.padding)) +
         " op=" + sizeText(s.outputPadding) + " d=" + sizeText(s.dilation) +
         " g=" + (s.groups == 0 ? std::string("auto") : std::to_string(s.groups)) +
         " kernel=" + (customKernel ? std::string("custom") : s.kernel.text());
    const auto preset = customKernel ? std::nullopt : s.kernel.preset();
    if (preset && *preset == KernelPreset::Gaussian) d += " sigma=" + formatDouble(s.sigma);
    if (preset && *preset == KernelPreset::Random) d += " seed=" + std::to_string(s.seed);
    if (!s.bias.empty()) {
        d += " bias=";
        for (size_t i = 0; i < s.bias.size(); ++i) d += (i ? "," : "") + formatDouble(s.bias[i]);
    }
    d += std::string(" method=") + convMethodName(s.method);
    if (s.method == ConvMethod::ResizeConv)
        d += s.resize == ResizeMode::Bilinear ? " resize=bilinear" : " resize=nearest";
    return d;
}

std::vector<SweepCombination> expandSweep(const ConvSettings& base, const std::vector<SweepAxis>& axes,
                                          const std::optional<Kernel2D>& customKernel) {
    size_t total = 1;
    std::set<std::string> swept;
    for (const SweepAxis& a : axes) {
        if (a.values.empty()) throw ParameterError(a.option + ": no values");
        total *= a.values.size();
        if (total > kMaxSweepCombinations)
            throw ParameterError("the sweep has more than " + std::to_string(kMaxSweepCombinations) +
                                 " combinations; use shorter lists");
        if (a.values.size() > 1) swept.insert(a.option);
    }

    std::vector<SweepCombination> combos;
    combos.reserve(total);
    std::vector<size_t> index(axes.size(), 0);
    for (size_t n = 0; n < total; ++n) {
        SweepCombination c;
        c.settings = base;
        c.customKernel = customKernel;
        for (size_t a = 0; a < axes.size(); ++a) {
            applyOption(c.settings, axes[a].option, axes[a].values[index[a]]);
            c.values.emplace_back(axes[a].option, axes[a].values[index[a]]);
        }
        c.description = settingsDescription(c.settings, customKernel);
        combos.push_back(std::move(c));
        for (size_t a = axes.size(); a-- > 0;) {  // odometer: the last axis varies fastest
            if (++index[a] < axes[a].values.size()) break;
            index[a] = 0;
        }
    }

    if (combos.size() > 1) {
        // Names can coincide (two kernel files with one stem in different folders).
        std::map<std::string, int> used;
        for (SweepCombination& c : combos) {
            const std::string name = settingsFolderName(c.settings, swept, customKernel);
            const int n = ++used[name];
            c.folder = n == 1 ? name : name + "_" + std::to_string(n);
        }
    }
    return combos;
}

}  // namespace tconv::app
