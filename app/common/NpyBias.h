// SPDX-License-Identifier: MIT
#pragma once
// `--bias FILE.npy`: a layer's bias as PyTorch holds it (ConvTranspose2d's
// bias, shape (C_out,)), e.g. np.save("b.npy", layer.bias.detach().numpy()).
#include <cstdint>
#include <string>
#include <vector>

namespace tconv::app {

// Whether an --bias value names a file rather than numbers: it ends in .npy
// (any case). Numbers never do, so V[,V...] keeps its meaning.
bool isBiasFile(const std::string& value);

// The C_out values of the bias file at `path`: a 1-D array of shape
// (outChannels,), float32 (float64 is rounded to float32, as torch's .float()
// does). The header is checked before any value is read. Throws
// ParameterError (exit 2) for any other shape, naming the expected and the
// actual one, and ProcessingError (exit 1, like every unreadable input) when
// the file is missing, not an .npy, truncated, Fortran-ordered or of another
// dtype.
std::vector<float> readBiasFile(const std::string& path, int64_t outChannels);

}  // namespace tconv::app
