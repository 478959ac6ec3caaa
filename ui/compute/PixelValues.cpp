// SPDX-License-Identifier: MIT
#include "compute/PixelValues.h"

namespace tconv::ui {
namespace {

// A full-size plane's value, else the first channel of the level source's value.
std::optional<float> planeValueAt(const std::vector<float>& plane, const MipImage& image, int oy, int ox) {
    const QSize size = image.size();
    if (oy < 0 || ox < 0 || oy >= size.height() || ox >= size.width()) return std::nullopt;
    if (plane.size() == static_cast<size_t>(size.width()) * size.height())
        return plane[static_cast<size_t>(oy) * size.width() + ox];
    if (image.values && image.values->hasSource()) {
        const std::vector<float> v = image.values->valueAt(ox, oy);
        if (!v.empty()) return v.front();
    }
    return std::nullopt;
}

}  // namespace

std::vector<float> outputValuesAt(const ComputeResult& r, int oy, int ox) {
    const Shape4 s = r.output.shape();
    std::vector<float> v;
    if (!r.output.empty()) {
        if (oy < 0 || ox < 0 || oy >= s.h || ox >= s.w) return v;
        for (int64_t c = 0; c < s.c; ++c) v.push_back(r.output.at(0, c, oy, ox));
        return v;
    }
    if (r.outputMeans && oy >= 0 && ox >= 0 && oy < s.h && ox < s.w) r.outputMeans->compute(1, QRect(ox, oy, 1, 1), v);
    return v;
}

std::optional<float> heatValueAt(const ComputeResult& r, int oy, int ox) {
    return planeValueAt(r.heat, r.heatImage, oy, ox);
}

std::optional<float> differenceValueAt(const ComputeResult& r, int oy, int ox) {
    return planeValueAt(r.difference, r.differenceImage, oy, ox);
}

}  // namespace tconv::ui
