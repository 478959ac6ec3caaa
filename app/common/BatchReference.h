// SPDX-License-Identifier: MIT
#pragma once
// `tconv batch --evaluate --reference DIR`: each result is scored against an
// existing high-resolution image instead of a degraded copy of its input.
//
// Matching: an input's reference is DIR / its relative path (the path under
// the folder or glob base it was found in, the file name for a file named on
// its own; the same path its output gets under -o), or, when that file does
// not exist, the one image in the same sub-folder of DIR with the same stem
// and any image extension (a.jpg's reference may be a.png). No match, or
// several with the same stem, fails that image with the reason; the batch
// goes on. Sizes are checked after the upsampling: the result must have the
// reference's height, width and channels.
#include <filesystem>

#include "core/Tensor.h"

namespace tconv::app {

// The reference image of an input with relative path `relative`. Throws
// ProcessingError naming what was looked for when there is none, or when
// several images share the stem.
std::filesystem::path findReferenceImage(const std::filesystem::path& dir, const std::filesystem::path& relative);

// Throws ProcessingError when the result and the reference differ in height,
// width or channels: "the result is 12x14x3 but the reference 'r/a.png' is
// 13x14x3 (...)".
void checkReferenceShape(const Tensor& result, const Tensor& reference, const std::filesystem::path& referencePath);

}  // namespace tconv::app
