// tconv: the command-line front end. Dispatches to one sub-command per file.
#include <cstdio>
#include <cstring>
#include <exception>

#include "cli/Commands.h"
#include "common/TempFileRegistry.h"

namespace {

void printUsage(std::FILE* to) {
    std::fprintf(to,
                 "usage: tconv <command> [options]\n"
                 "commands:\n"
                 "  apply INPUT OUTPUT [options]   upsample one image or .npy by transposed convolution\n"
                 "  batch INPUT... -o DIR [opts]   upsample files, folders and globs\n"
                 "  batch-report merge DIR -o F    merge the reports of a sharded batch\n"
                 "  analyze [options]              checkerboard-artifact analysis of a kernel and parameters\n"
                 "  repair --kernel K ... --out F  make a kernel artifact-free\n"
                 "  bench [options]                benchmark the backends\n"
                 "  info                           version, build options, SIMD level, backends\n"
                 "run 'tconv <command> --help' for a command's options\n");
}

// "--" ends the options of every command. apply and batch take file
// arguments after it and parse it themselves, as do analyze and repair; info
// and bench take none, so a "--" is dropped there, and anything after it is
// refused.
int dropEndOfOptions(const char* cmd, int argc, char** argv) {
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--") != 0) continue;
        if (i + 1 < argc) {
            std::fprintf(stderr, "tconv: error: %s takes no file arguments, but got '%s' after '--'\n", cmd, argv[i + 1]);
            return -1;
        }
        return i;
    }
    return argc;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        printUsage(stderr);
        return 2;
    }
    // A Ctrl-C or kill while a file is being written removes its temporary file.
    tconv::app::installTempFileCleanupOnSignals();
    const char* cmd = argv[1];
    if (!std::strcmp(cmd, "--help") || !std::strcmp(cmd, "-h") || !std::strcmp(cmd, "help")) {
        printUsage(stdout);
        return 0;
    }
    try {
        using namespace tconv::cli;
        if (!std::strcmp(cmd, "apply")) return runApply(argc - 1, argv + 1);
        if (!std::strcmp(cmd, "info") || !std::strcmp(cmd, "bench")) {
            const int n = dropEndOfOptions(cmd, argc, argv);
            if (n < 0) return 2;
            return !std::strcmp(cmd, "info") ? runInfo(n - 1, argv + 1) : runBench(n - 1, argv + 1);
        }
        if (!std::strcmp(cmd, "analyze")) return runAnalyze(argc - 1, argv + 1);
        if (!std::strcmp(cmd, "repair")) return runRepair(argc - 1, argv + 1);
        if (!std::strcmp(cmd, "batch")) return runBatch(argc - 1, argv + 1);
        if (!std::strcmp(cmd, "batch-report")) return runBatchReport(argc - 1, argv + 1);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tconv: error: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "tconv: unknown command '%s' (expected apply, batch, batch-report, analyze, repair, bench or info)\n", cmd);
    return 2;
}
