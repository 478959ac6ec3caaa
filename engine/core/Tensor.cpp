// SPDX-License-Identifier: MIT
#include "core/Tensor.h"

#include <algorithm>

#include "core/ConvError.h"

namespace tconv {

std::string shapeText(const Shape4& s) {
    return "(" + std::to_string(s.n) + ", " + std::to_string(s.c) + ", " + std::to_string(s.h) + ", " +
           std::to_string(s.w) + ")";
}

namespace {

// Elements for `s`, refusing shapes no allocation can hold (negative or
// overflowing sizes) instead of wrapping them into a small or huge size_t.
size_t checkedElements(const Shape4& s) {
    const int64_t n = s.count();
    if (s.n < 0 || s.c < 0 || s.h < 0 || s.w < 0 || n == INT64_MAX)
        throw ParameterError("cannot allocate a tensor of shape " + shapeText(s));
    return static_cast<size_t>(n);
}

}  // namespace

Tensor::Tensor(Shape4 shape, float fill) : shape_(shape), data_(checkedElements(shape), fill) {}

void Tensor::resize(Shape4 shape) {
    const size_t n = checkedElements(shape);
    shape_ = shape;
    data_.resize(n);
}

void Tensor::fill(float v) { std::fill(data_.begin(), data_.end(), v); }

}  // namespace tconv
