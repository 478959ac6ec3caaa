// SPDX-License-Identifier: MIT
#pragma once
// How the tconv commands report a failure: exactly one line on stderr,
// "tconv: error: <message>", and the exit code by error kind:
// 2 for ParameterError (a bad request), 1 for everything else.
#include <string>

namespace tconv::app {

// Call inside catch (...): prints the current exception and returns its exit code.
int reportCurrentException();

// Prints "tconv: error: <message>" on one line (line breaks become "; ").
void printErrorLine(const std::string& message);

}  // namespace tconv::app
