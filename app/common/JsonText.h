#pragma once
// The few JSON pieces our commands print (info, analyze, batch reports, bench):
// escaped strings and numbers, with non-finite numbers as null.
#include <string>

namespace tconv::app {

std::string jsonString(const std::string& s);  // quoted and escaped
std::string jsonNumber(double v);              // %.10g, or null when not finite

}  // namespace tconv::app
