// SPDX-License-Identifier: MIT
#pragma once
// A dense float32 tensor in NCHW (planar) layout: element (n, c, y, x) lives at
// ((n * C + c) * H + y) * W + x. Weights use the same class with PyTorch's
// ConvTranspose2d layout (C_in, C_out / groups, kH, kW).
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace tconv {

struct Shape4 {
    int64_t n = 0, c = 0, h = 0, w = 0;
    // n * c * h * w, computed with overflow checks: INT64_MAX when the product
    // does not fit (no such tensor can exist; Tensor refuses to allocate it).
    int64_t count() const {
        int64_t r = n;
        for (int64_t d : {c, h, w})
            if (__builtin_mul_overflow(r, d, &r)) return INT64_MAX;
        return r;
    }
    friend bool operator==(const Shape4&, const Shape4&) = default;
};

std::string shapeText(const Shape4& s);  // "(1, 3, 512, 512)"

class Tensor {
public:
    Tensor() = default;
    explicit Tensor(Shape4 shape, float fill = 0.0f);

    const Shape4& shape() const { return shape_; }
    bool empty() const { return data_.empty(); }
    int64_t size() const { return static_cast<int64_t>(data_.size()); }

    float* data() { return data_.data(); }
    const float* data() const { return data_.data(); }
    // One (n, c) plane of h * w contiguous floats.
    float* plane(int64_t n, int64_t c) { return data_.data() + (n * shape_.c + c) * shape_.h * shape_.w; }
    const float* plane(int64_t n, int64_t c) const { return data_.data() + (n * shape_.c + c) * shape_.h * shape_.w; }

    float& at(int64_t n, int64_t c, int64_t y, int64_t x) { return data_[index(n, c, y, x)]; }
    float at(int64_t n, int64_t c, int64_t y, int64_t x) const { return data_[index(n, c, y, x)]; }

    // Reshapes, reusing the allocation when it is large enough (callers that run
    // many times a second, like the studio, keep their output tensors).
    void resize(Shape4 shape);
    void fill(float v);

    std::vector<float>& storage() { return data_; }
    const std::vector<float>& storage() const { return data_; }

private:
    size_t index(int64_t n, int64_t c, int64_t y, int64_t x) const {
        return static_cast<size_t>(((n * shape_.c + c) * shape_.h + y) * shape_.w + x);
    }
    Shape4 shape_{};
    std::vector<float> data_;
};

}  // namespace tconv
