// SPDX-License-Identifier: MIT
#pragma once
// Parameter sweeps: any sweepable option of a batch may take a comma list
// ("--stride 2,3 --kernel bilinear,box"); the batch runs the cartesian product,
// each combination into its own sub-folder named after its settings.
// Values are parsed by setConvOption (ConvSettings.h), so parsing and
// validation of each value stay in one place.
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/ConvSettings.h"
#include "core/Kernel2D.h"

namespace tconv::app {

struct SweepAxis {
    std::string option;               // "--stride"
    std::vector<std::string> values;  // {"2", "3"}
};

struct SweepCombination {
    ConvSettings settings;
    // The studio's hand-edited kernel, used instead of settings.kernel (raw,
    // as a kernel file is); its size is the kernel size.
    std::optional<Kernel2D> customKernel;
    std::vector<std::pair<std::string, std::string>> values;  // this combination's value per axis
    std::string folder;       // sub-folder under OUTPUT_DIR; empty when there is one combination
    std::string description;  // for reports: "k=4 s=2 p=1 op=0 d=1 kernel=bilinear method=transposed"
};

// The options that may take a comma list: --kernel-size --stride --padding
// --output-padding --dilation --kernel --sigma --seed --groups --method --resize.
const std::vector<std::string>& sweepableOptions();
bool isSweepableOption(const std::string& option);

// "2,3" -> {"2", "3"} (spaces trimmed). Throws ParameterError naming the
// option for an empty list or an empty item.
std::vector<std::string> splitSweepList(const std::string& option, const std::string& value);

// Most combinations a sweep may produce (a typo such as 1,2,...,100 on five
// options would otherwise start a run of millions of folders).
constexpr size_t kMaxSweepCombinations = 1000;

// The cartesian product of `axes` over `base` (the last axis varies fastest).
// Each value goes through setConvOption; a bad value throws ParameterError.
// With more than one combination each gets a unique folder name.
std::vector<SweepCombination> expandSweep(const ConvSettings& base, const std::vector<SweepAxis>& axes,
                                          const std::optional<Kernel2D>& customKernel = std::nullopt);

// "k4_s2_p1_bilinear": kernel size (the preset's natural size when not
// given), stride and padding always; output padding, dilation, groups and the
// method when not the default; sigma / seed for the presets that use them.
// Options in `swept` always appear, so combinations differ in their names.
std::string settingsFolderName(const ConvSettings& s, const std::set<std::string>& swept = {},
                               const std::optional<Kernel2D>& customKernel = std::nullopt);
std::string settingsDescription(const ConvSettings& s, const std::optional<Kernel2D>& customKernel = std::nullopt);

}  // namespace tconv::app
