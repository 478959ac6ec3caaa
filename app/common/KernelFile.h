// SPDX-License-Identifier: MIT
#pragma once
// User kernels from files, used raw (never rescaled):
//   .npy of shape (kH, kW)                        one 2-D kernel, applied per channel
//   .npy of shape (C_in, C_out/groups, kH, kW)    a full PyTorch ConvTranspose2d weight
//   any other file: a plain-text matrix, one row per line, numbers separated by
//   spaces, tabs, commas or semicolons; blank lines and '#' comments ignored.
#include <optional>
#include <string>

#include "core/Kernel2D.h"
#include "core/Tensor.h"

namespace tconv::app {

struct KernelFile {
    std::optional<Kernel2D> kernel;  // set for 2-D kernels (.npy (kH, kW) or text)
    Tensor weight;                   // set (non-empty) for 4-D .npy weights
    bool isFullWeight() const { return !kernel.has_value(); }
    // "4x4 kernel" or "weight (3, 1, 4, 4)", for messages.
    std::string describe() const;
};

// Throws ProcessingError naming the path and the problem (unreadable, empty,
// not a number at line L, ragged rows, non-finite values, unsupported shape).
KernelFile loadKernelFile(const std::string& path);

// Parses a text matrix (as above). `source` names it in messages. Throws
// ProcessingError.
Kernel2D parseKernelText(const std::string& text, const std::string& source);

// Writes a 2-D kernel atomically: .npy (float32 (kH, kW)) by extension, else
// text with one row per line and round-trip precision. Throws ProcessingError.
void saveKernelFile(const std::string& path, const Kernel2D& kernel);

// Writes a full weight (C_in, C_out/groups, kH, kW) atomically as float32
// .npy. Throws ParameterError when `path` does not end in .npy (no other
// format holds 4-D), ProcessingError when it cannot be written.
void saveWeightFile(const std::string& path, const Tensor& weight);

}  // namespace tconv::app
