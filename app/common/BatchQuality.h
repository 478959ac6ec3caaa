// SPDX-License-Identifier: MIT
#pragma once
// Image quality for `tconv batch --evaluate`: the degradation (downsampling by
// the stride) and the scores of an upsampled result against the original.
// Tensors are (1, C, H, W) with values in [0, 1]. Plain C++ (no OpenCV), so
// the scores do not depend on how the image libraries were built.
#include <string>

#include "core/Tensor.h"

namespace tconv::app {

enum class DegradeFilter { Area, Bicubic, Nearest };
// "area" "bicubic" "nearest"; throws ParameterError naming the value otherwise.
DegradeFilter parseDegradeFilter(const std::string& name);

// The original cropped to the largest multiple of the stride (top-left kept),
// so that down-then-up has the original's size. Throws ParameterError when
// the image is smaller than one stride.
Tensor cropToStride(const Tensor& t, int strideH, int strideW);

// Downsamples a cropped image by exactly (strideH, strideW):
//  - area: the mean of each stride x stride block;
//  - nearest: the top-left sample of each block (as OpenCV's INTER_NEAREST);
//  - bicubic: Keys' cubic (a = -0.75, as OpenCV) sampled at the block centres
//    ((i + 0.5) * s - 0.5), borders replicated; no anti-aliasing.
Tensor degrade(const Tensor& cropped, int strideH, int strideW, DegradeFilter filter);

// 10 log10(1 / MSE) over every pixel and channel, the result clamped to
// [0, 1] first (data range 1). +inf for identical images. Shapes must match.
double psnr(const Tensor& result, const Tensor& original);

// Mean SSIM (Wang et al. 2004) on luma (BT.601: 0.299 R + 0.587 G + 0.114 B;
// gray images as they are; alpha ignored), Gaussian window 11 x 11, sigma 1.5,
// K1 0.01, K2 0.03, data range 1, over the positions where the window fits
// ('valid'). The result is clamped to [0, 1] first. NaN for an image smaller
// than the window.
double ssim(const Tensor& result, const Tensor& original);

}  // namespace tconv::app
