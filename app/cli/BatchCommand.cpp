#include <cstdio>

#include "cli/Commands.h"

namespace tconv::cli {

int runBatch(int, char**) {
    std::fprintf(stderr, "tconv: error: 'batch' is not implemented yet\n");
    return 2;
}

}  // namespace tconv::cli
