// SPDX-License-Identifier: MIT
#pragma once
// Reading and writing images and .npy arrays as planar float tensors.
// 8-bit images become value/255, 16-bit value/65535; channel order is R, G, B(, A)
// (OpenCV's BGR is swapped on read and write); alpha is its own channel.
#include <cstdint>
#include <string>
#include <vector>

#include "core/MemoryEstimate.h"
#include "core/ResourceLimits.h"
#include "core/Tensor.h"
#include "common/TensorLayout.h"

namespace tconv::app {

struct LoadedImage {
    Tensor tensor;     // (N, C, H, W) float32; N = 1 unless an .npy batch was allowed
    int bitDepth = 8;  // 8 or 16 for images; 0 for .npy inputs
    std::string path;
    NpyAxes npyAxes;  // the .npy input's axes (an image's: none), for writing the output alike
};

// An input read from disk (images: the file's bytes; .npy: the header only)
// but not decoded yet: everything a job's memory check needs.
struct InputProbe {
    std::string path;
    bool isNpy = false;
    Shape4 shape;                      // (N, C, H, W) as decoded (after EXIF orientation); N = 1 for images
    NpyAxes npyAxes;                   // .npy: the file's axes (TensorLayout.h); images: none
    uint64_t fileBytes = 0;            // F: held while decoding (images)
    uint64_t decodedBytes = 0;         // D: the decoder's samples (.npy: the values before reordering)
    int orientation = 1;               // EXIF orientation applied on decode (JPEG)
    int bitDepth = 0;                  // 8 or 16 for images (from the header), 0 for .npy
    std::vector<unsigned char> bytes;  // the file (images)
};

// Reads the input with a bound (a regular file larger than the limit is
// refused from its size; a pipe or device is read up to the limit and no
// further), reads the image or .npy header and checks F + D + I (see
// MemoryEstimate.h) against the limit before anything is decoded. Throws
// ParameterError over the limit, ProcessingError when the file cannot be read
// or is not a supported image/.npy. `npyRules` says which .npy shapes are
// accepted (default: one image, (H, W) or (H, W, C)); an empty batch (N = 0)
// is checked as if it held one item, so no dimension is beyond memory.
InputProbe probeInput(const std::string& path, const ResourceLimits& limits = defaultResourceLimits(),
                      const NpyAxesRules& npyRules = {});

// Decodes a probed input. Throws ProcessingError.
LoadedImage decodeInput(InputProbe&& probe);

// The input's parts of a job's peak: F, D and I.
void addInputMemory(PeakMemory& peak, const InputProbe& probe);

// E: the buffers saveImage needs beside the tensor for `path` (see
// MemoryEstimate.h).
uint64_t encodeBytes(const std::string& path, const Shape4& shape, int bitDepth);

// probeInput + decodeInput. Throws ProcessingError with the path and the
// reason (unreadable, not an image, empty, truncated .npy, wrong dtype or
// shape), ParameterError when it would exceed the memory limit.
LoadedImage loadImage(const std::string& path, const ResourceLimits& limits = defaultResourceLimits());

// By extension: .npy (raw float32, (H,W) or (H,W,C), or with `npyAxes` the
// input's axes and layout: see npyShapeOf in TensorLayout.h); .png .tif .tiff .jpg .jpeg
// .bmp .webp (clamped to [0,1], quantized to bitDepth; 8 when bitDepth is 0 or
// the format has no 16-bit). Atomic: a temporary file in the same folder,
// renamed over `path` only when complete. Throws ParameterError for an unknown
// extension or channel count the format cannot hold, ProcessingError otherwise.
void saveImage(const std::string& path, const Tensor& t, int bitDepth, const NpyAxes& npyAxes = {});

// The checks saveImage makes before writing, for callers that want to refuse
// early (before computing): a known extension, a non-empty result (for .npy
// an empty batch, N = 0, is fine), and for images batch 1 with 1, 3 or 4
// channels (no alpha for JPEG). Throws ParameterError.
void checkOutputFormat(const std::string& path, const Shape4& shape);

// The sample depth saveImage uses for `path` given the input's bitDepth
// (16 only for 16-bit inputs written to .png/.tif/.tiff; 32 for .npy float).
int outputBitDepthFor(const std::string& path, int bitDepth);

bool isSupportedInputExtension(const std::string& path);
bool isSupportedOutputExtension(const std::string& path);

}  // namespace tconv::app
