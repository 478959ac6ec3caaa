// SPDX-License-Identifier: MIT
#include "common/KernelSpec.h"

#include <utility>

namespace tconv::app {

KernelSpec::KernelSpec(std::string text) : text_(std::move(text)), preset_(parseKernelPreset(text_)) {}

const std::string& KernelSpec::path() const {
    static const std::string none;
    return preset_ ? none : text_;
}

}  // namespace tconv::app
