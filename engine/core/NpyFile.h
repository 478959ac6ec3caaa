// SPDX-License-Identifier: MIT
#pragma once
// Reading and writing NumPy .npy files (format versions 1.0 to 3.0, C order,
// little-endian float32/float64/uint8/uint16 on read, float32 on write). Part
// of the core so the engine-only build (no OpenCV) can read kernels and images.
#include <cstdint>
#include <string>
#include <vector>

namespace tconv {

struct NpyArray {
    std::vector<int64_t> shape;
    std::vector<float> values;  // converted to float32, C order
    std::string dtype;          // as in the file, e.g. "<f4", "|u1", "<u2", "<f8"
};

// Throws ProcessingError naming the path and what is wrong (missing file,
// not an .npy, truncated data, unsupported dtype, Fortran order, ...).
NpyArray readNpy(const std::string& path);

// The shape and dtype alone (values left empty), for checking a job's memory
// before the data is read. Throws ProcessingError like readNpy.
NpyArray readNpyHeader(const std::string& path);

// Writes float32 in C order. Not atomic by itself: callers write to a temporary
// name and rename (see AtomicFile in app/common).
void writeNpy(const std::string& path, const std::vector<int64_t>& shape, const float* values);

}  // namespace tconv
