// SPDX-License-Identifier: MIT
#pragma once
// The few JSON pieces our commands print (info, analyze, batch reports, bench):
// escaped strings and numbers, with non-finite numbers as null.
#include <string>

namespace tconv::app {

// Quoted and escaped. Always valid JSON: a byte that is not part of valid
// UTF-8 (file names are bytes: a Latin-1 name, a cut sequence) becomes
// \ufffd (U+FFFD, the replacement character), one per byte.
std::string jsonString(const std::string& s);
std::string jsonNumber(double v);  // %.10g, or null when not finite
// Six significant digits (%.6g) for reports people read; "inf", "-inf", "nan" when not finite.
std::string shortNumber(double v);

}  // namespace tconv::app
