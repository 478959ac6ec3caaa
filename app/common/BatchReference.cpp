// SPDX-License-Identifier: MIT
#include "common/BatchReference.h"

#include <algorithm>
#include <string>
#include <system_error>
#include <vector>

#include "common/ImageIO.h"
#include "core/ConvError.h"

namespace fs = std::filesystem;

namespace tconv::app {

namespace {

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

std::string sizeHxWxC(const Shape4& s) {
    return std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c);
}

}  // namespace

fs::path findReferenceImage(const fs::path& dir, const fs::path& relative) {
    const fs::path exact = dir / relative;
    std::error_code ec;
    if (fs::is_regular_file(exact, ec)) return exact;
    const fs::path folder = exact.parent_path();
    const std::string stem = relative.stem().string();
    std::vector<fs::path> sameStem;
    for (fs::directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
         it.increment(ec)) {
        std::error_code fec;
        const fs::path& p = it->path();
        if (p.stem().string() == stem && it->is_regular_file(fec) && isSupportedInputExtension(p.string()))
            sameStem.push_back(p);
    }
    if (sameStem.size() == 1) return sameStem.front();
    const std::string looked = "looked for " + quoted(exact) + " and " + quoted(folder / (stem + ".*"));
    if (sameStem.empty()) throw ProcessingError("no reference image (" + looked + ")");
    std::sort(sameStem.begin(), sameStem.end());
    std::string names;
    for (const fs::path& p : sameStem) names += (names.empty() ? "" : ", ") + p.filename().string();
    throw ProcessingError("several reference images match (" + looked + "): " + names +
                          "; keep one or name the reference like the input");
}

void checkReferenceShape(const Tensor& result, const Tensor& reference, const fs::path& referencePath) {
    const Shape4 a = result.shape(), b = reference.shape();
    if (a.h == b.h && a.w == b.w && a.c == b.c) return;
    throw ProcessingError("the result is " + sizeHxWxC(a) + " but the reference " + quoted(referencePath) + " is " +
                          sizeHxWxC(b) + " (height x width x channels must agree: the layer must upsample the input " +
                          "to the reference's size)");
}

}  // namespace tconv::app
