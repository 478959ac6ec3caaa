#include <cstdio>

#include "cli/Commands.h"

namespace tconv::cli {

int runBench(int, char**) {
    std::fprintf(stderr, "tconv: error: 'bench' is not implemented yet\n");
    return 2;
}

}  // namespace tconv::cli
