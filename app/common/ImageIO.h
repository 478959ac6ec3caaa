#pragma once
// Reading and writing images and .npy arrays as planar float tensors.
// 8-bit images become value/255, 16-bit value/65535; channel order is R, G, B(, A)
// (OpenCV's BGR is swapped on read and write); alpha is its own channel.
#include <string>

#include "core/Tensor.h"

namespace tconv::app {

struct LoadedImage {
    Tensor tensor;      // (1, C, H, W) float32
    int bitDepth = 8;   // 8 or 16 for images; 0 for .npy inputs
    std::string path;
};

// Throws ProcessingError with the path and the reason (unreadable, not an
// image, empty, truncated .npy, wrong dtype or shape).
LoadedImage loadImage(const std::string& path);

// By extension: .npy (raw float32, (H,W) or (H,W,C)); .png .tif .tiff .jpg .jpeg
// .bmp .webp (clamped to [0,1], quantized to bitDepth; 8 when bitDepth is 0 or
// the format has no 16-bit). Atomic: a temporary file in the same folder,
// renamed over `path` only when complete. Throws ParameterError for an unknown
// extension or channel count the format cannot hold, ProcessingError otherwise.
void saveImage(const std::string& path, const Tensor& t, int bitDepth);

// The checks saveImage makes before writing, for callers that want to refuse
// early (before computing): a known extension, and for images batch 1 with 1,
// 3 or 4 channels (no alpha for JPEG). Throws ParameterError.
void checkOutputFormat(const std::string& path, const Shape4& shape);

// The sample depth saveImage uses for `path` given the input's bitDepth
// (16 only for 16-bit inputs written to .png/.tif/.tiff; 32 for .npy float).
int outputBitDepthFor(const std::string& path, int bitDepth);

bool isSupportedInputExtension(const std::string& path);
bool isSupportedOutputExtension(const std::string& path);

}  // namespace tconv::app
