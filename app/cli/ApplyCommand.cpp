#include <cstdio>

#include "cli/Commands.h"

namespace tconv::cli {

int runApply(int, char**) {
    std::fprintf(stderr, "tconv: error: 'apply' is not implemented yet\n");
    return 2;
}

}  // namespace tconv::cli
