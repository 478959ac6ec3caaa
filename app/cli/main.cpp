// SPDX-License-Identifier: MIT
// tconv: the command-line front end. The commands are in app/cli, one per
// file; CommandLine.cpp parses and dispatches.
#include "cli/CommandLine.h"
#include "common/TempFileRegistry.h"

int main(int argc, char** argv) {
    // A Ctrl-C or kill while a file is being written removes its temporary file.
    tconv::app::installTempFileCleanupOnSignals();
    return tconv::cli::runCommandLine(argc, argv);
}
