// SPDX-License-Identifier: MIT
// tconv_cuda_check: the CUDA backend on a real device, without Qt or OpenCV
// (the GPU machine has only a compiler, CMake and CUDA).
//   1. equivalence: seeded random problems through every kernel variant, the
//      8-bit image path and the out-of-memory error, against the reference;
//   2. benchmark: the standard suite's kernel times against the DRAM floor,
//      and end to end for a 1 MP 8-bit RGB image (table; --json adds JSON lines);
//   3. --mixing: the channel-mixing suite through the GEMM variant and
//      tiledKernel<4,2> (kernel times, GEMM rate, the two outputs compared).
// Without a usable device it prints "SKIPPED: no CUDA device (reason)" and
// exits 0, or the code given by --skip-exit-code (CTest uses 77).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "backends/BackendFactory.h"
#include "cuda/CudaBench.h"
#include "cuda/CudaEquivalence.h"
#include "cuda/MixingGemmBench.h"

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: tconv_cuda_check [--quick] [--json] [--seeds N] [--repeats N] [--no-check] [--no-bench]\n"
                 "                        [--mixing] [--skip-exit-code N]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    int seeds = 120, skipCode = 0;
    bool check = true, bench = true, mixing = false;
    tconv::testing::BenchOptions bo;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--quick") {
            seeds = 40;
            bo.repeats = 10;
        } else if (a == "--json") {
            bo.json = true;
        } else if (a == "--no-check") {
            check = false;
        } else if (a == "--no-bench") {
            bench = false;
        } else if (a == "--mixing") {
            mixing = true;
        } else if (a == "--seeds" && hasValue) {
            seeds = std::atoi(argv[++i]);
        } else if (a == "--repeats" && hasValue) {
            bo.repeats = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--skip-exit-code" && hasValue) {
            skipCode = std::atoi(argv[++i]);
        } else {
            return usage();
        }
    }
    const tconv::CudaAvailability avail = tconv::cudaAvailability();
    if (!avail.usable) {
        std::printf("SKIPPED: no CUDA device (%s)\n", avail.reason.c_str());
        return skipCode;
    }
    std::printf("device: %s\n", avail.device.c_str());
    int failures = 0;
    try {
        if (check) failures += tconv::testing::runEquivalence(seeds).failures;
        if (bench) failures += tconv::testing::runBenchmarks(bo);
        if (mixing) failures += tconv::testing::runMixingBenchmark(bo);
    } catch (const std::exception& e) {
        std::printf("ERROR: %s\n", e.what());
        return 1;
    }
    std::printf("%s\n", failures == 0 ? "ALL CHECKS PASSED" : "SOME CHECKS FAILED");
    return failures == 0 ? 0 : 1;
}
