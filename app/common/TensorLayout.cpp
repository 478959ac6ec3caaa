// SPDX-License-Identifier: MIT
#include "common/TensorLayout.h"

#include "core/ConvError.h"

namespace tconv::app {

const char* tensorLayoutName(TensorLayout layout) { return layout == TensorLayout::Nchw ? "nchw" : "nhwc"; }

std::optional<TensorLayout> parseTensorLayout(const std::string& text) {
    if (text == "nhwc") return TensorLayout::Nhwc;
    if (text == "nchw") return TensorLayout::Nchw;
    return std::nullopt;
}

std::string acceptedNpyShapes(const NpyAxesRules& rules) {
    const bool nchw = rules.layout == TensorLayout::Nchw;
    const std::string single = nchw ? "(C, H, W)" : "(H, W, C)";
    if (!rules.batches) return "(H, W) or " + single;
    return "(H, W), " + single + " or " + (nchw ? "(N, C, H, W)" : "(N, H, W, C)");
}

std::string npyShapeText(const std::vector<int64_t>& shape) {
    std::string t = "(";
    for (size_t i = 0; i < shape.size(); ++i) t += (i ? ", " : "") + std::to_string(shape[i]);
    return t + (shape.size() == 1 ? ",)" : ")");
}

NpyAxes npyInputAxes(const std::string& path, const std::vector<int64_t>& shape, const NpyAxesRules& rules) {
    const size_t rank = shape.size();
    if (rank != 2 && rank != 3 && !(rank == 4 && rules.batches)) {
        // Without batches this is the message tconv has always given for images.
        const std::string what =
            rules.batches ? std::string("with --layout ") + tensorLayoutName(rules.layout) + " an .npy input has shape "
                          : "an .npy image has shape ";
        throw ParameterError("cannot use '" + path + "' as " + (rules.batches ? "an input" : "an image") + ": " + what +
                             acceptedNpyShapes(rules) + ", but this one has shape " + npyShapeText(shape));
    }
    NpyAxes axes;
    axes.layout = rules.layout;
    axes.batch = rank == 4;
    axes.channels = rank >= 3;
    // Like PyTorch, an empty batch is a valid input (its output is empty too);
    // an empty image is not.
    for (size_t i = axes.batch ? 1 : 0; i < rank; ++i)
        if (shape[i] <= 0)
            throw ProcessingError("cannot read '" + path + "': the array is empty, shape " + npyShapeText(shape));
    return axes;
}

Shape4 shape4Of(const std::vector<int64_t>& s, const NpyAxes& axes) {
    if (s.size() == 2) return Shape4{1, 1, s[0], s[1]};
    const bool nchw = axes.layout == TensorLayout::Nchw;
    if (s.size() == 3) return nchw ? Shape4{1, s[0], s[1], s[2]} : Shape4{1, s[2], s[0], s[1]};
    return nchw ? Shape4{s[0], s[1], s[2], s[3]} : Shape4{s[0], s[3], s[1], s[2]};
}

std::vector<int64_t> npyShapeOf(const Shape4& s, const NpyAxes& axes) {
    const bool batch = axes.batch || s.n != 1;
    const bool channels = axes.batch || (axes.channels && axes.layout == TensorLayout::Nchw) || s.c != 1;
    std::vector<int64_t> shape;
    if (batch) shape.push_back(s.n);
    if (channels && axes.layout == TensorLayout::Nchw) shape.push_back(s.c);
    shape.push_back(s.h);
    shape.push_back(s.w);
    if (channels && axes.layout == TensorLayout::Nhwc) shape.push_back(s.c);
    return shape;
}

void npyToPlanar(const std::vector<float>& values, TensorLayout layout, float divisor, Tensor& dst) {
    const Shape4 s = dst.shape();
    // Divided, not multiplied by a reciprocal: v / 255 is then exactly the
    // float nearest to the true ratio, the value an 8-bit image file gives.
    if (layout == TensorLayout::Nchw) {  // the file's order is the tensor's
        float* out = dst.data();
        for (size_t i = 0; i < values.size(); ++i) out[i] = values[i] / divisor;
        return;
    }
    const int64_t plane = s.h * s.w;
    for (int64_t n = 0; n < s.n; ++n) {
        const float* item = values.data() + n * plane * s.c;
        for (int64_t c = 0; c < s.c; ++c) {
            float* out = dst.plane(n, c);
            for (int64_t i = 0; i < plane; ++i) out[i] = item[i * s.c + c] / divisor;
        }
    }
}

std::vector<float> planarToNpy(const Tensor& t, TensorLayout layout) {
    const Shape4 s = t.shape();
    if (layout == TensorLayout::Nchw) return t.storage();
    std::vector<float> hwc(static_cast<size_t>(s.count()));
    const int64_t plane = s.h * s.w;
    for (int64_t n = 0; n < s.n; ++n)
        for (int64_t c = 0; c < s.c; ++c) {
            const float* src = t.plane(n, c);
            float* dst = hwc.data() + n * plane * s.c + c;
            for (int64_t i = 0; i < plane; ++i) dst[i * s.c] = src[i];
        }
    return hwc;
}

}  // namespace tconv::app
