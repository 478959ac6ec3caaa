// SPDX-License-Identifier: MIT
#include "analysis/Colormap.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace tconv {
namespace {

// Moreland's CoolWarmFloat33: 33 entries at t = i / 32.
constexpr std::array<std::array<float, 3>, 33> kCoolWarm{{
    {0.2298057f, 0.298717966f, 0.753683153f},   {0.26623388f, 0.353094838f, 0.801466763f},
    {0.30386891f, 0.406535296f, 0.84495867f},   {0.342804478f, 0.458757618f, 0.883725899f},
    {0.38301334f, 0.50941904f, 0.917387822f},   {0.424369608f, 0.558148092f, 0.945619588f},
    {0.46666708f, 0.604562568f, 0.968154911f},  {0.509635204f, 0.648280772f, 0.98478814f},
    {0.552953156f, 0.688929332f, 0.995375608f}, {0.596262162f, 0.726149107f, 0.999836203f},
    {0.639176211f, 0.759599947f, 0.998151185f}, {0.681291281f, 0.788964712f, 0.990363227f},
    {0.722193294f, 0.813952739f, 0.976574709f}, {0.761464949f, 0.834302879f, 0.956945269f},
    {0.798691636f, 0.849786142f, 0.931688648f}, {0.833466556f, 0.860207984f, 0.901068838f},
    {0.865395197f, 0.86541021f, 0.865395561f},  {0.897787179f, 0.848937047f, 0.820880546f},
    {0.924127593f, 0.827384882f, 0.774508472f}, {0.944468518f, 0.800927443f, 0.726736146f},
    {0.958852946f, 0.769767752f, 0.678007945f}, {0.96732803f, 0.734132809f, 0.628751763f},
    {0.969954137f, 0.694266682f, 0.579375448f}, {0.966811177f, 0.650421156f, 0.530263762f},
    {0.958003065f, 0.602842431f, 0.481775914f}, {0.943660866f, 0.551750968f, 0.434243684f},
    {0.923944917f, 0.49730856f, 0.387970225f},  {0.89904617f, 0.439559467f, 0.343229596f},
    {0.869186849f, 0.378313092f, 0.300267182f}, {0.834620542f, 0.312874446f, 0.259301199f},
    {0.795631745f, 0.24128379f, 0.220525627f},  {0.752534934f, 0.157246067f, 0.184115123f},
    {0.705673158f, 0.01555616f, 0.150232812f},
}};

// Viridis entries 0, 16, ..., 240, 255 of matplotlib's 256 (t = index / 255).
constexpr std::array<float, 17> kViridisT{0 / 255.f,   16 / 255.f,  32 / 255.f,  48 / 255.f,  64 / 255.f,  80 / 255.f,
                                          96 / 255.f,  112 / 255.f, 128 / 255.f, 144 / 255.f, 160 / 255.f, 176 / 255.f,
                                          192 / 255.f, 208 / 255.f, 224 / 255.f, 240 / 255.f, 1.0f};
constexpr std::array<std::array<float, 3>, 17> kViridis{{
    {0.267004f, 0.004874f, 0.329415f},
    {0.282327f, 0.094955f, 0.417331f},
    {0.278826f, 0.175490f, 0.483397f},
    {0.258965f, 0.251537f, 0.524736f},
    {0.229739f, 0.322361f, 0.545706f},
    {0.199430f, 0.387607f, 0.554642f},
    {0.172719f, 0.448791f, 0.557885f},
    {0.149039f, 0.508051f, 0.557250f},
    {0.127568f, 0.566949f, 0.550556f},
    {0.120638f, 0.625828f, 0.533488f},
    {0.157851f, 0.683765f, 0.501686f},
    {0.246070f, 0.738910f, 0.452024f},
    {0.369214f, 0.788888f, 0.382914f},
    {0.515992f, 0.831158f, 0.294279f},
    {0.678489f, 0.863742f, 0.189503f},
    {0.845561f, 0.887322f, 0.099702f},
    {0.993248f, 0.906157f, 0.143936f},
}};

Rgb lerp(const std::array<float, 3>& a, const std::array<float, 3>& b, float f) {
    return {a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])};
}

}  // namespace

Rgb colormap(ColormapKind kind, double t) {
    if (std::isnan(t)) return {0.5f, 0.5f, 0.5f};
    const float u = static_cast<float>(std::clamp(t, 0.0, 1.0));
    if (kind == ColormapKind::CoolWarm) {
        const float pos = u * 32.0f;
        const int i = std::min(31, static_cast<int>(pos));
        return lerp(kCoolWarm[static_cast<size_t>(i)], kCoolWarm[static_cast<size_t>(i) + 1],
                    pos - static_cast<float>(i));
    }
    const auto it = std::upper_bound(kViridisT.begin() + 1, kViridisT.end() - 1, u);
    const size_t i = static_cast<size_t>(it - kViridisT.begin()) - 1;
    return lerp(kViridis[i], kViridis[i + 1], (u - kViridisT[i]) / (kViridisT[i + 1] - kViridisT[i]));
}

void applyColormap(ColormapKind kind, const float* values, size_t n, double lo, double hi, float* rgb) {
    const double span = hi - lo;
    for (size_t i = 0; i < n; ++i) {
        const double t = span > 0 ? (values[i] - lo) / span : 0.5;
        const Rgb c = colormap(kind, std::isnan(values[i]) ? std::nan("") : t);
        rgb[3 * i] = c.r;
        rgb[3 * i + 1] = c.g;
        rgb[3 * i + 2] = c.b;
    }
}

}  // namespace tconv
