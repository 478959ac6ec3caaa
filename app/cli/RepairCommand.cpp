#include <cstdio>

#include "cli/Commands.h"

namespace tconv::cli {

int runRepair(int, char**) {
    std::fprintf(stderr, "tconv: error: 'repair' is not implemented yet\n");
    return 2;
}

}  // namespace tconv::cli
