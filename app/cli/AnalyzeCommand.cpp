#include <cstdio>

#include "cli/Commands.h"

namespace tconv::cli {

int runAnalyze(int, char**) {
    std::fprintf(stderr, "tconv: error: 'analyze' is not implemented yet\n");
    return 2;
}

}  // namespace tconv::cli
