// SPDX-License-Identifier: MIT
#include "common/NpyBias.h"

#include <algorithm>
#include <cctype>

#include "common/TensorLayout.h"
#include "core/ConvError.h"
#include "core/NpyFile.h"

namespace tconv::app {
namespace {

constexpr const char* kBiasDtypes = "a bias holds float32 '<f4'; float64 '<f8' is rounded to float32";

}  // namespace

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
            std::string why = e.what();  // "'path': why"
            // The reader lists the dtypes an image may have; a bias has fewer.
            const size_t list = why.find(" (supported: ");
            if (why.find("unsupported dtype") != std::string::npos && list != std::string::npos)
                why = why.substr(0, list) + " (" + kBiasDtypes + ")";
            throw ProcessingError("cannot read --bias " + why);
        }
    };
    const NpyArray header = read(readNpyHeader);
    const std::string body = header.dtype.size() == 3 ? header.dtype.substr(1) : header.dtype;
    if (body != "f4" && body != "f8")
        throw ProcessingError("cannot read " + what + ": unsupported dtype '" + header.dtype + "' (" + kBiasDtypes +
                              ")");
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
