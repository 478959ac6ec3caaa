// SPDX-License-Identifier: MIT
#pragma once
// Helpers shared by the batch tests: seeded test images on disk, listing a
// folder tree, and spotting leftover temporary files.
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "common/ImageIO.h"
#include "core/NpyFile.h"
#include "core/Tensor.h"

namespace tconv::batchtest {

namespace fs = std::filesystem;

// A (1, c, h, w) tensor of seeded values in [0, 1].
inline Tensor randomImage(int h, int w, int c, unsigned seed) {
    Tensor t(Shape4{1, c, h, w});
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    for (float& v : t.storage()) v = u(rng);
    return t;
}

// Writes an image (by extension; .npy is (H, W, C) float32) of seeded content.
inline void writeImage(const fs::path& path, int h, int w, int c, unsigned seed, int bitDepth = 8) {
    fs::create_directories(path.parent_path());
    app::saveImage(path.string(), randomImage(h, w, c, seed), bitDepth);
}

inline void writeText(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// Every regular file under `dir`, relative, '/'-separated, sorted.
inline std::vector<std::string> listFiles(const fs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::exists(dir, ec)) return out;
    // Error codes, not exceptions: a batch may be renaming files while we look.
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code fec;
        if (it->is_regular_file(fec)) out.push_back(it->path().lexically_relative(dir).generic_string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Temporary files of AtomicFile are hidden (".name.tconv-PID-XXXXXXXX.tmp.ext").
inline std::vector<std::string> hiddenFiles(const fs::path& dir) {
    std::vector<std::string> out;
    for (const std::string& f : listFiles(dir))
        if (fs::path(f).filename().string().rfind('.', 0) == 0) out.push_back(f);
    return out;
}

inline std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace tconv::batchtest
