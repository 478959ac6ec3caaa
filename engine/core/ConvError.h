// SPDX-License-Identifier: MIT
#pragma once
// Errors raised by the engine. ParameterError: the request itself is invalid
// (bad parameters, shapes, limits; the CLI exits 2). ProcessingError: a valid
// request failed while running (a device error, an I/O failure; exit 1).
#include <stdexcept>
#include <string>

namespace tconv {

class ParameterError : public std::invalid_argument {
public:
    explicit ParameterError(const std::string& what) : std::invalid_argument(what) {}
};

class ProcessingError : public std::runtime_error {
public:
    explicit ProcessingError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace tconv
