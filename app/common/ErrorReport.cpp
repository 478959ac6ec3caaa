// SPDX-License-Identifier: MIT
#include "common/ErrorReport.h"

#include <cstdio>
#include <exception>
#include <new>

#include "core/ConvError.h"

namespace tconv::app {

void printErrorLine(const std::string& message) {
    std::string line;
    for (char c : message) {
        if (c == '\n' || c == '\r') {
            if (!line.empty() && line.back() != ' ') line += "; ";
        } else {
            line += c;
        }
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == ';')) line.pop_back();
    std::fprintf(stderr, "tconv: error: %s\n", line.c_str());
    std::fflush(stderr);
}

int reportCurrentException() {
    try {
        throw;
    } catch (const ParameterError& e) {
        printErrorLine(e.what());
        return 2;
    } catch (const ProcessingError& e) {
        printErrorLine(e.what());
        return 1;
    } catch (const std::bad_alloc&) {
        printErrorLine("out of memory");
        return 1;
    } catch (const std::exception& e) {
        printErrorLine(e.what());
        return 1;
    } catch (...) {
        printErrorLine("unknown failure");
        return 1;
    }
}

}  // namespace tconv::app
