// SPDX-License-Identifier: MIT
#pragma once
// Expands the INPUT arguments of a batch (files, folders, glob patterns) into
// the list of image files to process, each with the relative path its output
// gets under the output folder (so folder trees are mirrored).
#include <filesystem>
#include <string>
#include <vector>

namespace tconv::app {

struct BatchInput {
    std::filesystem::path source;    // the file to read, as found (not canonicalized)
    std::filesystem::path relative;  // where its output goes under OUTPUT_DIR (extension kept)
    bool named = false;              // given one by one (not found in a folder or by a glob): always taken
    bool inOutputTree = false;       // found inside OUTPUT_DIR by a walk or glob that started there
};

struct InputOptions {
    std::vector<std::string> inputs;   // files, folders, glob patterns ("*", "?", "[...]")
    bool recursive = false;            // folders: walk sub-folders and mirror their tree
    std::vector<std::string> include;  // when not empty, a file must match one of these
    std::vector<std::string> exclude;  // a file matching one of these is dropped
    // The output folder (by device and inode): a folder walk or glob that
    // starts outside it never enters it, so outputs of an earlier run are not
    // upsampled again. One that starts inside it (tconv batch d -o d) marks
    // what it finds inOutputTree, for makeBatchPlan's rules.
    std::filesystem::path outputDir;
};

// How a pattern is matched (fnmatch without FNM_PATHNAME, so '*' also matches
// '/'): a pattern containing '/' is matched against the relative path, any
// other against the file name alone.
bool matchesPattern(const std::string& pattern, const std::filesystem::path& relative);

// Files named explicitly are taken whatever their extension (a bad one fails
// later, reported per file); files found in folders or by globs are taken only
// when isSupportedInputExtension() says so. Hidden files and folders (names
// starting with '.', e.g. temporary files of an interrupted run) are skipped
// in folder walks. The result is sorted by relative path and free of
// duplicates (the same file reached twice is kept once).
// Throws ParameterError for an input that does not exist or a glob that
// matches nothing.
std::vector<BatchInput> expandInputs(const InputOptions& options);

bool hasGlobChars(const std::string& s);

}  // namespace tconv::app
