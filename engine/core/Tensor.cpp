#include "core/Tensor.h"

#include <algorithm>

namespace tconv {

std::string shapeText(const Shape4& s) {
    return "(" + std::to_string(s.n) + ", " + std::to_string(s.c) + ", " + std::to_string(s.h) + ", " +
           std::to_string(s.w) + ")";
}

Tensor::Tensor(Shape4 shape, float fill) : shape_(shape), data_(static_cast<size_t>(shape.count()), fill) {}

void Tensor::resize(Shape4 shape) {
    shape_ = shape;
    data_.resize(static_cast<size_t>(shape.count()));
}

void Tensor::fill(float v) { std::fill(data_.begin(), data_.end(), v); }

}  // namespace tconv
