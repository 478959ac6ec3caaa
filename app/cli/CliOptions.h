// SPDX-License-Identifier: MIT
#pragma once
// The reusable pieces every tconv sub-command builds its options from, so a
// value type is checked, named in --help and reported the same way everywhere:
// "--stride: expected N or HxW (...), but got '2x'".
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/ConvSettings.h"

namespace tconv::cli {

// A sub-command with the project's option conventions: the last of a repeated
// option wins, unknown arguments are collected (CommandLine.cpp reports them
// with the command's name) and values may start with '-' when they are numbers.
CLI::App* addCommand(CLI::App& tconv, const std::string& name, const std::string& description);

// N or HxW (height first): "3" or "3x2".
const CLI::Validator& size2Validator();
// A whole number >= 1 ("a positive number").
const CLI::Validator& positiveIntValidator();
// One of `choices`: "expected cpu, cuda or all, but got 'gpu'".
CLI::Validator choiceValidator(const std::vector<std::string>& choices);

// An option with one value, handed to `set` as text (after the validators the
// caller adds), in command-line order. `set` may throw ParameterError.
CLI::Option* addValueOption(CLI::App& app, const std::string& names, std::function<void(const std::string&)> set,
                            const std::string& help, const std::string& valueName);

// A value the option takes as given ("-o DIR", "--input IMAGE").
CLI::Option* addTextOption(CLI::App& app, const std::string& names, std::string& target, const std::string& help,
                           const std::string& valueName);

// --bias V[,V...] as everywhere, or --bias FILE.npy (tconv apply's bias file),
// accepted so the same arguments work for apply and for a command that has no
// use for a bias file (analyze, repair): its name goes to `ignoredFile`, for the
// command's note on stderr, and the settings keep no bias.
CLI::Option* addBiasOrIgnoredFileOption(CLI::App& cmd, app::ConvSettings& settings, std::string& ignoredFile,
                                        const std::string& group);

// The convolution options of ConvSettings.h (--kernel, --stride, ... in the
// order of convOptionNames()), each value set through setConvOption, minus the
// ones in `skip`. Returns the options added.
std::vector<CLI::Option*> addConvOptions(CLI::App& app, app::ConvSettings& settings,
                                         const std::vector<std::string>& skip = {});

// The same options with a custom setter (tconv batch: comma lists for sweeps).
// Values are not checked here: `set` does (it sees "2,3").
void addConvOptions(CLI::App& app, const std::function<void(const std::string& name, const std::string& value)>& set,
                    const std::vector<std::string>& skip = {});

}  // namespace tconv::cli
