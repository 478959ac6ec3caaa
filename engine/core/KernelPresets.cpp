// SPDX-License-Identifier: MIT
#include "core/KernelPresets.h"

#include <algorithm>
#include <cmath>

#include "core/ConvError.h"

namespace tconv {
namespace {

// A preset kernel is a small image filter; anything beyond this is a typo
// (e.g. --stride 100000 giving a natural size of 200000) and is refused
// before allocating.
constexpr int64_t kMaxPresetTaps = int64_t(1) << 24;

struct PresetEntry {
    KernelPreset preset;
    const char* name;
};
constexpr PresetEntry kPresets[] = {
    {KernelPreset::Box, "box"},           {KernelPreset::Nearest, "nearest"}, {KernelPreset::Bilinear, "bilinear"},
    {KernelPreset::Gaussian, "gaussian"}, {KernelPreset::Random, "random"},
};

// splitmix64 (Steele, Lea, Flood 2014): tiny, and its output is fixed by its
// definition, so `random` kernels are identical on every platform and library
// (std::uniform_real_distribution is not).
uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Uniform in [0, 1) from the top 53 bits: exact in double, no rounding to 1.
double uniform01(uint64_t& state) { return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53; }

// Per-axis weights; the 2-D kernel is their outer product.
std::vector<double> tentAxis(int k, int s) {
    std::vector<double> v(static_cast<size_t>(k));
    const double c = (k - 1) / 2.0;
    for (int i = 0; i < k; ++i) v[static_cast<size_t>(i)] = std::max(0.0, 1.0 - std::abs(i - c) / s);
    return v;
}

std::vector<double> gaussianAxis(int k, double sigma) {
    std::vector<double> v(static_cast<size_t>(k));
    const double c = (k - 1) / 2.0;
    for (int i = 0; i < k; ++i) v[static_cast<size_t>(i)] = std::exp(-(i - c) * (i - c) / (2.0 * sigma * sigma));
    return v;
}

Kernel2D outer(const std::vector<double>& rows, const std::vector<double>& cols) {
    Kernel2D k(static_cast<int>(rows.size()), static_cast<int>(cols.size()));
    for (int y = 0; y < k.h; ++y)
        for (int x = 0; x < k.w; ++x) k.at(y, x) = static_cast<float>(rows[size_t(y)] * cols[size_t(x)]);
    return k;
}

// Scales in double from double taps so that exactly representable targets
// (ones summing to s*s, the 2s tent) come out exact.
Kernel2D outerNormalized(const std::vector<double>& rows, const std::vector<double>& cols, double target) {
    double sr = 0, sc = 0;
    for (double r : rows) sr += r;
    for (double c : cols) sc += c;
    Kernel2D k(static_cast<int>(rows.size()), static_cast<int>(cols.size()));
    if (sr == 0 || sc == 0) return outer(rows, cols);
    const double scale = target / (sr * sc);
    for (int y = 0; y < k.h; ++y)
        for (int x = 0; x < k.w; ++x) k.at(y, x) = static_cast<float>(rows[size_t(y)] * cols[size_t(x)] * scale);
    return k;
}

}  // namespace

std::optional<KernelPreset> parseKernelPreset(const std::string& name) {
    for (const auto& e : kPresets)
        if (name == e.name) return e.preset;
    return std::nullopt;
}

const char* presetName(KernelPreset p) {
    for (const auto& e : kPresets)
        if (p == e.preset) return e.name;
    return "?";
}

std::vector<std::string> presetNames() {
    std::vector<std::string> names;
    for (const auto& e : kPresets) names.emplace_back(e.name);
    return names;
}

Size2 naturalKernelSize(KernelPreset p, Size2 stride) {
    switch (p) {
        case KernelPreset::Box:
        case KernelPreset::Nearest: return stride;
        case KernelPreset::Bilinear: return Size2(2 * stride.h, 2 * stride.w);
        case KernelPreset::Gaussian: return Size2(2 * stride.h + 1, 2 * stride.w + 1);
        case KernelPreset::Random: return Size2(3, 3);
    }
    return stride;
}

Kernel2D makePresetKernel(KernelPreset p, const PresetOptions& o) {
    const Size2 s = o.stride;
    if (s.h <= 0 || s.w <= 0) throw ParameterError("stride should be greater than zero, but got " + sizeText(s));
    if (s.h > kMaxPresetTaps || s.w > kMaxPresetTaps)
        throw ParameterError("stride " + sizeText(s) + " is too large for a kernel preset");
    const Size2 k = o.size.value_or(naturalKernelSize(p, s));
    if (k.h <= 0 || k.w <= 0) throw ParameterError("kernel size should be greater than zero, but got " + sizeText(k));
    if (static_cast<int64_t>(k.h) * k.w > kMaxPresetTaps)
        throw ParameterError("kernel size " + sizeText(k) + " is too large for a preset (at most " +
                             std::to_string(kMaxPresetTaps) + " taps)");
    const double target = static_cast<double>(s.h) * s.w;

    switch (p) {
        case KernelPreset::Box:
            return outerNormalized(std::vector<double>(size_t(k.h), 1.0), std::vector<double>(size_t(k.w), 1.0),
                                   target);
        case KernelPreset::Nearest:
            if (!(k == s))
                throw ParameterError("the nearest preset needs kernel size == stride (" + sizeText(s) +
                                     "), but got kernel size " + sizeText(k) + "; use box for other sizes");
            return outerNormalized(std::vector<double>(size_t(k.h), 1.0), std::vector<double>(size_t(k.w), 1.0),
                                   target);
        case KernelPreset::Bilinear: return outerNormalized(tentAxis(k.h, s.h), tentAxis(k.w, s.w), target);
        case KernelPreset::Gaussian:
            if (!(o.sigma > 0) || !std::isfinite(o.sigma))
                throw ParameterError("sigma must be a positive number, but got " + std::to_string(o.sigma));
            return outerNormalized(gaussianAxis(k.h, o.sigma), gaussianAxis(k.w, o.sigma), target);
        case KernelPreset::Random: {
            uint64_t state = o.seed;
            Kernel2D kernel(k.h, k.w);
            std::vector<double> v(kernel.taps.size());
            double sum = 0;
            for (double& x : v) sum += (x = uniform01(state));
            const double scale = sum > 0 ? target / sum : 1.0;
            for (size_t i = 0; i < v.size(); ++i) kernel.taps[i] = static_cast<float>(v[i] * scale);
            return kernel;
        }
    }
    throw ParameterError("unknown kernel preset");
}

void normalizeKernelSum(Kernel2D& k, double target) {
    double sum = 0;
    for (float t : k.taps) sum += t;
    if (sum == 0 || !std::isfinite(sum)) return;
    const double scale = target / sum;
    for (float& t : k.taps) t = static_cast<float>(t * scale);
}

}  // namespace tconv
