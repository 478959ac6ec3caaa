// SPDX-License-Identifier: MIT
#include "common/NpyBias.h"

#include <algorithm>
#include <cctype>

#include "common/TensorLayout.h"
#include "core/ConvError.h"
#include "core/NpyFile.h"

namespace tconv::app {

bool isBiasFile(const std::string& value) {
    if (value.size() < 4) return false;
    std::string ext = value.substr(value.size() - 4);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".npy";
}

std::vector<float> readBiasFile(const std::string& path, int64_t outChannels) {
    const std::string what = "--bias '" + path + "'";
    const auto read = [&](auto reader) {
        try {
            return reader(path);
        } catch (const ProcessingError& e) {
            throw ProcessingError(std::string("cannot read --bias ") + e.what());  // e: "'path': why"
        }
    };
    const NpyArray header = read(readNpyHeader);
    const std::string body = header.dtype.size() == 3 ? header.dtype.substr(1) : header.dtype;
    if (body != "f4" && body != "f8")
        throw ProcessingError("cannot read " + what +
                              ": a bias holds float32 values ('<f4'; float64 '<f8' is rounded "
                              "to float32), but this file holds '" +
                              header.dtype + "'");
    const std::vector<int64_t> expected{outChannels};
    if (header.shape != expected)
        throw ParameterError(what + ": expected a bias of shape " + npyShapeText(expected) +
                             " (one value per output channel, C_out = " + std::to_string(outChannels) +
                             "), but got shape " + npyShapeText(header.shape));
    NpyArray values = read(readNpy);
    if (values.shape != expected)  // the file changed since its header was read
        throw ProcessingError("cannot read " + what + ": the file changed while it was read (its shape is now " +
                              npyShapeText(values.shape) + ")");
    return std::move(values.values);
}

}  // namespace tconv::app
