#include <cstdio>

#include "cli/Commands.h"

namespace tconv::cli {

int runInfo(int, char**) {
    std::fprintf(stderr, "tconv: error: 'info' is not implemented yet\n");
    return 2;
}

}  // namespace tconv::cli
