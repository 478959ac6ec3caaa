// SPDX-License-Identifier: MIT
#pragma once
// A result tensor that results share instead of copying: when only the views
// change (a pane switched to Difference, another heatmap or tone), the new
// result takes the previous one's output as is, the same storage, where a copy
// of a large photo's output would cost hundreds of megabytes and milliseconds
// per change. Reads look like a const Tensor (and convert to one); writing
// goes through writable(), which never writes into storage another result holds.
// A large photo's output may be only planned (setPlanned): its shape is known
// and its views are display levels, but no tensor is made (empty() is true).
#include <memory>

#include "core/Tensor.h"

namespace tconv::ui {

class SharedTensor {
public:
    const Tensor& get() const { return t_ ? *t_ : none(); }
    operator const Tensor&() const { return get(); }  // NOLINT(google-explicit-constructor): reads as a Tensor

    const Shape4& shape() const { return t_ ? t_->shape() : planned_; }
    bool empty() const { return get().empty(); }
    int64_t size() const { return get().size(); }
    const float* data() const { return get().data(); }
    const float* plane(int64_t n, int64_t c) const { return get().plane(n, c); }
    float at(int64_t n, int64_t c, int64_t y, int64_t x) const { return get().at(n, c, y, x); }
    const std::vector<float>& storage() const { return get().storage(); }

    // The tensor this result owns alone, to compute into: the one it had (its
    // allocation reused) unless another result shares it, else a new one.
    Tensor& writable() {
        if (!t_ || t_.use_count() > 1) t_ = std::make_shared<Tensor>();
        planned_ = {};
        return *t_;
    }
    // The shape alone, no tensor (the studio's large-photo path computes what is shown from the input).
    void setPlanned(const Shape4& shape) {
        t_.reset();
        planned_ = shape;
    }
    void share(const SharedTensor& other) {
        t_ = other.t_;
        planned_ = other.planned_;
    }
    bool sharesWith(const SharedTensor& other) const { return t_ && t_ == other.t_; }
    // Keeps the tensor alive on its own (e.g. for a view's numbers).
    std::shared_ptr<const Tensor> pointer() const { return t_; }

private:
    static const Tensor& none() {
        static const Tensor empty;
        return empty;
    }
    std::shared_ptr<Tensor> t_;
    Shape4 planned_;
};

}  // namespace tconv::ui
