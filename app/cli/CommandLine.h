// SPDX-License-Identifier: MIT
#pragma once
// tconv's command line: parses argv with CLI11 and runs the chosen command.
// The one place where parse errors, exceptions and the exit-code contract
// meet: 0 ok, 1 processing failure, 2 bad usage or parameters, every error as
// one line "tconv: error: ..." on stderr, --help on stdout with exit 0.
namespace tconv::cli {

int runCommandLine(int argc, char** argv);

}  // namespace tconv::cli
